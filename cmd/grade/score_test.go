package main

import (
	"strings"
	"testing"
	"time"

	"miniraftkv/internal/testrun"
)

func TestJudgeRun(t *testing.T) {
	const limit = 150 * time.Second
	pass := []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Passed, Seconds: 1}}
	cases := []struct {
		name   string
		res    testrun.RunResult
		log    string
		passed bool
		why    string
	}{
		{"pass", testrun.RunResult{Passed: true, Tests: pass}, "", true, ""},
		{"failure message",
			testrun.RunResult{Err: "exit status 1", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Failed}}},
			"=== RUN   TestX2A\nTest (2A): x ...\n    config.go:590: expected one leader, got none\n--- FAIL: TestX2A (5.00s)\n",
			false, "failed: config.go:590: expected one leader, got none"},
		{"a t.Logf line before the failure is not the reason",
			testrun.RunResult{Err: "exit status 1", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Failed}}},
			"=== RUN   TestX2A\n    config.go:521: linearizability check: 120 operations, Illegal, 3ms\n" +
				"    config.go:530: history is not linearizable\n--- FAIL: TestX2A (5.00s)\nFAIL\n",
			false, "failed: config.go:530: history is not linearizable"},
		{"the race detector's verdict after the test's own logging",
			testrun.RunResult{Err: "exit status 1", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Failed}}},
			"=== RUN   TestX2A\n    test_test.go:1363: the stale peer received 3 RPCs\n==================\nWARNING: DATA RACE\n" +
				"==================\n    testing.go:1490: race detected during execution of test\n--- FAIL: TestX2A (1.00s)\n",
			false, "failed: testing.go:1490: race detected during execution of test"},
		{"a subtest's failure before the test's FAIL line",
			testrun.RunResult{Err: "exit status 1", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Failed}}},
			"=== RUN   TestX2A\n    x_test.go:10: setting up\n=== RUN   TestX2A/one\n        x_test.go:20: one went wrong\n" +
				"--- FAIL: TestX2A (0.10s)\n    --- FAIL: TestX2A/one (0.05s)\nFAIL\n    x_test.go:99: printed by another test\n",
			false, "failed: x_test.go:20: one went wrong"},
		{"go test's timeout is a hang",
			testrun.RunResult{Err: "exit status 2", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Crashed}}},
			"=== RUN   TestX2A\npanic: test timed out after 2m30s\n\trunning tests:\n\t\tTestX2A (2m30s)\n\ngoroutine 1 [running]:\n",
			false, "timed out after 2m30s"},
		{"killed by the runner is a hang",
			testrun.RunResult{TimedOut: true, Err: "signal: killed", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Crashed}}},
			"=== RUN   TestX2A\n", false, "timed out after 2m30s (the test binary did not stop itself and was killed)"},
		{"panic",
			testrun.RunResult{Err: "exit status 2", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Crashed}}},
			"=== RUN   TestX2A\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\n",
			false, "panic: runtime error: index out of range [3] with length 3"},
		{"panic recovered and raised again by the testing package",
			testrun.RunResult{Err: "exit status 2", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Failed}}},
			"=== RUN   TestX2A\n--- FAIL: TestX2A (0.00s)\npanic: assignment to entry in nil map [recovered, repanicked]\n\ngoroutine 18 [running]:\n",
			false, "panic: assignment to entry in nil map"},
		{"fatal runtime error",
			testrun.RunResult{Err: "exit status 2", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Crashed}}},
			"=== RUN   TestX2A\nfatal error: concurrent map writes\n\ngoroutine 7 [running]:\n",
			false, "fatal error: concurrent map writes"},
		{"log.Fatal: the last line",
			testrun.RunResult{Err: "exit status 1", Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Crashed}}},
			"=== RUN   TestX2A\nsome output\n2026/01/01 10:00:00 apply error: commit index=3 server=1 x != server=2 y\n",
			false, "2026/01/01 10:00:00 apply error: commit index=3 server=1 x != server=2 y"},
		{"passed, then the binary panicked",
			testrun.RunResult{Err: "exit status 2", Tests: pass},
			"=== RUN   TestX2A\n--- PASS: TestX2A (1.00s)\npanic: close of closed channel\n",
			false, "passed, then the test binary failed: panic: close of closed channel"},
		{"skipped",
			testrun.RunResult{Passed: true, Tests: []testrun.TestResult{{Name: "TestX2A", Outcome: testrun.Skipped}}},
			"", false, "skipped (a graded test must run)"},
		{"no result at all",
			testrun.RunResult{Err: "exit status 1"}, "flag provided but not defined: -x\n",
			false, "no result: flag provided but not defined: -x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := judgeRun(c.res, "TestX2A", c.log, limit)
			if got.passed != c.passed || got.why != c.why {
				t.Errorf("verdict passed=%v %q, want passed=%v %q", got.passed, got.why, c.passed, c.why)
			}
			if got.passed != (got.excerpt == "") {
				t.Errorf("excerpt %q: want one exactly for a failed run", got.excerpt)
			}
		})
	}
}

// TestEveryRunMustPass checks the scoring rule: all points for passing
// every wanted run, none for a failed, hung or missing run.
func TestEveryRunMustPass(t *testing.T) {
	ok := runOutcome{passed: true}
	hang := runOutcome{why: "timed out after 2m30s"}
	cases := []struct {
		name   string
		test   gradedTest
		earned cents
		reason string
	}{
		{"all passed", gradedTest{runs: []runOutcome{idx(ok, 1), idx(ok, 2), idx(ok, 3)}}, 500, ""},
		{"one hang", gradedTest{runs: []runOutcome{idx(ok, 1), idx(hang, 2), idx(ok, 3)}}, 0, "run 2: timed out after 2m30s"},
		{"stopped after a failure", gradedTest{runs: []runOutcome{idx(hang, 1)}}, 0, "run 1: timed out after 2m30s"},
		{"runs missing", gradedTest{runs: []runOutcome{idx(ok, 1), idx(ok, 2)}}, 0, "only 2 of 3 runs finished (interrupted)"},
		{"broken", gradedTest{broken: "build failed: x.go:1:1: syntax error"}, 0, "build failed: x.go:1:1: syntax error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.test.max = 500
			if got := c.test.earned(3); got != c.earned {
				t.Errorf("earned %v, want %v", got, c.earned)
			}
			if got := c.test.reason(3); got != c.reason {
				t.Errorf("reason %q, want %q", got, c.reason)
			}
		})
	}
}

func idx(o runOutcome, i int) runOutcome {
	o.index = i
	return o
}

func TestExcerpt(t *testing.T) {
	log := "# run 1: (cd x && y)\n" + strings.Repeat("line\n", 50)
	got := excerpt(log, 40, 4000)
	if strings.Contains(got, "# run") || strings.Count(got, "line\n") != 40 || !strings.HasSuffix(got, "... (10 more lines in the log)\n") {
		t.Errorf("excerpt:\n%s", got)
	}
	if got := excerpt(strings.Repeat("x", 100)+"\n"+strings.Repeat("y", 100), 40, 150); got != strings.Repeat("x", 100)+"\n... (1 more lines in the log)\n" {
		t.Errorf("byte cap not applied: %q", got)
	}
}
