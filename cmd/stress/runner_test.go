package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHelperProcess is not a real test: runner tests run this test binary
// as a stand-in for a package's test binary, and STRESS_HELPER says how it
// should behave.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv("STRESS_HELPER") {
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
	}
}

func helperRunner(t *testing.T, mode string) *runner {
	t.Setenv("STRESS_HELPER", mode)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &runner{
		bin:    testBinary{path: exe, dir: t.TempDir()},
		args:   []string{"-test.run=^TestHelperProcess$"},
		outDir: t.TempDir(),
	}
}

func TestRunAllKeepsOnlyFailingLogs(t *testing.T) {
	for _, mode := range []string{"pass", "fail"} {
		t.Run(mode, func(t *testing.T) {
			r := helperRunner(t, mode)
			starts, finishes := 0, 0
			results := r.runAll(context.Background(), 3, 2, func() { starts++ }, func(RunResult) { finishes++ })
			if len(results) != 3 || starts != 3 || finishes != 3 {
				t.Fatalf("%d results, %d starts, %d finishes; want 3 each", len(results), starts, finishes)
			}
			for _, res := range results {
				if res.Passed != (mode == "pass") || len(res.Tests) != 1 || res.Tests[0].Name != "TestFake" {
					t.Errorf("result %+v does not match mode %s", res, mode)
				}
			}
			logs, _ := filepath.Glob(filepath.Join(r.outDir, "run-*.log"))
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
	results := r.runAll(ctx, 10, 2, func() {}, func(RunResult) {})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("runAll took %v after cancel", d)
	}
	if len(results) != 2 {
		t.Fatalf("%d results, want the 2 that were running", len(results))
	}
	for _, res := range results {
		if !res.Interrupted {
			t.Errorf("run %+v not marked interrupted", res)
		}
	}
	if tot := Count(results); tot.Failed != 0 || tot.Interrupted != 2 {
		t.Errorf("totals %+v: interrupted runs must not count as failures", tot)
	}
}
