package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"miniraftkv/internal/virtualtest"
)

// With -virtual, each package's test binary is built with the wrappers of
// internal/virtualtest (added to the bug's overlay), and each named test
// TestX runs as its wrapper TestVirtualX: in a testing/synctest bubble,
// where waiting on timers costs no real time. The matrix names the original
// tests.

// virtualArgs are the test binary's extra arguments in virtual time: a
// mutant that spins (a sender retrying at once against a fake peer that
// answers at once) keeps the virtual clock still, and the watchdog's
// default minute of real time would dominate the catalogue's run. No test
// the catalogue names does a minute of pure CPU work.
var virtualArgs = []string{"-virtual.stall", "15s"}

// virtualName is the test to run for test in virtual time, and the extra
// arguments it needs: its wrapper with virtualArgs if the binary has one
// (listed holds the binary's tests), or test itself, in real time, when it
// has none (a test that calls t.Run or t.Parallel, which a synctest bubble
// forbids, or one of a package whose tester cannot run in virtual time).
func virtualName(listed map[string]bool, test string) (string, []string) {
	if wrapper := virtualtest.WrapperName(test); listed[wrapper] {
		return wrapper, virtualArgs
	}
	return test, nil
}

// wrapperCache holds the wrappers of each package for the whole catalogue:
// they depend only on the package's test files, which no bug changes, so
// they are generated once, into a folder of their own.
type wrapperCache struct {
	mu    sync.Mutex
	dir   string             // made at first use; removed by close
	byPkg map[string]overlay // nil for a package whose tester cannot run in virtual time
}

// overlayFor returns the overlay entries that add the wrappers to pkg of the
// tree at root, or none for a package whose tester cannot run in virtual
// time (its tests then run in real time).
func (c *wrapperCache) overlayFor(root, pkg string) (overlay, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ov, ok := c.byPkg[pkg]; ok {
		return ov, nil
	}
	p, err := virtualtest.Load(pkg, root)
	if err != nil {
		return nil, err
	}
	var ov overlay
	if virtualtest.Supported(p) == nil {
		if c.dir == "" {
			if c.dir, err = os.MkdirTemp("", "mutate-wrappers-"); err != nil {
				return nil, err
			}
		}
		dir := filepath.Join(c.dir, strings.NewReplacer("/", "_", ".", "").Replace(pkg))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if ov, err = virtualtest.Wrappers(p, dir); err != nil {
			return nil, err
		}
	}
	if c.byPkg == nil {
		c.byPkg = make(map[string]overlay)
	}
	c.byPkg[pkg] = ov
	return ov, nil
}

// close removes the wrappers' folder.
func (c *wrapperCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir != "" {
		os.RemoveAll(c.dir)
		c.dir, c.byPkg = "", nil
	}
}
