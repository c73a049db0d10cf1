package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"miniraftkv/internal/testrun"
	"miniraftkv/internal/virtualtest"
)

// With -virtual, stress runs each selected test through the wrapper that
// internal/virtualtest generates (added to the build with -overlay): inside
// a testing/synctest bubble, in virtual time, with one seed per run.

// buildVirtual compiles the tests with the virtual-time wrappers added.
func buildVirtual(ctx context.Context, cfg config, outDir string) (testrun.Binary, error) {
	pkg, err := virtualtest.Load(cfg.pkg, "")
	if err != nil {
		return testrun.Binary{}, err
	}
	overlay, err := virtualtest.WriteOverlay(pkg, outDir)
	if err != nil {
		return testrun.Binary{}, err
	}
	return testrun.Build(ctx, testrun.BuildOptions{Pkg: cfg.pkg, Race: cfg.race, OutDir: outDir, Overlay: overlay})
}

// virtualRunPattern turns the tests -run selected into the -test.run
// pattern of their wrappers (those in have), or says why there are none.
// It also returns the wrappers, and the selected tests that have none.
func virtualRunPattern(selected, have []string) (string, []string, []string, error) {
	var wrappers, skipped []string
	for _, name := range selected {
		switch {
		case virtualtest.IsWrapper(name):
		case slices.Contains(have, virtualtest.WrapperName(name)):
			wrappers = append(wrappers, virtualtest.WrapperName(name))
		default:
			skipped = append(skipped, name)
		}
	}
	if len(wrappers) == 0 {
		return "", nil, skipped, fmt.Errorf("-virtual: no selected test can run in virtual time " +
			"(it needs Go 1.25 or later, and tests that call t.Run or t.Parallel cannot)")
	}
	quoted := make([]string, len(wrappers))
	for i, w := range wrappers {
		quoted[i] = regexp.QuoteMeta(w)
	}
	return "^(" + strings.Join(quoted, "|") + ")$", wrappers, skipped, nil
}

// checkVirtual sets cfg.virtualRun from the selected tests and returns the
// wrappers to run, saying which selected tests cannot run in virtual time.
func checkVirtual(ctx context.Context, cfg *config, bin testrun.Binary, selected []string) ([]string, error) {
	have, err := bin.List(ctx, "^"+regexp.QuoteMeta(virtualtest.WrapperName("Test")))
	if err != nil {
		return nil, err
	}
	var wrappers, skipped []string
	cfg.virtualRun, wrappers, skipped, err = virtualRunPattern(selected, have)
	if len(skipped) > 0 {
		fmt.Fprintf(os.Stderr, "stress: not run: %d %s that call t.Run or t.Parallel, which virtual time forbids: %s\n",
			len(skipped), plural(len(skipped), "test", "tests"), shortList(skipped, 8))
	}
	return wrappers, err
}

// virtualSeeds gives each of n runs its seed: seed for all, or, for 0, a
// random one each.
func virtualSeeds(seed int64, n int) []int64 {
	seeds := make([]int64, n)
	for i := range seeds {
		seeds[i] = seed
		for seeds[i] == 0 {
			seeds[i] = rand.Int64()
		}
	}
	return seeds
}

// virtualJobs are the runs, each with its seed.
func virtualJobs(seeds []int64) []testrun.Job {
	jobs := make([]testrun.Job, len(seeds))
	for i, seed := range seeds {
		jobs[i] = testrun.Job{Index: i + 1, Args: []string{"-virtual.seed", strconv.FormatInt(seed, 10)}}
	}
	return jobs
}

// virtualArgs are the test binary's arguments in virtual mode: binaryArgs
// with the wrappers' -test.run and the watchdog's limit.
func virtualArgs(cfg config) []string {
	args := []string{"-test.v", "-test.count=1", "-test.run", cfg.virtualRun}
	if cfg.stall > 0 {
		args = append(args, "-virtual.stall", cfg.stall.String())
	}
	if cfg.timeout > 0 {
		args = append(args, "-test.timeout", cfg.timeout.String())
	}
	return append(args, cfg.extra...)
}

// replayCommand is the stress command that runs the failed tests of a run
// again with its seed.
func replayCommand(cfg config, r testrun.RunResult, seed int64) string {
	var names []string
	for _, name := range testrun.FailedNames(r.Tests) {
		name, _, _ = strings.Cut(name, " ") // "TestX (no result)"
		names = append(names, regexp.QuoteMeta(virtualtest.OriginalName(name)))
	}
	run := cfg.run
	if len(names) > 0 {
		run = "^(" + strings.Join(names, "|") + ")$"
	}
	words := []string{"go", "run", "./cmd/stress", "-virtual", "-seed", strconv.FormatInt(seed, 10), "-n", "1"}
	if cfg.race {
		words = append(words, "-race")
	}
	if run != "" {
		words = append(words, "-run", testrun.ShellQuote(run))
	}
	words = append(words, testrun.ShellQuote(cfg.pkg))
	if len(cfg.extra) > 0 {
		words = append(words, "--")
		for _, a := range cfg.extra {
			words = append(words, testrun.ShellQuote(a))
		}
	}
	return strings.Join(words, " ")
}
