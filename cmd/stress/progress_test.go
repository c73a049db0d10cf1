package main

import (
	"testing"
	"time"
)

func TestStatusLine(t *testing.T) {
	s := progressState{passed: 4, failed: 1, running: 2, runTimes: []float64{2, 2, 2, 2, 2}}
	got := StatusLine(s, 10, 2, 7*time.Second, 200)
	want := "[##########..........] 5/10  pass 4  fail 1  running 2  elapsed 7s  2.0s/run  left ~5s"
	if got != want {
		t.Errorf("StatusLine = %q\nwant          %q", got, want)
	}
	if short := StatusLine(s, 10, 2, 7*time.Second, 30); len(short) != 29 {
		t.Errorf("status line not cut to width-1: %q (%d)", short, len(short))
	}
}
