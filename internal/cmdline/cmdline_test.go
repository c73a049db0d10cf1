package cmdline

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"
)

func TestParseFailed(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		wantStatus int
		wantFailed bool
		wantOut    string
	}{
		{"parsed", nil, 0, false, ""},
		{"help", flag.ErrHelp, 0, true, ""},
		{"wrapped help", fmt.Errorf("parsing: %w", flag.ErrHelp), 0, true, ""},
		{"bad argument", errors.New("-n 0: need at least one run"), ExitUsage, true, "stress: -n 0: need at least one run\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			status, failed := ParseFailed("stress", c.err, &out)
			if status != c.wantStatus || failed != c.wantFailed || out.String() != c.wantOut {
				t.Errorf("ParseFailed(%v) = %d, %v, printed %q; want %d, %v, %q",
					c.err, status, failed, out.String(), c.wantStatus, c.wantFailed, c.wantOut)
			}
		})
	}
}

func TestNewFlagSetPrintsSynopsisAndDefaults(t *testing.T) {
	var out bytes.Buffer
	fs := NewFlagSet("stress", "stress [-n N] [package]", &out)
	fs.Int("n", 10, "number of runs")
	err := fs.Parse([]string{"-h"})
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("Parse(-h) = %v; want flag.ErrHelp", err)
	}
	want := "usage: stress [-n N] [package]\n  -n int\n    \tnumber of runs (default 10)\n"
	if out.String() != want {
		t.Errorf("usage printed %q; want %q", out.String(), want)
	}
}
