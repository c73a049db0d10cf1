package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fakeLab is a tiny module laid out like MiniRaftKV: ./raft has tests that
// pass, fail, hang, panic, fail only on their second run, belong to no
// part, or were added beside the course's test file; ./raftkv does not
// compile.
var fakeLab = map[string]string{
	"go.mod":            "module fakelab\n\ngo 1.22\n",
	"raft/raft.go":      "package raft\n\nfunc Answer() int { return 42 }\n",
	"raft/config.go":    "package raft\n\nconst which = \"ours\"\n",
	"raft/persister.go": "package raft\n",
	"raft/test_test.go": `package raft

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func TestPass2A(t *testing.T) {
	if Answer() != 42 {
		t.Fatal("wrong answer")
	}
}

func TestFail2A(t *testing.T) { t.Fatalf("expected one leader, got none") }

func TestHang2A(t *testing.T) { time.Sleep(time.Hour) }

func TestPanic2A(t *testing.T) {
	var m map[string]int
	m["x"] = 1
}

// TestFlaky2B fails on its second run: the runs count in a file.
func TestFlaky2B(t *testing.T) {
	path := os.Getenv("FAKELAB_COUNTER")
	data, _ := os.ReadFile(path)
	n, _ := strconv.Atoi(string(data))
	os.WriteFile(path, []byte(strconv.Itoa(n+1)), 0o644)
	if n == 1 {
		t.Fatal("second run fails")
	}
}

func TestSteady2B(t *testing.T) {}

func TestNoPart(t *testing.T) { t.Fatal("a test of no part must not run") }
`,
	"raft/extra_test.go":  "package raft\n\nimport \"testing\"\n\nfunc TestFree2A(t *testing.T) {}\n",
	"raftkv/server.go":    "package raftkv\n\nfunc Broken() int { return undefinedThing }\n",
	"raftkv/config.go":    "package raftkv\n",
	"raftkv/test_test.go": "package raftkv\n\nimport \"testing\"\n\nfunc TestBasic3A(t *testing.T) {}\n",
}

// gradeFake grades a fresh copy of fakeLab with the given points table
// and returns the exit status, the table, the messages and the results.
func gradeFake(t *testing.T, points string, cfg config) (int, string, string, results) {
	t.Helper()
	tree := t.TempDir()
	writeFiles(t, tree, fakeLab)
	writeFiles(t, tree, map[string]string{"points.txt": points})
	t.Setenv("FAKELAB_COUNTER", filepath.Join(t.TempDir(), "counter"))
	cfg.dir, cfg.pointsFile = tree, filepath.Join(tree, "points.txt")
	cfg.jsonOut, cfg.out = filepath.Join(t.TempDir(), "results.json"), t.TempDir()
	var stdout, stderr strings.Builder
	status := grade(cfg, &stdout, &stderr)
	var res results
	if data, err := os.ReadFile(cfg.jsonOut); err == nil {
		if err := json.Unmarshal(data, &res); err != nil {
			t.Fatalf("results file is not JSON: %v", err)
		}
	}
	if got := readFile(t, filepath.Join(tree, "raft/config.go")); got != fakeLab["raft/config.go"] {
		t.Errorf("the graded tree was changed: raft/config.go = %q", got)
	}
	return status, stdout.String(), stderr.String(), res
}

// TestGradeFakeLab grades the fake lab end to end: only tests that pass
// every run earn points; a failure, a hang, a panic and a build failure
// each earn nothing, with their reason in the table.
func TestGradeFakeLab(t *testing.T) {
	cfg := config{runs: 3, parallel: 1, timeout: 2 * time.Second}
	status, table, msgs, res := gradeFake(t, "2A 5\n2B 10\n3A 6\n", cfg)
	if status != exitGraded {
		t.Fatalf("exit status %d, want %d\n%s\n%s", status, exitGraded, table, msgs)
	}
	for _, row := range []string{
		"2A    TestPass2A     3/3      1.00/1.00",
		"2A    TestFail2A     0/1      0.00/1.00  run 1: failed: test_test.go:16: expected one leader, got none",
		"2A    TestHang2A     0/1      0.00/1.00  run 1: timed out after 2s",
		"2A    TestPanic2A    0/1      0.00/1.00  run 1: panic: assignment to entry in nil map",
		"2A    TestFree2A     3/3      1.00/1.00",
		"2B    TestFlaky2B    1/2      0.00/5.00  run 2: failed: test_test.go:32: second run fails",
		"2B    TestSteady2B   3/3      5.00/5.00",
		"3A    TestBasic3A    0/0      0.00/6.00  build failed: ",
		"total 7.00/21.00",
	} {
		if !strings.Contains(squash(table), squash(row)) {
			t.Errorf("table lacks %q:\n%s", row, table)
		}
	}
	if strings.Contains(table, "TestNoPart") || strings.Contains(msgs, "TestNoPart") {
		t.Errorf("a test of no part was graded:\n%s\n%s", table, msgs)
	}
	if !strings.Contains(table, "undefined: undefinedThing") {
		t.Errorf("the build failure does not quote the compiler:\n%s", table)
	}
	if res.Score != 7 || len(res.Tests) != 8 {
		t.Errorf("results: score %v with %d tests, want 7 with 8", res.Score, len(res.Tests))
	}
}

// squash turns every run of spaces into one, so rows compare whatever
// the column widths.
func squash(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(s, " ")
}

func TestGradeAllRunsKeepsGoing(t *testing.T) {
	cfg := config{runs: 3, parallel: 1, timeout: 10 * time.Second, allRuns: true}
	_, table, msgs, _ := gradeFake(t, "2B 10\n", cfg)
	if !strings.Contains(squash(table), "2B TestFlaky2B 2/3 0.00/5.00 run 2: failed") {
		t.Errorf("with -all-runs the flaky test should run 3 times and pass 2:\n%s\n%s", table, msgs)
	}
}

// TestGradeCourseFiles overlays course files: only the course's tests are
// graded, they see the course's config.go, and the tree is left alone.
func TestGradeCourseFiles(t *testing.T) {
	course := t.TempDir()
	writeFiles(t, course, map[string]string{
		"raft/config.go":    "package raft\n\nconst which = \"course\"\n",
		"raft/persister.go": "package raft\n",
		"raft/test_test.go": "package raft\n\nimport \"testing\"\n\n" +
			"func TestPass2A(t *testing.T) {}\n\n" +
			"func TestCourse2A(t *testing.T) {\n\tif which != \"course\" {\n\t\tt.Fatal(which)\n\t}\n}\n",
		"raftkv/config.go":    "package raftkv\n",
		"raftkv/test_test.go": "package raftkv\n",
	})
	cfg := config{runs: 1, parallel: 1, timeout: 10 * time.Second, courseFiles: course, parts: []string{"2A"}}
	status, table, msgs, res := gradeFake(t, "2A 5\n3A 6\n", cfg)
	if status != exitGraded || res.Score != 5 || len(res.Tests) != 2 {
		t.Errorf("status %d, score %v of %d tests; want 0, 5 of 2\n%s\n%s", status, res.Score, len(res.Tests), table, msgs)
	}
	if !strings.Contains(msgs, "not graded, not in the course's test files: TestFree2A") {
		t.Errorf("the student's own test was not reported as ungraded:\n%s", msgs)
	}
}

func TestGradeExitStatuses(t *testing.T) {
	noModule := t.TempDir()
	cases := []struct {
		name   string
		points string
		cfg    config
		status int
		msg    string
	}{
		{"malformed points", "2A 5\n2B five\n", config{}, exitUsage, `points.txt:2: points "five" are not a number`},
		{"part not in the table", "2A 5\n", config{parts: []string{"3B"}}, exitUsage, "-parts 3B: the points table"},
		{"course files missing", "2A 5\n", config{courseFiles: noModule}, exitUsage, "lacks raft/config.go"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.runs, c.cfg.parallel, c.cfg.timeout = 1, 1, time.Second
			status, _, msgs, _ := gradeFake(t, c.points, c.cfg)
			if status != c.status || !strings.Contains(msgs, c.msg) {
				t.Errorf("status %d, messages %q; want %d and %q", status, msgs, c.status, c.msg)
			}
		})
	}
	t.Run("no module", func(t *testing.T) {
		cfg := config{dir: noModule, runs: 1, parallel: 1, timeout: time.Second, jsonOut: "-"}
		var stderr strings.Builder
		if status := grade(cfg, io.Discard, &stderr); status != exitCannotGrade || !strings.Contains(stderr.String(), "no go.mod") {
			t.Errorf("status %d, messages %q; want %d and \"no go.mod\"", status, stderr.String(), exitCannotGrade)
		}
	})
}

func TestParseArgs(t *testing.T) {
	cfg, err := parseArgs([]string{"-parts", "2a, 3B", "-run", "Figure", "-runs", "5", "-race"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.parts, ",") != "2A,3B" || cfg.run.String() != "Figure" || cfg.runs != 5 || !cfg.race ||
		cfg.parallel != 1 || cfg.timeout != 150*time.Second || cfg.jsonOut != "grade-results.json" || cfg.dir != "." {
		t.Errorf("parsed %+v", cfg)
	}
	for _, args := range [][]string{
		{"-runs", "0"}, {"-p", "0"}, {"-timeout", "0s"}, {"-parts", "5A"}, {"-run", "("}, {"-json", ""}, {"./raft"}, {"-bogus"},
	} {
		if _, err := parseArgs(args, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) accepted bad input", args)
		}
	}
}
