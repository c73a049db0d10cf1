package main

import (
	"strings"
	"testing"
)

const header = `Bug: A peer votes twice
  in one term.
Kind: safety
Tests: ./raft TestManyElections2A, TestPaperVotePersisted2C
Tests: ./raftkv TestBasic3A
Why: free commentary: it may hold colons.

`

func TestParseMutation(t *testing.T) {
	m, err := ParseMutation("09-second-vote", header+patchAB)
	if err != nil {
		t.Fatal(err)
	}
	if m.Bug != "A peer votes twice in one term." {
		t.Errorf("Bug %q", m.Bug)
	}
	if m.Kind != safety {
		t.Errorf("Kind %q", m.Kind)
	}
	if len(m.Tests) != 2 || m.Tests[0].Pkg != "./raft" || strings.Join(m.Tests[0].Names, " ") != "TestManyElections2A TestPaperVotePersisted2C" ||
		m.Tests[1].Pkg != "./raftkv" || m.Tests[1].Names[0] != "TestBasic3A" {
		t.Errorf("Tests %+v", m.Tests)
	}
	if got := strings.Join(m.packages(), " "); got != "./p ./raft ./raftkv" {
		t.Errorf("packages %q, want ./p ./raft ./raftkv", got)
	}
	if len(m.Patch.Files) != 1 || len(m.Patch.Files[0].Hunks) != 2 {
		t.Errorf("patch not parsed: %+v", m.Patch)
	}
}

func TestParseMutationErrors(t *testing.T) {
	cases := []struct {
		name, header, want string
	}{
		{"no bug", "Kind: safety\nTests: ./raft TestA\n", "no Bug"},
		{"bad kind", "Bug: b\nKind: fatal\nTests: ./raft TestA\n", `Kind is "fatal"`},
		{"no tests", "Bug: b\nKind: liveness\n", "no Tests"},
		{"no package", "Bug: b\nKind: safety\nTests: TestA\n", "want a package"},
		{"not a test", "Bug: b\nKind: safety\nTests: ./raft BenchmarkA\n", "not a test name"},
		{"text before any key", "a stray line\nBug: b\n", "before any Key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseMutation("x", c.header+"\n"+patchAB)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "patch x") {
				t.Fatalf("error %v, want one naming patch x and saying %q", err, c.want)
			}
		})
	}
}

// TestCatalogue parses the project's own catalogue: every patch has a
// complete header and a diff (whether each applies and compiles is what
// -check and CI verify).
func TestCatalogue(t *testing.T) {
	muts, err := LoadCatalogue("../../mutations")
	if err != nil {
		t.Fatal(err)
	}
	if len(muts) < 25 {
		t.Errorf("the catalogue holds %d bugs, want at least 25", len(muts))
	}
	for _, m := range muts {
		for _, fd := range m.Patch.Files {
			if !inLabPackage(fd.NewPath) {
				t.Errorf("%s patches %s, outside the packages the catalogue covers (%s)", m.Name, fd.NewPath, strings.Join(coveredDirs, ", "))
			}
		}
	}
}

// coveredDirs are the packages whose bugs the catalogue holds: the labs'
// (with internal/rsm, lab 4's replicated state machine), and the real
// cluster's transport and durable store.
var coveredDirs = []string{"raft/", "raftkv/", "shardctrler/", "shardkv/", "internal/rsm/", "labtcp/", "diskpersist/"}

// inLabPackage reports whether path is in one of the packages the
// catalogue covers.
func inLabPackage(path string) bool {
	for _, dir := range coveredDirs {
		if strings.HasPrefix(path, dir) {
			return true
		}
	}
	return false
}

// courseFiles are replaced by a course's own copies (docs/course-files.md):
// a bug planted there would not be in the code a course grades.
var courseFiles = []string{
	"raft/persister.go", "raft/config.go", "raft/test_test.go",
	"raftkv/config.go", "raftkv/test_test.go",
	"shardctrler/config.go", "shardctrler/test_test.go", "shardkv/config.go", "shardkv/test_test.go",
}

func TestCatalogueLeavesCourseFilesAlone(t *testing.T) {
	muts, err := LoadCatalogue("../../mutations")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range muts {
		for _, fd := range m.Patch.Files {
			for _, f := range courseFiles {
				if fd.NewPath == f || fd.OldPath == f {
					t.Errorf("%s patches %s", m.Name, f)
				}
			}
		}
	}
}
