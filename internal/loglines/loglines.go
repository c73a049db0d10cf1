// Package loglines collects the lines a component logs through a
// Logf-style hook (labtcp.Options.Logf, diskpersist.Options.Logf), so that
// tests can assert on them.
package loglines

import (
	"fmt"
	"strings"
	"sync"
)

// Lines is a log that keeps its lines in memory. It is safe for
// concurrent use; its zero value is empty and ready.
type Lines struct {
	mu    sync.Mutex // protects lines
	lines []string
}

// Logf formats one line and keeps it.
func (l *Lines) Logf(format string, args ...interface{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// Contains reports whether any line kept so far contains s.
func (l *Lines) Contains(s string) bool {
	return strings.Contains(l.String(), s)
}

// String returns the lines kept so far, one per line.
func (l *Lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
