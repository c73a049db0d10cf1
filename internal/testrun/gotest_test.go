package testrun

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTestOutput(t *testing.T) {
	cases := []struct {
		name string
		out  string
		want []TestResult
	}{
		{"pass and fail with -v", `=== RUN   TestA
--- PASS: TestA (1.23s)
=== RUN   TestB
    b_test.go:9: wrong
--- FAIL: TestB (0.50s)
FAIL
`, []TestResult{{"TestA", Passed, 1.23}, {"TestB", Failed, 0.5}}},
		{"subtests and skip", `=== RUN   TestT
=== RUN   TestT/one
=== RUN   TestT/two
--- FAIL: TestT (0.02s)
    --- PASS: TestT/one (0.01s)
    --- FAIL: TestT/two (0.01s)
=== RUN   TestS
--- SKIP: TestS (0.00s)
`, []TestResult{{"TestT", Failed, 0.02}, {"TestT/one", Passed, 0.01}, {"TestT/two", Failed, 0.01},
			{"TestS", Skipped, 0}}},
		{"timeout panic leaves the running test crashed", `=== RUN   TestA
--- PASS: TestA (2s)
=== RUN   TestHang
panic: test timed out after 1s
	running tests:
		TestHang (1s)
`, []TestResult{{"TestA", Passed, 2}, {"TestHang", Crashed, 0}}},
		{"without -v", "--- FAIL: TestX (3.00s)\nFAIL\n", []TestResult{{"TestX", Failed, 3}}},
		{"debug noise is ignored", `=== RUN   TestA
001234 S1 T3 leader    LOG   --- PASS: looks like a result but is not at line start
Test (2A): initial election ...
  ... Passed --   3.1  3   58   14512    0
--- PASS: TestA (3.10s)
`, []TestResult{{"TestA", Passed, 3.1}}},
		{"nothing ran", "testing: warning: no tests to run\nPASS\n", []TestResult{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseTestOutput(strings.NewReader(c.out))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestFailedNames(t *testing.T) {
	rs := []TestResult{{"TestA", Passed, 1}, {"TestB", Failed, 1}, {"TestB/sub", Failed, 1}, {"TestC", Crashed, 0}}
	if got, want := FailedNames(rs), []string{"TestB", "TestC (no result)"}; !reflect.DeepEqual(got, want) {
		t.Errorf("FailedNames = %v, want %v", got, want)
	}
}

func TestCrashCause(t *testing.T) {
	cases := []struct{ name, log, want string }{
		{"timeout", "=== RUN   TestX\npanic: test timed out after 2s\n\trunning tests:\n\t\tTestX (2s)\n",
			"test timed out after 2s"},
		{"panic", "=== RUN   TestX\n    x_test.go:3: hi\npanic: boom [recovered]\n\tpanic: boom\n",
			"panic: boom [recovered]"},
		{"fatal error", "fatal error: concurrent map writes\n", "fatal error: concurrent map writes"},
		{"race", "==================\nWARNING: DATA RACE\nWrite at 0x00c0\n", "data race"},
		{"plain failure", "=== RUN   TestX\n--- FAIL: TestX (0.10s)\nFAIL\n", ""},
		{"indented panic text is test output", "    x_test.go:3: panic: not really\n", ""},
	}
	for _, c := range cases {
		if got := CrashCause(strings.NewReader(c.log)); got != c.want {
			t.Errorf("%s: CrashCause = %q, want %q", c.name, got, c.want)
		}
	}
}
