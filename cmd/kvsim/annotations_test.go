package main

import "testing"

// TestFaultLogAnnotations checks the ranges the fault log makes of a
// sequence of faults: per-server rows for partitions and crashes, network
// rows, and open ranges ended when the annotations are taken.
func TestFaultLogAnnotations(t *testing.T) {
	now := int64(0)
	l := newFaultLog(func() int64 { return now })
	at := func(t int64, f func()) { now = t; f() }
	at(10, func() { l.partition([]int{2, 4}, []int{0, 1, 3}) })
	at(15, func() { l.network(UnreliableOn) })
	at(20, func() { l.heal(5) })
	at(30, func() { l.crash(4, true) })
	at(40, func() { l.end(server(4)) })
	at(50, func() { l.network(ReorderOn) })
	at(60, func() { l.network(UnreliableOff) })
	now = 70
	got := l.annotations()
	want := []struct {
		row, label string
		start, end int64
	}{
		{"S2", "partitioned (minority)", 10, 20},
		{"S4", "partitioned (minority)", 10, 20},
		{"S4", "down", 30, 40},
		{"reordering", "long reordering", 50, 70},
		{"unreliable", "unreliable network", 15, 60},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d annotations, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Row != w.row || g.Label != w.label || g.Start != w.start || g.End != w.end {
			t.Errorf("annotation %d is %s %q [%d, %d], want %s %q [%d, %d]", i, g.Row, g.Label, g.Start, g.End,
				w.row, w.label, w.start, w.end)
		}
	}
}
