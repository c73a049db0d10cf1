package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name string
		rel  string
		src  string // content of a Go file; "" when it must not be read
		want action
	}{
		{"top-level README is replaced by the guide", "README.md", "", skip},
		{"the lab guide", "handout/README.md", "", start},
		{"a raft starting file", "handout/raft/raft.go", "", start},
		{"a raftkv starting file", "handout/raftkv/server.go", "", start},
		{"the starting files' own module", "handout/go.mod", "", skip},
		{"this tool", "cmd/handout/main.go", "", skip},
		{"the mutation runner", "cmd/mutate/main.go", "", skip},
		{"the mutation catalogue", "mutations/raft/001.patch", "", skip},
		{"another tool", "cmd/kvsim/main.go", "", copyIt},
		{"a file beyond the lab API, swapped", "cmd/raftkvd/membership.go", "", skip},
		{"its replacement", "handout/cmd/raftkvd/membership.go", "", start},
		{"the rest of that command", "cmd/raftkvd/main.go", "", copyIt},
		{"a framework package", "labrpc/network.go", "", copyIt},
		{"the Makefile", "Makefile", "", copyIt},
		{"raft tester", "raft/config.go", "package raft\n", copyIt},
		{"raft persister", "raft/persister.go", "package raft\n", copyIt},
		{"raft tests", "raft/test_test.go", "package raft\n", copyIt},
		{"raftkv tester", "raftkv/config.go", "package raftkv\n", copyIt},
		{"raftkv tests", "raftkv/test_test.go", "package raftkv\n", copyIt},
		{"shardkv tester", "shardkv/config.go", "package shardkv\n", copyIt},
		{"white-box shardkv test", "shardkv/apply_test.go", "package shardkv\n", skip},
		{"shardctrler solution", "shardctrler/rebalance.go", "package shardctrler\n", skip},
		{"lab 4's API types, shared with the starting files", "shardkv/common.go", "package shardkv\n", copyIt},
		{"raftkv's API types are a starting file of their own", "raftkv/common.go", "package raftkv\n", skip},
		{"a shardctrler starting file", "handout/shardctrler/server.go", "", start},
		{"the solution's replicated state machine", "internal/rsm/rsm.go", "", skip},
		{"a persister.go is tester code in raft only", "raftkv/persister.go", "package raftkv\n", skip},
		{"external raft test", "raft/paper_test.go", "// doc\npackage raft_test\n", copyIt},
		{"external raftkv test", "raftkv/black_test.go", "package raftkv_test\n", copyIt},
		{"white-box raft test", "raft/log_test.go", "package raft\n", skip},
		{"white-box raftkv test", "raftkv/snapshot_test.go", "package raftkv\n", skip},
		{"solution file", "raft/election.go", "package raft\n", skip},
		{"solution file whose name looks external", "raft/raft_test_helpers.go", "package raft\n", skip},
		{"an external package clause counts only in a _test.go file", "raft/x.go", "package raft_test\n", skip},
		{"another package's external test", "raft/y_test.go", "package raftkv_test\n", skip},
		{"a non-Go file of a student package", "raft/notes.txt", "", copyIt},
		{"a subfolder of a student package", "raft/internal/tester/tester.go", "", copyIt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content := func() ([]byte, error) {
				if c.src == "" {
					t.Errorf("classify read %s, which it should decide by path", c.rel)
				}
				return []byte(c.src), nil
			}
			got, err := classify(c.rel, content)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("classify(%s) = %v, want %v", c.rel, got, c.want)
			}
		})
	}
}

func TestClassifyErrors(t *testing.T) {
	unreadable := func() ([]byte, error) { return nil, errors.New("disk on fire") }
	if _, err := classify("raft/raft.go", unreadable); err == nil {
		t.Error("an unreadable solution file was classified without error")
	}
	garbage := func() ([]byte, error) { return []byte("not go"), nil }
	if _, err := classify("raft/weird_test.go", garbage); err == nil {
		t.Error("a Go file without a package clause was classified without error")
	}
	if _, err := classify("handout/labrpc/x.go", garbage); err == nil {
		t.Error("a starting file for a package the handout does not replace was accepted")
	}
	if _, err := classify("handout/cmd/raftkvd/extra.go", garbage); err == nil {
		t.Error("a file under handout/ that replaces no swapped file was accepted")
	}
}

func TestStartingTarget(t *testing.T) {
	for rel, want := range map[string]string{
		"handout/README.md":                 "README.md",
		"handout/raft/raft.go":              "raft/raft.go",
		"handout/raftkv/client.go":          "raftkv/client.go",
		"handout/cmd/raftkvd/membership.go": "cmd/raftkvd/membership.go",
	} {
		if got, ok := startingTarget(rel); !ok || got != want {
			t.Errorf("startingTarget(%s) = %q, %v; want %q", rel, got, ok, want)
		}
	}
	for _, rel := range []string{"handout/go.mod", "handout/raft/sub/x.go", "handout/notes.md"} {
		if got, ok := startingTarget(rel); ok {
			t.Errorf("startingTarget(%s) = %q; want no target", rel, got)
		}
	}
}

// writeTree creates the files (path -> content) under a new folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestPlanAndWrite(t *testing.T) {
	tree := map[string]string{
		"go.mod":                            "module miniraftkv\n",
		"README.md":                         "the solution's readme",
		"labrpc/network.go":                 "package labrpc\n",
		"raft/config.go":                    "package raft\n// tester\n",
		"raft/raft.go":                      "package raft\n// solution\n",
		"raft/paper_test.go":                "package raft_test\n",
		"raft/log_test.go":                  "package raft\n",
		"handout/go.mod":                    "module miniraftkv/handout\n",
		"handout/README.md":                 "the guide",
		"handout/raft/raft.go":              "package raft\n// starting\n",
		"cmd/handout/main.go":               "package main\n",
		"raftkv/test_test.go":               "package raftkv\n",
		"raftkv/server.go":                  "package raftkv\n// solution\n",
		"handout/raftkv/kv.go":              "package raftkv\n// starting\n",
		"mutations/catalogue.a":             "x",
		"cmd/raftkvd/main.go":               "package main\n// lab API only\n",
		"cmd/raftkvd/membership.go":         "package main\n// beyond the lab API\n",
		"handout/cmd/raftkvd/membership.go": "package main\n// lab API only\n",
	}
	root := writeTree(t, tree)
	p, err := makePlan(root, keys(tree))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"go.mod":                    "module miniraftkv\n",
		"README.md":                 "the guide",
		"labrpc/network.go":         "package labrpc\n",
		"raft/config.go":            "package raft\n// tester\n",
		"raft/raft.go":              "package raft\n// starting\n",
		"raft/paper_test.go":        "package raft_test\n",
		"raftkv/test_test.go":       "package raftkv\n",
		"raftkv/kv.go":              "package raftkv\n// starting\n",
		"cmd/raftkvd/main.go":       "package main\n// lab API only\n",
		"cmd/raftkvd/membership.go": "package main\n// lab API only\n",
	}
	out := filepath.Join(t.TempDir(), "new")
	if err := checkOutput(root, out); err != nil {
		t.Fatal(err)
	}
	if err := writePlan(root, out, p); err != nil {
		t.Fatal(err)
	}
	checkTree(t, out, want)
}

// checkTree fails unless the folder holds exactly the files of want.
func checkTree(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel, content := range want {
		if got[rel] != content {
			t.Errorf("%s: got %q, want %q", rel, got[rel], content)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("unexpected file %s in the handout", rel)
		}
	}
}

func TestStartingFileMayNotReplaceAKeptFile(t *testing.T) {
	tree := map[string]string{
		"raft/config.go":         "package raft\n",
		"handout/raft/config.go": "package raft\n",
	}
	root := writeTree(t, tree)
	if _, err := makePlan(root, keys(tree)); err == nil || !strings.Contains(err.Error(), "would replace raft/config.go") {
		t.Errorf("makePlan: %v; want an error about replacing raft/config.go", err)
	}
}

func TestSwappedFileNeedsItsReplacement(t *testing.T) {
	tree := map[string]string{"cmd/raftkvd/membership.go": "package main\n"}
	root := writeTree(t, tree)
	if _, err := makePlan(root, keys(tree)); err == nil || !strings.Contains(err.Error(), "handout/cmd/raftkvd/membership.go") {
		t.Errorf("makePlan: %v; want an error naming the missing replacement", err)
	}
}

func TestCheckOutput(t *testing.T) {
	root := t.TempDir()
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkOutput(root, full); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty output folder: %v; want a refusal", err)
	}
	if err := checkOutput(root, filepath.Join(root, "handout-out")); err == nil || !strings.Contains(err.Error(), "inside the source tree") {
		t.Errorf("output folder inside the tree: %v; want a refusal", err)
	}
	if err := checkOutput(root, t.TempDir()); err != nil {
		t.Errorf("empty output folder refused: %v", err)
	}
	if err := checkOutput(filepath.Join(root, "a"), filepath.Join(root, "ab")); err != nil {
		t.Errorf("a sibling folder sharing the tree's name as prefix refused: %v", err)
	}
}

func TestRunUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if status := run(nil, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), "usage") {
		t.Errorf("run without -out: status %d, stderr %q; want 2 and the usage", status, stderr.String())
	}
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if status := run([]string{"-src", sourceRoot, "-out", full}, &stdout, &stderr); status != 1 || !strings.Contains(stderr.String(), "not empty") {
		t.Errorf("run into a non-empty folder: status %d, stderr %q; want 1 and a clear error", status, stderr.String())
	}
}
