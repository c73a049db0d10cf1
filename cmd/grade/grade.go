package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"

	"miniraftkv/internal/testrun"
)

// grade grades the tree that cfg names and returns the exit status.
func grade(cfg config, stdout, stderr io.Writer) int {
	table, parts, err := loadInputs(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "grade:", err)
		return exitUsage
	}
	root, err := moduleRoot(cfg.dir)
	if err != nil {
		fmt.Fprintln(stderr, "grade: cannot grade:", err)
		return exitCannotGrade
	}
	ws, err := newWorkspace(cfg, root, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "grade: cannot grade:", err)
		return exitCannotGrade
	}
	defer ws.cleanup()
	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()

	if cfg.virtual {
		fmt.Fprintln(stderr, "grade:", practiceBanner)
	}
	fmt.Fprintf(stderr, "grade: %s%s, parts %s (as the points table numbers them), %d runs per test, %d at a time, limit %v per run\n",
		root, map[bool]string{true: " with course files from " + cfg.courseFiles}[cfg.courseFiles != ""],
		strings.Join(parts, " "), cfg.runs, cfg.parallel, cfg.timeout)
	var tests []*gradedTest
	var found []string // every test of the parts, selected by -run or not
	for _, pkg := range packagesOf(parts) {
		if ctx.Err() != nil {
			break
		}
		graded, inParts := gradePackage(ctx, cfg, ws, table, pkg, stderr)
		tests, found = append(tests, graded...), append(found, inParts...)
	}
	if len(tests) == 0 && ctx.Err() == nil {
		fmt.Fprintln(stderr, "grade:", nothingToGrade(cfg, parts, found))
		return exitUsage
	}
	return finish(ctx, cfg, ws, tests, stdout, stderr)
}

// nothingToGrade says why no test was selected and lists the tests there
// are: a grade of nothing is no grade, and no results file is written.
func nothingToGrade(cfg config, parts, found []string) string {
	if len(found) == 0 {
		return fmt.Sprintf("no test to grade: parts %s have no tests; no results written", strings.Join(parts, " "))
	}
	return fmt.Sprintf("no test to grade: -run %q matches none of the %d tests of parts %s; no results written.\nThe tests: %s",
		cfg.run, len(found), strings.Join(parts, " "), strings.Join(found, " "))
}

// loadInputs reads the points table and decides which parts to grade.
func loadInputs(cfg config) (*pointsTable, []string, error) {
	table, err := loadPoints(cfg.pointsFile)
	if err != nil {
		return nil, nil, err
	}
	var parts []string
	for _, p := range knownParts {
		_, inTable := table.totals[p.name]
		if inTable && (cfg.parts == nil || slices.Contains(cfg.parts, p.name)) {
			parts = append(parts, p.name)
		}
	}
	for _, p := range cfg.parts {
		if _, inTable := table.totals[p]; !inTable {
			return nil, nil, fmt.Errorf("-parts %s: the points table %s gives that part no points", p, table.file)
		}
	}
	if cfg.courseFiles != "" {
		if err := checkCourseFiles(cfg.courseFiles); err != nil {
			return nil, nil, err
		}
	}
	return table, parts, nil
}

func loadPoints(file string) (*pointsTable, error) {
	if file == "" {
		return parsePoints("cmd/grade/points.txt", strings.NewReader(defaultPoints))
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parsePoints(file, f)
}

// packagesOf lists the packages holding the parts, in grading order.
func packagesOf(parts []string) []string {
	var pkgs []string
	for _, p := range knownParts {
		if slices.Contains(parts, p.name) && !slices.Contains(pkgs, p.pkg) {
			pkgs = append(pkgs, p.pkg)
		}
	}
	return pkgs
}

// partsIn lists the selected parts whose tests live in pkg.
func partsIn(cfg config, table *pointsTable, pkg string) []string {
	var parts []string
	for _, p := range knownParts {
		_, inTable := table.totals[p.name]
		if p.pkg == pkg && inTable && (cfg.parts == nil || slices.Contains(cfg.parts, p.name)) {
			parts = append(parts, p.name)
		}
	}
	return parts
}

// gradePackage builds one package's tests and grades its parts' tests. It
// returns them and the names of all the tests of its parts, -run aside.
func gradePackage(ctx context.Context, cfg config, ws *workspace, table *pointsTable, pkg string, stderr io.Writer) ([]*gradedTest, []string) {
	parts := partsIn(cfg, table, pkg)
	fmt.Fprintf(stderr, "grade: building %s tests%s ...\n", pkg, map[bool]string{true: " with -race"}[cfg.race])
	bin, err := buildForGrading(ctx, cfg, ws, pkg)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil
		}
		return brokenTests(cfg, ws, table, pkg, parts, buildFailure(err), stderr), nil
	}
	names, err := bin.List(ctx, ".*")
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil
		}
		return brokenTests(cfg, ws, table, pkg, parts, "listing the tests failed: "+firstLine(err.Error()), stderr), nil
	}
	runName := runNamer(cfg, names)
	names = ws.courseTestsOnly(pkg, gradedNames(names), stderr)
	tests, inParts := planTests(cfg, table, pkg, parts, names, stderr)
	runTests(ctx, cfg, ws, bin, pkg, tests, runName, stderr)
	return tests, inParts
}

// buildFailure is the one-line reason for a package that did not build.
func buildFailure(err error) string {
	var be *testrun.BuildError
	if errors.As(err, &be) {
		return "build failed: " + strings.Join(be.FirstLines(3), " | ")
	}
	return "build failed: " + firstLine(err.Error())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// planTests picks the tests of each part of pkg (in the binary's order),
// gives them their points, and keeps those that -run selects. It returns
// them, and every test of the parts.
func planTests(cfg config, table *pointsTable, pkg string, parts, names []string, stderr io.Writer) ([]*gradedTest, []string) {
	var tests []*gradedTest
	var all []string
	for _, p := range parts {
		var inPart []string
		shown := map[string]string{}
		for _, n := range names {
			if q, label, ok := classify(pkg, n); ok && q.name == p {
				inPart = append(inPart, n)
				shown[n] = label
			}
		}
		maxPoints, warnings := table.allocate(p, inPart)
		for _, w := range warnings {
			fmt.Fprintln(stderr, "grade: warning:", w)
		}
		if len(inPart) == 0 {
			fmt.Fprintf(stderr, "grade: warning: part %s has no tests in %s%s\n", p, pkg,
				map[bool]string{true: ": the course files declare none there"}[cfg.courseFiles != ""])
		}
		all = append(all, inPart...)
		for _, n := range inPart {
			if cfg.run == nil || cfg.run.MatchString(n) {
				tests = append(tests, &gradedTest{part: p, shown: shown[n], name: n, max: maxPoints[n]})
			}
		}
	}
	return tests, all
}

// brokenTests grades the tests of a package that cannot run: every test
// found in its sources (or, if none is found, the part as a whole) earns
// nothing, for the given reason.
func brokenTests(cfg config, ws *workspace, table *pointsTable, pkg string, parts []string, why string, stderr io.Writer) []*gradedTest {
	fmt.Fprintf(stderr, "grade: %s: %s\n", pkg, why)
	tests, _ := planTests(cfg, table, pkg, parts, testFuncNames(ws.testFiles(pkg)), stderr)
	for _, p := range parts {
		if !hasPart(tests, p) {
			tests = append(tests, &gradedTest{part: p, shown: p, name: "(every test of " + p + ")", max: table.totals[p]})
		}
	}
	for _, t := range tests {
		t.broken = why
	}
	return tests
}

func hasPart(tests []*gradedTest, part string) bool {
	for _, t := range tests {
		if t.part == part {
			return true
		}
	}
	return false
}

// runTests runs every test on its own, cfg.runs times, and records each
// run's verdict. Unless -all-runs is given, a test is not run again after
// it has failed: it cannot earn its points any more.
func runTests(ctx context.Context, cfg config, ws *workspace, bin testrun.Binary, pkg string, tests []*gradedTest,
	runName func(string) string, stderr io.Writer) {
	r := &testrun.Runner{
		Bin:       bin,
		Args:      []string{"-test.v", "-test.count=1", "-test.timeout", cfg.timeout.String()},
		OutDir:    ws.logDir,
		KillAfter: cfg.timeout + killSlack,
	}
	byJob := map[string]*gradedTest{}
	var jobs []testrun.Job
	for k := 1; k <= cfg.runs; k++ { // every test's first run, then every second: a failure
		for _, t := range tests { // is known before the test's next run comes up
			name := fmt.Sprintf("%s-%s-run%d", filepath.Base(pkg), t.name, k)
			jobs = append(jobs, testrun.Job{Index: k, Name: name, Args: []string{"-test.run", "^" + runName(t.name) + "$"}})
			byJob[name] = t
		}
	}
	if !cfg.allRuns {
		r.ShouldRun = func(j testrun.Job) bool { return !byJob[j.Name].failed() }
	}
	r.RunJobs(ctx, jobs, cfg.parallel, func(testrun.Job) {}, func(res testrun.RunResult) {
		if res.Interrupted {
			return
		}
		t := byJob[res.Name]
		o := judgeRun(res, runName(t.name), readLog(res.LogPath), cfg.timeout)
		t.runs = append(t.runs, o)
		fmt.Fprintln(stderr, progressLine(t, o, cfg.runs))
	})
	for _, t := range tests {
		sort.Slice(t.runs, func(i, j int) bool { return t.runs[i].index < t.runs[j].index })
	}
}

// readLog returns a kept log's text ("" for a passing run, whose log is gone).
func readLog(path string) string {
	if path == "" {
		return ""
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(data)
}

func progressLine(t *gradedTest, o runOutcome, runs int) string {
	verdict := "PASS"
	if !o.passed {
		verdict = "FAIL  " + o.why
	}
	return fmt.Sprintf("%s %s run %d/%d  %6.2fs  %s", t.partName(), t.name, o.index, runs, o.seconds, verdict)
}
