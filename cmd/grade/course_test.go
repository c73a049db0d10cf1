package main

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestOurImport(t *testing.T) {
	tree := t.TempDir()
	for _, d := range []string{"labrpc", "raft", "raftkv", "models"} {
		if err := os.Mkdir(filepath.Join(tree, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct{ in, want string }{
		{"6.5840/labrpc", "fakelab/labrpc"},
		{"6.824/raft", "fakelab/raft"},
		{"labrpc", "fakelab/labrpc"}, // GOPATH style
		{"6.5840/kvraft", "fakelab/raftkv"},
		{"kvraft", "fakelab/raftkv"},
		{"6.5840/models", "fakelab/models"},
		{"sync", ""},
		{"math/rand", ""},
		{"fakelab/raft", ""},
		{"6.5840/shardnothing", ""},
		{"github.com/anishathalye/porcupine", ""},
	}
	for _, c := range cases {
		got, ok := ourImport(tree, "fakelab", c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ourImport(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestModulePath(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"go.mod": "// a comment\nmodule   example.org/lab \n\ngo 1.22\n"})
	if m, err := modulePath(dir); err != nil || m != "example.org/lab" {
		t.Errorf("modulePath = %q, %v; want example.org/lab", m, err)
	}
	writeFiles(t, dir, map[string]string{"go.mod": "go 1.22\n"})
	if _, err := modulePath(dir); err == nil {
		t.Error("a go.mod without a module line was accepted")
	}
}

// TestGradeCourseFiles2024 grades course files as a 2024 course writes
// them: Raft tests ending in 3A, imports of the course's module, the KV
// files in kvraft/ with package kvraft, and a package of the course's own
// (models) beside them, which the graded copy must carry.
func TestGradeCourseFiles2024(t *testing.T) {
	course := t.TempDir()
	writeFiles(t, course, map[string]string{
		"raft/config.go":    "package raft\n\nimport \"6.5840/models\"\n\nconst which = models.Name\n",
		"raft/persister.go": "package raft\n",
		"raft/test_test.go": "package raft\n\nimport \"testing\"\n\n" +
			"func TestCourse3A(t *testing.T) {\n\tif which != \"course models\" {\n\t\tt.Fatal(which)\n\t}\n}\n",
		"kvraft/config.go":    "package kvraft\n\nimport _ \"6.5840/raft\"\n",
		"kvraft/test_test.go": "package kvraft\n\nimport \"testing\"\n\nfunc TestBasic4A(t *testing.T) {}\n",
		"models/models.go":    "package models\n\nconst Name = \"course models\"\n",
	})
	cfg := config{runs: 1, parallel: 1, timeout: 10 * time.Second, courseFiles: course}
	status, table, msgs, res := gradeFake(t, "2A 5\n3A 6\n", cfg)
	if status != exitGraded {
		t.Fatalf("status %d\n%s\n%s", status, table, msgs)
	}
	for _, want := range []string{"3A TestCourse3A 1/1 5.00/5.00", "4A TestBasic4A 0/0 0.00/6.00 build failed"} {
		if !strings.Contains(squash(table), want) {
			t.Errorf("table lacks %q:\n%s\n%s", want, table, msgs)
		}
	}
	for _, want := range []string{
		`raft/config.go: import "6.5840/models" -> "fakelab/models"`,
		"carried the course's package models/",
		"raftkv/config.go: package kvraft -> raftkv",
		`raftkv/config.go: import "6.5840/raft" -> "fakelab/raft"`,
	} {
		if !strings.Contains(msgs, want) {
			t.Errorf("messages lack %q:\n%s", want, msgs)
		}
	}
	if len(res.Tests) != 2 || res.Tests[0].Name != "3A TestCourse3A" {
		t.Errorf("results %+v: want the course's part names", res.Tests)
	}
}

// TestGradeNothingSelected: a selection that matches no test is an error
// that lists the tests there are, and writes no results.
func TestGradeNothingSelected(t *testing.T) {
	cfg := config{runs: 1, parallel: 1, timeout: time.Second, run: regexp.MustCompile("NoSuch"), parts: []string{"2B"}}
	status, table, msgs, res := gradeFake(t, "2A 5\n2B 10\n", cfg)
	if status != exitUsage || res.Tests != nil {
		t.Errorf("status %d, %d results; want %d and no results file\n%s", status, len(res.Tests), exitUsage, table)
	}
	if !strings.Contains(msgs, `-run "NoSuch" matches none of the 2 tests of parts 2B`) ||
		!strings.Contains(msgs, "TestFlaky2B TestSteady2B") {
		t.Errorf("messages do not say what matched nothing and what exists:\n%s", msgs)
	}
}

// TestGradeOurFilesIn2024Numbering grades this tree with copies of its own
// five course files rewritten as a 2024 course would have them (tests
// ending 3A-3D and 4A/4B, imports of 6.5840/..., the KV package named
// kvraft in kvraft/, a persister.go with only the seven methods, and a
// package of the course's own imported by the KV tester), on a few quick
// tests of each package: each earns its points under the course's part name.
func TestGradeOurFilesIn2024Numbering(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the raft and raftkv testers")
	}
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	course := t.TempDir()
	write2024CourseFiles(t, root, course)
	cfg := config{dir: root, runs: 1, parallel: 1, timeout: 2 * time.Minute, courseFiles: course,
		run:     regexp.MustCompile(`^(TestInitialElection3A|TestBasicAgree3B|TestBasic4A)$`),
		jsonOut: filepath.Join(t.TempDir(), "results.json"), out: t.TempDir()}
	var stdout, stderr strings.Builder
	if status := grade(cfg, &stdout, &stderr); status != exitGraded {
		t.Fatalf("status %d\n%s\n%s", status, stdout.String(), stderr.String())
	}
	table := squash(stdout.String())
	for _, want := range []string{"3A TestInitialElection3A 1/1", "3B TestBasicAgree3B 1/1", "4A TestBasic4A 1/1"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s\n%s", want, stdout.String(), stderr.String())
		}
	}
	if m := regexp.MustCompile(`total ([0-9.]+)/([0-9.]+)`).FindStringSubmatch(stdout.String()); m == nil || m[1] != m[2] {
		t.Errorf("not full marks:\n%s\n%s", stdout.String(), stderr.String())
	}
}

// write2024CourseFiles writes into dir copies of the tree's five course
// files as a 2024 course would have them.
func write2024CourseFiles(t *testing.T, root, dir string) {
	t.Helper()
	renumber := func(src string, from, to byte) string {
		re := regexp.MustCompile(`(?m)^func (Test\w+)` + string(from) + `([A-D])\(`)
		return re.ReplaceAllString(src, "func ${1}"+string(to)+"${2}(")
	}
	courseImports := func(src string) string {
		return strings.ReplaceAll(src, `"miniraftkv/`, `"6.5840/`)
	}
	kv := func(src string) string {
		src = strings.Replace(courseImports(src), "package raftkv", "package kvraft", 1)
		return strings.Replace(src, "import (", "import (\n\t_ \"6.5840/models\"", 1)
	}
	read := func(f string) string { return readFile(t, filepath.Join(root, f)) }
	writeFiles(t, dir, map[string]string{
		"raft/config.go":      courseImports(read("raft/config.go")),
		"raft/test_test.go":   renumber(courseImports(read("raft/test_test.go")), '2', '3'),
		"raft/persister.go":   read("testdata/course/persister.go"),
		"kvraft/config.go":    kv(read("raftkv/config.go")),
		"kvraft/test_test.go": renumber(kv(read("raftkv/test_test.go")), '3', '4'),
		"models/models.go":    "package models\n",
	})
}
