package browser

import (
	"errors"
	"strings"
	"testing"
)

// Start launches the browser for a test or benchmark with a page of width
// by height and closes it when the test ends. It skips the test, saying
// why, when no browser is installed, and fails it when $CHROMIUM names one
// that cannot be used.
func Start(tb testing.TB, width, height int) *Browser {
	tb.Helper()
	path, err := Find()
	if errors.Is(err, ErrRequired) {
		tb.Fatal(err)
	}
	if err != nil {
		tb.Skipf("skipping the browser test: %v", err)
	}
	b, err := Launch(path, width, height)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := b.Close(); err != nil {
			tb.Error(err)
		}
	})
	return b
}

// ReadTimeline reads the timeline page that is open in b. It fails the
// test if the page's script has reported an error so far, or if a section
// shown lacks a row for one of its clients or for an annotation row.
func ReadTimeline(tb testing.TB, b *Browser) Timeline {
	tb.Helper()
	tl, err := b.Timeline()
	if errs := b.Errors(); len(errs) > 0 { // first: a script that failed to parse leaves no page to read
		tb.Fatalf("the page's script reported errors:\n%s", strings.Join(errs, "\n"))
	}
	if err != nil {
		tb.Fatalf("reading the page: %v", err)
	}
	for i, s := range tl.Sections {
		if !s.Shown || len(tl.Data.Clients[i]) == 0 {
			continue
		}
		if s.Plot == nil {
			tb.Errorf("section %q is shown but has no timeline", s.Title)
		}
		if missing := s.MissingRows(tl.Data.Clients[i], tl.Data.Rows); len(missing) > 0 {
			tb.Errorf("section %q draws no row for %q (it has %q)", s.Title, missing, s.Labels)
		}
	}
	return tl
}
