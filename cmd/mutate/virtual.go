package main

import (
	"os"
	"path/filepath"

	"miniraftkv/internal/virtualtest"
)

// With -virtual, each package's test binary is built with the wrappers of
// internal/virtualtest (through -overlay), and each named test TestX runs
// as its wrapper TestVirtualX: in a testing/synctest bubble, where waiting
// on timers costs no real time. The matrix names the original tests.

// wrapperNames returns the wrappers' names of the tests.
func wrapperNames(tests []string) []string {
	names := make([]string, len(tests))
	for i, name := range tests {
		names[i] = virtualtest.WrapperName(name)
	}
	return names
}

// virtualOverlay writes the overlay that adds the wrappers to pkg of the
// scratch tree and returns its path.
func virtualOverlay(pkg, scratch string) (string, error) {
	p, err := virtualtest.Load(pkg, scratch)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(scratch, ".mutate-bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return virtualtest.WriteOverlay(p, dir)
}
