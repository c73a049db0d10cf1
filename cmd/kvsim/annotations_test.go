package main

import (
	"testing"

	"miniraftkv/linearizability"
)

// TestFaultLogAnnotations checks the ranges the fault log makes of a
// sequence of faults: per-server rows for partitions and crashes, network
// rows, and open ranges ended when the annotations are taken.
func TestFaultLogAnnotations(t *testing.T) {
	rec := linearizability.NewKvRecorder()
	l := newFaultLog(rec)
	l.partition([]int{2, 4}, []int{0, 1, 3})
	l.network(UnreliableOn)
	l.heal(5)
	l.crash(4, true)
	l.end(server(4))
	l.heal(5) // S4 is up and not partitioned: nothing to end
	l.network(ReorderOn)
	l.network(UnreliableOff)
	l.crash(1, false)
	l.heal(5) // S1 is down, not partitioned: its range stays open
	now := rec.Now()
	got := rec.Annotations()
	want := []struct {
		row, label string
		open       bool // still open when the annotations were taken
	}{
		{"S1", "down", true},
		{"S2", "partitioned (minority)", false},
		{"S4", "partitioned (minority)", false},
		{"S4", "down", false},
		{"reordering", "long reordering", true},
		{"unreliable", "unreliable network", false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d annotations, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Row != w.row || g.Label != w.label || g.Start > g.End ||
			(w.open && g.End < now) || (!w.open && g.End > now) {
			t.Errorf("annotation %d is %s %q [%d, %d] (now %d), want %s %q open %v", i, g.Row, g.Label,
				g.Start, g.End, now, w.row, w.label, w.open)
		}
	}
	if got[2].End > got[3].Start {
		t.Errorf("S4's partition [%d, %d] ends after its crash starts at %d", got[2].Start, got[2].End, got[3].Start)
	}
}
