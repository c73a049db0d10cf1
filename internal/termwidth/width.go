// Package termwidth tells the command-line tools how wide the terminal is, so that
// what they lay out in columns fits it.
//
// Shells set $COLUMNS for themselves but do not export it, so a program
// started from one rarely sees it: Width asks the terminal itself first.
package termwidth

import (
	"os"
	"strconv"
)

// Width returns the column count of the first of files that is a terminal;
// if none is (output piped to a file or a pager), $COLUMNS when it holds a
// positive number; else fallback.
func Width(fallback int, files ...*os.File) int {
	for _, f := range files {
		if w := columns(f); w > 0 {
			return w
		}
	}
	if w, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return fallback
}
