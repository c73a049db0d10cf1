package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Status is the verdict on one bug.
type Status int

const (
	// Killed: a named test failed on some run.
	Killed Status = iota
	// Survived: every run of the named tests passed with the bug in.
	Survived
	// Broken: the patch does not apply or the patched tree does not compile.
	Broken
	// NoTest: a test the header names does not exist in its package.
	NoTest
	// Checked: -check mode; the patch applies and the tree compiles.
	Checked
)

func (s Status) String() string {
	switch s {
	case Killed:
		return "killed"
	case Survived:
		return "SURVIVED"
	case Broken:
		return "BROKEN"
	case NoTest:
		return "NO TEST"
	case Checked:
		return "ok"
	}
	return "unknown"
}

// Result is what happened to one bug.
type Result struct {
	Name    string
	Kind    Kind
	Status  Status
	Killer  string        // Killed: the test that failed, "(crashed)" appended if it never reported
	Run     int           // Killed: the run that failed (1-based); Survived: the runs made
	Runs    int           // runs allowed for the bug's kind
	Detail  string        // Broken, NoTest: why; Checked: warnings
	Elapsed time.Duration // wall-clock time spent on the bug
}

// PrintMatrix writes one row per bug and a summary line.
func PrintMatrix(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BUG\tKIND\tRESULT\tKILLED BY\tRUN\tTIME")
	for _, r := range results {
		killer, run := "-", "-"
		switch r.Status {
		case Killed:
			killer, run = r.Killer, fmt.Sprintf("%d/%d", r.Run, r.Runs)
		case Survived:
			run = fmt.Sprintf("%d/%d", r.Run, r.Runs)
		case Broken, NoTest, Checked:
			killer = r.Detail
		}
		if killer == "" {
			killer = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.1fs\n", r.Name, r.Kind, r.Status, firstLine(killer), run, r.Elapsed.Seconds())
	}
	tw.Flush()
	fmt.Fprintln(w, Summary(results))
}

// Summary counts the bugs by status, e.g. "25 bugs: 24 killed, 1 SURVIVED".
func Summary(results []Result) string {
	counts := make(map[Status]int)
	for _, r := range results {
		counts[r.Status]++
	}
	parts := []string{}
	for _, s := range []Status{Checked, Killed, Survived, Broken, NoTest} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	return fmt.Sprintf("%d bugs: %s", len(results), strings.Join(parts, ", "))
}

// ExitStatus is 0 when every bug was killed (or, with -check, applies and
// compiles) and 1 when any survived, is broken or names a missing test.
func ExitStatus(results []Result) int {
	for _, r := range results {
		if r.Status != Killed && r.Status != Checked {
			return 1
		}
	}
	return 0
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
