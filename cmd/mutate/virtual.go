package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"miniraftkv/internal/virtualtest"
)

// With -virtual, each package's test binary is built with the wrappers of
// internal/virtualtest (through -overlay), and each named test TestX runs
// as its wrapper TestVirtualX: in a testing/synctest bubble, where waiting
// on timers costs no real time. The matrix names the original tests.

// virtualArgs are the test binary's extra arguments in virtual time: a
// mutant that spins (a sender retrying at once against a fake peer that
// answers at once) keeps the virtual clock still, and the watchdog's
// default minute of real time would dominate the catalogue's run. No test
// the catalogue names does a minute of pure CPU work.
var virtualArgs = []string{"-virtual.stall", "15s"}

// virtualName is the test to run for test in virtual time, and the extra
// arguments it needs: its wrapper with virtualArgs, or test itself, in real
// time, when it has none (a test that calls t.Run or t.Parallel, which a
// synctest bubble forbids, or one of a package whose tester cannot run in
// virtual time).
func virtualName(ctx context.Context, bin, test string) (string, []string) {
	wrapper := virtualtest.WrapperName(test)
	out, err := exec.CommandContext(ctx, bin, "-test.list", runRegexp([]string{wrapper})).Output()
	if err != nil || !slices.Contains(strings.Fields(string(out)), wrapper) {
		return test, nil
	}
	return wrapper, virtualArgs
}

// virtualOverlay writes the overlay that adds the wrappers to pkg of the
// scratch tree and returns its path, or "" for a package whose tester
// cannot run in virtual time (its tests then run in real time).
func virtualOverlay(pkg, scratch string) (string, error) {
	p, err := virtualtest.Load(pkg, scratch)
	if err != nil {
		return "", err
	}
	if virtualtest.Supported(p) != nil {
		return "", nil
	}
	dir := filepath.Join(scratch, ".mutate-bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return virtualtest.WriteOverlay(p, dir)
}
