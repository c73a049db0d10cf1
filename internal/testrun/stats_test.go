package testrun

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestMeanStdDev(t *testing.T) {
	cases := []struct {
		name     string
		xs       []float64
		mean, sd float64
	}{
		{"none", nil, 0, 0},
		{"one", []float64{4}, 4, 0},
		{"two", []float64{1, 3}, 2, math.Sqrt2},
		// 2,4,4,4,5,5,7,9: mean 5, squared deviations sum to 32, sample variance 32/7.
		{"textbook", []float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, math.Sqrt(32.0 / 7)},
		{"constant", []float64{1.5, 1.5, 1.5}, 1.5, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m := Mean(c.xs); math.Abs(m-c.mean) > 1e-12 {
				t.Errorf("Mean = %v, want %v", m, c.mean)
			}
			if sd := StdDev(c.xs); math.Abs(sd-c.sd) > 1e-12 {
				t.Errorf("StdDev = %v, want %v", sd, c.sd)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	runs := []RunResult{
		{Index: 1, Passed: true, Tests: []TestResult{{"TestA", Passed, 1}, {"TestB", Skipped, 0}}},
		{Index: 2, Tests: []TestResult{{"TestA", Failed, 3}, {"TestB", Skipped, 0}}},
		{Index: 3, Tests: []TestResult{{"TestA", Crashed, 0}}},
		{Index: 4, Interrupted: true, Tests: []TestResult{{"TestA", Failed, 9}}},
	}
	got := Summarize(runs)
	if len(got) != 2 {
		t.Fatalf("got %d tests, want 2: %+v", len(got), got)
	}
	a, b := got[0], got[1]
	if a.Name != "TestA" || a.Runs != 3 || a.Failures != 2 || len(a.Seconds) != 2 || Mean(a.Seconds) != 2 {
		t.Errorf("TestA stats %+v: want 3 runs, 2 failures, times [1 3] (crash has no time, interrupted run ignored)", a)
	}
	if b.Name != "TestB" || b.Runs != 0 || b.Skips != 2 {
		t.Errorf("TestB stats %+v: want 0 runs, 2 skips", b)
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	WriteTable(&b, []TestStats{
		{Name: "TestInitialElection2A", Runs: 2, Failures: 1, Seconds: []float64{3, 5}},
		{Name: "TestX", Runs: 1, Failures: 1},
	})
	want := "" +
		"test                   runs  fail  skip     mean   stddev      min      max\n" +
		"TestInitialElection2A     2     1     0    4.00s    1.41s    3.00s    5.00s\n" +
		"TestX                     1     1     0        -        -        -        -\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTotalsLine(t *testing.T) {
	runs := []RunResult{
		{Passed: true, Elapsed: 2 * time.Second},
		{Passed: false, Elapsed: 4 * time.Second},
		{Interrupted: true, Elapsed: time.Second},
	}
	got := Count(runs).Line(65 * time.Second)
	want := "2 runs: 1 passed, 1 failed (50.0%), 1 interrupted; 3.0s per run (sd 1.4s); wall 1m5s"
	if got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
}
