package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"miniraftkv/internal/testrun"
)

// report prints the summary (and saves it beside kept logs) and returns the
// exit status.
// The test binary stays beside the kept logs, whose first line is the
// command that repeats the run with it.
func report(cfg config, results []testrun.RunResult, wall time.Duration, outDir, binPath string,
	autoOut, interrupted bool) int {
	var b strings.Builder
	writeSummary(&b, cfg, results, wall)
	totals := testrun.Count(results)
	logsKept := totals.Failed > 0 || (cfg.keepAll && len(results) > 0)
	switch {
	case logsKept:
		which := map[bool]string{true: "every run", false: "failed runs"}[cfg.keepAll]
		fmt.Fprintf(&b, "logs of %s are in %s; the first line of each repeats the run with %s\n",
			which, outDir, filepath.Base(binPath))
		if timelines, _ := filepath.Glob(filepath.Join(outDir, "*-timeline-*.html")); len(timelines) > 0 {
			fmt.Fprintf(&b, "timelines of failed linearizability checks: %s\n", strings.Join(timelines, " "))
		}
	case autoOut:
		os.RemoveAll(outDir)
	default:
		os.Remove(binPath) // no log needs it
	}
	if logsKept || !autoOut {
		if err := os.WriteFile(filepath.Join(outDir, "summary.txt"), []byte(b.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "stress:", err)
		}
	}
	fmt.Print(b.String())
	switch {
	case totals.Failed > 0:
		return exitFailed
	case interrupted:
		return exitInterrupted
	}
	return exitOK
}

// writeSummary writes the per-test table, the totals and the failed runs.
func writeSummary(w io.Writer, cfg config, results []testrun.RunResult, wall time.Duration) {
	fmt.Fprintf(w, "\nstress %s  -run %q  -n %d  -p %d  race=%v%s\n\n", cfg.pkg, cfg.run, cfg.runs, cfg.parallel, cfg.race,
		map[bool]string{true: "  virtual time"}[cfg.virtual])
	stats := testrun.Summarize(results)
	if len(stats) == 0 {
		fmt.Fprintln(w, "no test reported a result (does -run match any test?)")
	} else {
		testrun.WriteTable(w, stats)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, testrun.Count(results).Line(wall))
	total := cfg.runs
	if cfg.endless {
		total = 0
	}
	switch {
	case cfg.until && testrun.Count(results).Failed > 0:
		fmt.Fprintf(w, "-until-fail: stopped at the first failure, after %d runs\n", len(results))
	case len(results) < cfg.runs && !cfg.endless:
		fmt.Fprintf(w, "stopped early: %d of %d runs were started\n", len(results), cfg.runs)
	}
	for _, r := range results {
		if !r.Passed && !r.Interrupted {
			fmt.Fprintf(w, "  %s\n", runLineText(r, total))
			if cfg.virtual {
				fmt.Fprintf(w, "    seed %d; replay: %s\n", cfg.seeds[r.Index-1], replayCommand(cfg, r, cfg.seeds[r.Index-1]))
			}
		}
	}
}
