package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeFiles creates the files (path relative to dir -> content).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// courseDir makes a folder holding the five course files, each saying
// "course" in a comment.
func courseDir(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{}
	for _, f := range courseFiles {
		files[f] = "package " + filepath.Dir(f) + "\n\n// course\n"
	}
	writeFiles(t, dir, files)
	return dir
}

func TestOverlayTree(t *testing.T) {
	tree := t.TempDir()
	writeFiles(t, tree, map[string]string{
		"go.mod":            "module fakelab\n\ngo 1.22\n",
		"raft/config.go":    "package raft\n\n// ours\n",
		"raft/raft.go":      "package raft\n",
		"raftkv/config.go":  "package raftkv\n\n// ours\n",
		"raftkv/deep/x.txt": "data\n",
		".git/HEAD":         "ref: refs/heads/main\n",
		"raftkv/.git":       "gitdir: /elsewhere\n",
	})
	if err := os.Symlink("raft.go", filepath.Join(tree, "raft", "link.go")); err != nil {
		t.Fatal(err)
	}
	course := courseDir(t)
	dst := t.TempDir()
	if err := overlayTree(tree, course, dst, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, f := range courseFiles {
		if got := readFile(t, filepath.Join(dst, f)); !strings.Contains(got, "// course") {
			t.Errorf("copy's %s = %q: not the course's file", f, got)
		}
	}
	if got := readFile(t, filepath.Join(dst, "raftkv/deep/x.txt")); got != "data\n" {
		t.Errorf("nested file not copied: %q", got)
	}
	if link, err := os.Readlink(filepath.Join(dst, "raft", "link.go")); err != nil || link != "raft.go" {
		t.Errorf("symbolic link not copied as a link: %q, %v", link, err)
	}
	for _, git := range []string{".git", "raftkv/.git"} {
		if _, err := os.Stat(filepath.Join(dst, git)); !os.IsNotExist(err) {
			t.Errorf("%s was copied (err %v)", git, err)
		}
	}
	if got := readFile(t, filepath.Join(tree, "raft/config.go")); got != "package raft\n\n// ours\n" {
		t.Errorf("the graded tree was changed: raft/config.go = %q", got)
	}
	if _, err := os.Stat(filepath.Join(tree, "raft/test_test.go")); !os.IsNotExist(err) {
		t.Errorf("a course file was written into the graded tree (err %v)", err)
	}
}

func TestCheckCourseFiles(t *testing.T) {
	dir := courseDir(t)
	if err := checkCourseFiles(dir); err != nil {
		t.Fatalf("complete folder rejected: %v", err)
	}
	os.Remove(filepath.Join(dir, "raft/persister.go"))
	os.Remove(filepath.Join(dir, "raftkv/test_test.go"))
	err := checkCourseFiles(dir)
	if err == nil || !strings.Contains(err.Error(), "lacks raft/persister.go, raftkv/test_test.go") {
		t.Errorf("error %v: want both missing files named", err)
	}
}

func TestModuleRoot(t *testing.T) {
	tree := t.TempDir()
	writeFiles(t, tree, map[string]string{"go.mod": "module fakelab\n\ngo 1.22\n", "raft/raft.go": "package raft\n"})
	root, err := moduleRoot(filepath.Join(tree, "raft"))
	if err != nil || root != tree {
		t.Errorf("moduleRoot(tree/raft) = %q, %v; want %q", root, err, tree)
	}
	if _, err := moduleRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Errorf("a folder outside any module: error %v, want \"no go.mod\"", err)
	}
	if _, err := moduleRoot(filepath.Join(tree, "missing")); err == nil {
		t.Error("a missing folder was accepted")
	}
}

func TestTestFuncNames(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a_test.go": "package p\n\nimport \"testing\"\n\nfunc TestOne2A(t *testing.T) {}\nfunc Testhelper(t *testing.T) {}\n" +
			"func helper() {}\nfunc (x T) TestMethod(t *testing.T) {}\nfunc Test(t *testing.T) {}\n",
		"b_test.go": "package p\n\nfunc TestTwo2B(t *testing.T) {}\nfunc broken( {\n",
	})
	got := testFuncNames([]string{filepath.Join(dir, "a_test.go"), filepath.Join(dir, "b_test.go")})
	if want := []string{"TestOne2A", "Test", "TestTwo2B"}; !reflect.DeepEqual(got, want) {
		t.Errorf("testFuncNames = %v, want %v", got, want)
	}
}
