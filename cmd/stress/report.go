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
func report(cfg config, results []testrun.RunResult, wall time.Duration, outDir string, autoOut, interrupted bool) int {
	var b strings.Builder
	writeSummary(&b, cfg, results, wall)
	totals := testrun.Count(results)
	keep := totals.Failed > 0 || !autoOut
	if keep {
		fmt.Fprintf(&b, "logs of failed runs are in %s\n", outDir)
		if err := os.WriteFile(filepath.Join(outDir, "summary.txt"), []byte(b.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "stress:", err)
		}
	} else {
		os.RemoveAll(outDir)
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
	fmt.Fprintf(w, "\nstress %s  -run %q  -n %d  -p %d  race=%v\n\n", cfg.pkg, cfg.run, cfg.runs, cfg.parallel, cfg.race)
	stats := testrun.Summarize(results)
	if len(stats) == 0 {
		fmt.Fprintln(w, "no test reported a result (does -run match any test?)")
	} else {
		testrun.WriteTable(w, stats)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, testrun.Count(results).Line(wall))
	if len(results) < cfg.runs {
		fmt.Fprintf(w, "stopped early: %d of %d runs were started\n", len(results), cfg.runs)
	}
	for _, r := range results {
		if !r.Passed && !r.Interrupted {
			fmt.Fprintf(w, "  %s\n", runLineText(r, cfg.runs))
		}
	}
}
