package main

import (
	"io"
	"reflect"
	"testing"
	"time"

	"miniraftkv/internal/testrun"
)

func TestParseArgs(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want config
	}{
		{"defaults", nil, config{runs: 10, parallel: 2, pkg: "."}},
		{"typical", []string{"-n", "20", "-p", "2", "-run", "2A", "./raft"},
			config{runs: 20, parallel: 2, run: "2A", pkg: "./raft"}},
		{"flags after the package", []string{"./raft", "-race", "-timeout", "2m", "-out", "logs", "-n", "5"},
			config{runs: 5, parallel: 2, race: true, timeout: 2 * time.Minute, out: "logs", pkg: "./raft"}},
		{"binary flags after --", []string{"-n", "3", "./kv", "--", "-test.short", "-x"},
			config{runs: 3, parallel: 2, pkg: "./kv", extra: []string{"-test.short", "-x"}}},
		{"parallel capped at runs", []string{"-n", "1", "-p", "8"}, config{runs: 1, parallel: 1, pkg: "."}},
		{"until the first failure", []string{"-until-fail", "-keep", "-v"},
			config{runs: endlessRuns, parallel: 2, until: true, endless: true, keepAll: true, verbose: true, pkg: "."}},
		{"until a failure, at most -n", []string{"-until-fail", "-n", "5"},
			config{runs: 5, parallel: 2, until: true, pkg: "."}},
		{"subtest pattern", []string{"-run", "TestX/[a/b]/y"}, config{runs: 10, parallel: 2, run: "TestX/[a/b]/y", pkg: "."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseArgs(c.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "0"},
		{"-p", "0"},
		{"-timeout", "-1s"},
		{"./raft", "./raftkv"},
		{"-n", "many"},
		{"-bogus"},
		{"-run", "["},
		{"-run", "TestX/(a"},
	} {
		if _, err := parseArgs(args, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) accepted bad input", args)
		}
	}
}

func TestBinaryArgs(t *testing.T) {
	cfg := config{run: "2A", timeout: 90 * time.Second, extra: []string{"-test.short"}}
	want := []string{"-test.v", "-test.count=1", "-test.run", "2A", "-test.timeout", "1m30s", "-test.short"}
	if got := binaryArgs(cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("binaryArgs = %q, want %q", got, want)
	}
}

func TestSplitPattern(t *testing.T) {
	cases := map[string][]string{
		"":              {""},
		"2A":            {"2A"},
		"TestX/sub":     {"TestX", "sub"},
		"TestX/[a/b]/y": {"TestX", "[a/b]", "y"},
		`a\/b/c`:        {`a\/b`, "c"},
		"(a/b)|c/d":     {"(a/b)|c", "d"},
	}
	for in, want := range cases {
		if got := splitPattern(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitPattern(%q) = %q, want %q", in, got, want)
		}
	}
}

// A failed run's line names the test and what ended it; -until-fail
// without -n has no total.
func TestRunLineText(t *testing.T) {
	crashed := testrun.RunResult{Index: 3, Elapsed: 2 * time.Second, Err: "exit status 2",
		Cause: "test timed out after 2s", LogPath: "l/run-003.log",
		Tests: []testrun.TestResult{{Name: "TestA", Outcome: testrun.Passed}, {Name: "TestB", Outcome: testrun.Crashed}}}
	failed := testrun.RunResult{Index: 1, Elapsed: time.Second, Err: "exit status 1", LogPath: "l/run-001.log",
		Tests: []testrun.TestResult{{Name: "TestA", Outcome: testrun.Failed}}}
	cases := []struct {
		name  string
		r     testrun.RunResult
		total int
		want  string
	}{
		{"timed out", crashed, 10, "run 3/10  FAIL    2.00s  TestB (no result): test timed out after 2s  log: l/run-003.log"},
		{"failed", failed, 0, "run 1  FAIL    1.00s  TestA (exit status 1)  log: l/run-001.log"},
		{"passed", testrun.RunResult{Index: 2, Passed: true, Elapsed: time.Second}, 0, "run 2  PASS    1.00s"},
	}
	for _, c := range cases {
		if got := runLineText(c.r, c.total); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
