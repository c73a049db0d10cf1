package testrun

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// Mean is the arithmetic mean of xs, 0 for none.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// StdDev is the sample standard deviation of xs (divisor n-1), the usual
// estimate of the spread of run times; 0 for fewer than two values.
func StdDev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := Mean(xs)
	sq := 0.0
	for _, x := range xs {
		sq += (x - m) * (x - m)
	}
	return math.Sqrt(sq / float64(len(xs)-1))
}

// TestStats gathers one test's results over all runs.
type TestStats struct {
	Name     string
	Runs     int       // runs that reported on this test (skips excluded)
	Failures int       // failed or crashed
	Skips    int       // runs in which the test skipped itself
	Seconds  []float64 // reported times of passes and failures
}

// Summarize gathers per-test statistics from finished runs, sorted by name.
// Interrupted runs are left out: they say nothing about the tests.
func Summarize(runs []RunResult) []TestStats {
	byName := make(map[string]*TestStats)
	for _, run := range runs {
		if run.Interrupted {
			continue
		}
		for _, r := range run.Tests {
			s := byName[r.Name]
			if s == nil {
				s = &TestStats{Name: r.Name}
				byName[r.Name] = s
			}
			addResult(s, r)
		}
	}
	out := make([]TestStats, 0, len(byName))
	for _, s := range byName {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func addResult(s *TestStats, r TestResult) {
	switch r.Outcome {
	case Skipped:
		s.Skips++
		return
	case Failed:
		s.Failures++
		s.Seconds = append(s.Seconds, r.Seconds)
	case Crashed:
		s.Failures++ // no time was reported
	default:
		s.Seconds = append(s.Seconds, r.Seconds)
	}
	s.Runs++
}

// WriteTable prints one row per test: runs, failures, skips, and the mean,
// sample standard deviation, minimum and maximum of the reported time.
func WriteTable(w io.Writer, stats []TestStats) error {
	width := len("test")
	for _, s := range stats {
		width = max(width, len(s.Name))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s %5s %5s %5s %8s %8s %8s %8s\n", width, "test",
		"runs", "fail", "skip", "mean", "stddev", "min", "max")
	for _, s := range stats {
		n := len(s.Seconds)
		lo, hi := minMax(s.Seconds)
		fmt.Fprintf(&b, "%-*s %5d %5d %5d %8s %8s %8s %8s\n", width, s.Name, s.Runs, s.Failures, s.Skips,
			seconds(Mean(s.Seconds), n > 0), seconds(StdDev(s.Seconds), n > 1),
			seconds(lo, n > 0), seconds(hi, n > 0))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func seconds(x float64, known bool) string {
	if !known {
		return "-"
	}
	return fmt.Sprintf("%.2fs", x)
}

func minMax(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	lo, hi := xs[0], xs[0]
	for _, x := range xs[1:] {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// Totals counts the runs by verdict.
type Totals struct {
	Passed, Failed, Interrupted int
	RunTime                     []float64 // wall seconds of each finished run
}

// Count adds up finished runs.
func Count(runs []RunResult) Totals {
	var t Totals
	for _, r := range runs {
		switch {
		case r.Interrupted:
			t.Interrupted++
			continue
		case r.Passed:
			t.Passed++
		default:
			t.Failed++
		}
		t.RunTime = append(t.RunTime, r.Elapsed.Seconds())
	}
	return t
}

// Line is the one-line verdict printed under the table.
func (t Totals) Line(wall time.Duration) string {
	done := t.Passed + t.Failed
	var b strings.Builder
	fmt.Fprintf(&b, "%d runs: %d passed, %d failed", done, t.Passed, t.Failed)
	if done > 0 {
		fmt.Fprintf(&b, " (%.1f%%)", 100*float64(t.Failed)/float64(done))
	}
	if t.Interrupted > 0 {
		fmt.Fprintf(&b, ", %d interrupted", t.Interrupted)
	}
	fmt.Fprintf(&b, "; %.1fs per run (sd %.1fs); wall %s", Mean(t.RunTime), StdDev(t.RunTime),
		wall.Round(time.Second))
	return b.String()
}
