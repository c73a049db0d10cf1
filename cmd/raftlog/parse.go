package main

import (
	"regexp"

	"miniraftkv/internal/debugline"
)

// Entry is one parsed debug line.
type Entry = debugline.Line

// ParseLine parses one debug line in the format the raft and raftkv
// packages write (package internal/debugline defines it). It reports false
// for any other line (test output, panics), which callers pass through
// unchanged.
func ParseLine(line string) (Entry, bool) {
	return debugline.Parse(line)
}

// testBoundary matches the lines that start a new test in `go test` output
// (with or without -v): "=== RUN   TestX" and the testers' titles such as
// "Test (2A): initial election ..." or "Test: one client (3A) ...".
var testBoundary = regexp.MustCompile(`^(=== RUN|Test[ :(])`)

// IsTestStart reports whether a pass-through line begins a new test, after
// which automatic columns start afresh (the next test may have more peers).
func IsTestStart(line string) bool { return testBoundary.MatchString(line) }
