package testrun

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestHelperProcess is not a real test: runner tests run this test binary
// as a stand-in for a package's test binary, and TESTRUN_HELPER says how it
// should behave.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv("TESTRUN_HELPER") {
	case "":
		return
	case "pass":
		fmt.Println("=== RUN   TestFake\n--- PASS: TestFake (0.25s)\nPASS")
		os.Exit(0)
	case "fail":
		fmt.Println("=== RUN   TestFake\n    fake_test.go:1: boom\n--- FAIL: TestFake (0.50s)\nFAIL")
		os.Exit(1)
	case "hang":
		fmt.Println("=== RUN   TestFake")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "env": // pass only when the runner's environment reached the run
		if os.Getenv("TESTRUN_EXTRA") != "yes" {
			fmt.Println("=== RUN   TestFake\n--- FAIL: TestFake (0.00s)\nFAIL")
			os.Exit(1)
		}
		fmt.Println("=== RUN   TestFake\n--- PASS: TestFake (0.00s)\nPASS")
		os.Exit(0)
	case "panic":
		fmt.Println("=== RUN   TestFake\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:")
		os.Exit(2)
	case "args": // name the test after the last argument, to show which job ran
		fmt.Printf("=== RUN   %s\n--- PASS: %[1]s (0.01s)\nPASS\n", os.Args[len(os.Args)-1])
		os.Exit(0)
	}
}

func helperRunner(t *testing.T, mode string) *Runner {
	t.Setenv("TESTRUN_HELPER", mode)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{
		Bin:    Binary{Path: exe, Dir: t.TempDir()},
		Args:   []string{"-test.run=^TestHelperProcess$"},
		OutDir: t.TempDir(),
	}
}

func TestRunAllKeepsOnlyFailingLogs(t *testing.T) {
	for _, mode := range []string{"pass", "fail"} {
		t.Run(mode, func(t *testing.T) {
			r := helperRunner(t, mode)
			starts, finishes := 0, 0
			results := r.RunAll(context.Background(), 3, 2, func() { starts++ }, func(RunResult) { finishes++ })
			if len(results) != 3 || starts != 3 || finishes != 3 {
				t.Fatalf("%d results, %d starts, %d finishes; want 3 each", len(results), starts, finishes)
			}
			for _, res := range results {
				if res.Passed != (mode == "pass") || len(res.Tests) != 1 || res.Tests[0].Name != "TestFake" {
					t.Errorf("result %+v does not match mode %s", res, mode)
				}
			}
			logs, _ := filepath.Glob(filepath.Join(r.OutDir, "run-*.log"))
			if want := map[string]int{"pass": 0, "fail": 3}[mode]; len(logs) != want {
				t.Errorf("kept logs %v, want %d", logs, want)
			}
			if mode == "fail" {
				data, _ := os.ReadFile(results[0].LogPath)
				if !strings.Contains(string(data), "fake_test.go:1: boom") {
					t.Errorf("kept log lacks the failure message:\n%s", data)
				}
			}
		})
	}
}

func TestRunAllStopsOnCancel(t *testing.T) {
	r := helperRunner(t, "hang")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	results := r.RunAll(ctx, 10, 2, func() {}, func(RunResult) {})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("RunAll took %v after cancel", d)
	}
	if len(results) != 2 {
		t.Fatalf("%d results, want the 2 that were running", len(results))
	}
	for _, res := range results {
		if !res.Interrupted || res.TimedOut {
			t.Errorf("run %+v not marked interrupted (and only interrupted)", res)
		}
	}
	if tot := Count(results); tot.Failed != 0 || tot.Interrupted != 2 {
		t.Errorf("totals %+v: interrupted runs must not count as failures", tot)
	}
}

func TestKillAfterMarksTimedOut(t *testing.T) {
	r := helperRunner(t, "hang")
	r.KillAfter = 300 * time.Millisecond
	start := time.Now()
	results := r.RunAll(context.Background(), 1, 1, func() {}, func(RunResult) {})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the hanging run was stopped only after %v", d)
	}
	res := results[0]
	if res.Passed || res.Interrupted || !res.TimedOut || res.LogPath == "" {
		t.Fatalf("result %+v: want a failed, timed-out run with its log kept", res)
	}
	if want := []TestResult{{"TestFake", Crashed, 0}}; !reflect.DeepEqual(res.Tests, want) {
		t.Errorf("tests %+v, want %+v", res.Tests, want)
	}
}

func TestRunJobsArgsNamesAndSkips(t *testing.T) {
	r := helperRunner(t, "args")
	r.ShouldRun = func(j Job) bool { return j.Name != "skipped" }
	jobs := []Job{
		{Index: 1, Name: "first", Args: []string{"TestOne"}},
		{Index: 2, Name: "skipped", Args: []string{"TestNever"}},
		{Index: 3, Name: "third", Args: []string{"TestThree"}},
	}
	var started []string
	results := r.RunJobs(context.Background(), jobs, 1, func(j Job) { started = append(started, j.Name) }, func(RunResult) {})
	if want := []string{"first", "third"}; !reflect.DeepEqual(started, want) {
		t.Errorf("started %v, want %v", started, want)
	}
	var ran []string
	for _, res := range results {
		ran = append(ran, res.Name+":"+res.Tests[0].Name)
	}
	if want := []string{"first:TestOne", "third:TestThree"}; !reflect.DeepEqual(ran, want) {
		t.Errorf("ran %v, want %v", ran, want)
	}
}

// TestShouldRunSeesEarlierResults checks that a result can cancel later
// jobs: the grader stops running a test once it has failed.
func TestShouldRunSeesEarlierResults(t *testing.T) {
	r := helperRunner(t, "fail")
	failed := false
	r.ShouldRun = func(Job) bool { return !failed }
	results := r.RunAll(context.Background(), 5, 1, func() {}, func(res RunResult) { failed = failed || !res.Passed })
	if len(results) != 1 {
		t.Errorf("%d runs after the first failure stopped the rest; want 1", len(results))
	}
}

// KeepAll keeps passing logs, Env reaches the run, and the header of each log
// is a command that repeats the run.
func TestKeepAllEnvAndRepro(t *testing.T) {
	r := helperRunner(t, "env")
	r.KeepAll = true
	r.Env = []string{"TESTRUN_EXTRA=yes"}
	results := r.RunAll(context.Background(), 2, 1, func() {}, func(RunResult) {})
	for _, res := range results {
		if !res.Passed || res.LogPath == "" {
			t.Fatalf("result %+v: want a passing run whose log is kept", res)
		}
	}
	data, err := os.ReadFile(results[0].LogPath)
	if err != nil {
		t.Fatal(err)
	}
	header := strings.SplitN(string(data), "\n", 2)[0]
	want := fmt.Sprintf("# run 1: (cd %s && TESTRUN_EXTRA=yes %s '-test.run=^TestHelperProcess$')",
		ShellQuote(r.Bin.Dir), ShellQuote(r.Bin.Path))
	if header != want {
		t.Errorf("log header\n%s\nwant\n%s", header, want)
	}
}

func TestFailedRunGivesPanicCause(t *testing.T) {
	r := helperRunner(t, "panic")
	res := r.RunAll(context.Background(), 1, 1, func() {}, func(RunResult) {})[0]
	if want := "panic: runtime error: index out of range [3] with length 3"; res.Passed || res.Cause != want {
		t.Errorf("result %+v: want a failure with Cause %q", res, want)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"./raft.test": "./raft.test", "2A|2B": "'2A|2B'", "it's": `'it'\''s'`, "": "''", "-test.v": "-test.v",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
