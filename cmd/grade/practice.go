package main

import (
	"context"

	"miniraftkv/internal/testrun"
	"miniraftkv/internal/virtualtest"
)

// Practice mode (-virtual) runs every test in virtual time (the wrappers
// of internal/virtualtest, added to the build with -overlay): a whole
// grading takes minutes instead of hours, so a student can run it often.
// It is not a grade: virtual time does not check that the code is fast
// enough in real time, and explores fewer of the interleavings in which a
// slow handler loses a race with a timer. The start of the run, the table
// and the JSON results all say so.

// practiceBanner is printed above and below the table and put in the JSON
// results.
const practiceBanner = "PRACTICE MODE (-virtual): tests ran in virtual time; this score is not a grade " +
	"(grade without -virtual)"

// buildForGrading compiles pkg's tests, with the virtual-time wrappers in
// practice mode.
func buildForGrading(ctx context.Context, cfg config, ws *workspace, pkg string) (testrun.Binary, error) {
	opts := testrun.BuildOptions{Pkg: pkg, ModDir: ws.root, Race: cfg.race, OutDir: ws.binDir}
	if cfg.virtual {
		p, err := virtualtest.Load(pkg, ws.root)
		if err != nil {
			return testrun.Binary{}, err
		}
		if opts.Overlay, err = virtualtest.WriteOverlay(p, ws.binDir); err != nil {
			return testrun.Binary{}, err
		}
	}
	return testrun.Build(ctx, opts)
}

// gradedNames drops the virtual-time wrappers from a binary's test list:
// tests are graded under their own names.
func gradedNames(names []string) []string {
	var kept []string
	for _, n := range names {
		if !virtualtest.IsWrapper(n) {
			kept = append(kept, n)
		}
	}
	return kept
}

// runNamer returns the name the binary runs to grade a test: in practice
// mode its wrapper, or, for a test that has none (one that starts subtests,
// which a synctest bubble forbids), the test itself, in real time. listed
// is every test the binary has, wrappers included.
func runNamer(cfg config, listed []string) func(test string) string {
	if !cfg.virtual {
		return func(test string) string { return test }
	}
	have := make(map[string]bool, len(listed))
	for _, n := range listed {
		have[n] = true
	}
	return func(test string) string {
		if w := virtualtest.WrapperName(test); have[w] {
			return w
		}
		return test
	}
}
