package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// finish prints the score table, writes the JSON results and returns the
// exit status. An interrupted grading prints what it has and writes nothing.
func finish(ctx context.Context, cfg config, ws *workspace, tests []*gradedTest, stdout, stderr io.Writer) int {
	tableOut := stdout
	if cfg.jsonOut == "-" {
		tableOut = stderr // standard output carries the JSON
	}
	res := buildResults(tests, cfg.runs)
	if cfg.virtual {
		fmt.Fprintln(tableOut, "\n"+practiceBanner)
		res.Output = practiceBanner
	}
	writeTable(tableOut, tests, cfg.runs)
	if cfg.virtual {
		fmt.Fprintln(tableOut, practiceBanner)
	}
	if ws.keptLogs() {
		fmt.Fprintf(stderr, "grade: logs of failed runs are in %s\n", ws.logDir)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "grade: interrupted: the table above is partial; no results written")
		return exitInterrupted
	}
	if err := writeResults(cfg.jsonOut, stdout, res); err != nil {
		fmt.Fprintln(stderr, "grade: cannot write the results:", err)
		return exitCannotGrade
	}
	if cfg.jsonOut != "-" {
		fmt.Fprintf(stderr, "grade: results written to %s\n", cfg.jsonOut)
	}
	return exitGraded
}

// writeTable prints one row per test (part, test, runs passed/tried,
// points/max, reason), then each part's points and the total.
func writeTable(w io.Writer, tests []*gradedTest, runs int) {
	width := len("test")
	for _, t := range tests {
		width = max(width, len(t.name))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-4s  %-*s  %5s  %13s  %s\n", "part", width, "test", "runs", "points", "reason")
	var parts []string // the parts' names as the tests give them
	earned, possible := map[string]cents{}, map[string]cents{}
	for _, t := range tests {
		if _, seen := possible[t.partName()]; !seen {
			parts = append(parts, t.partName())
		}
		earned[t.partName()] += t.earned(runs)
		possible[t.partName()] += t.max
		tried := fmt.Sprintf("%d/%d", t.passedRuns(), len(t.runs))
		score := fmt.Sprintf("%v/%v", t.earned(runs), t.max)
		row := fmt.Sprintf("%-4s  %-*s  %5s  %13s  %s", t.partName(), width, t.name, tried, score, t.reason(runs))
		b.WriteString(strings.TrimRight(row, " ") + "\n")
	}
	var total, totalMax cents
	b.WriteString("\n")
	for _, p := range parts {
		fmt.Fprintf(&b, "%-4s  %v/%v\n", p, earned[p], possible[p])
		total, totalMax = total+earned[p], totalMax+possible[p]
	}
	rule := fmt.Sprintf("passing all %d runs", runs)
	if runs == 1 {
		rule = "passing its run"
	}
	fmt.Fprintf(&b, "total %v/%v (a test earns its points only by %s)\n", total, totalMax, rule)
	io.WriteString(w, b.String())
}

// results is the autograder results format: a total score and one entry
// per test.
type results struct {
	Score  float64      `json:"score"`
	Output string       `json:"output,omitempty"` // about the whole run (practice mode says so)
	Tests  []testResult `json:"tests"`
}

// testResult is one test's entry in results.
type testResult struct {
	Name     string  `json:"name"`
	Score    float64 `json:"score"`
	MaxScore float64 `json:"max_score"`
	Output   string  `json:"output"`
}

// buildResults turns the graded tests into the results format.
func buildResults(tests []*gradedTest, runs int) results {
	res := results{Tests: []testResult{}}
	var total cents
	for _, t := range tests {
		total += t.earned(runs)
		res.Tests = append(res.Tests, testResult{
			Name:     t.partName() + " " + t.name,
			Score:    t.earned(runs).points(),
			MaxScore: t.max.points(),
			Output:   testOutput(t, runs),
		})
	}
	res.Score = total.points()
	return res
}

// testOutput explains a test's score to the student: the runs, and for a
// failure its reason and the start of the failed run's output.
func testOutput(t *gradedTest, runs int) string {
	if t.broken != "" {
		return t.broken
	}
	var b strings.Builder
	fmt.Fprintf(&b, "passed %d of %d runs (%d wanted)", t.passedRuns(), len(t.runs), runs)
	if why := t.reason(runs); why != "" {
		b.WriteString("\n" + why)
	}
	for _, r := range t.runs {
		if !r.passed {
			fmt.Fprintf(&b, "\n\noutput of run %d:\n%s", r.index, r.excerpt)
			break
		}
	}
	return b.String()
}

// writeResults writes the JSON results to the file, or to stdout for "-".
func writeResults(file string, stdout io.Writer, res results) error {
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if file == "-" {
		_, err = stdout.Write(data)
		return err
	}
	return os.WriteFile(file, data, 0o644)
}
