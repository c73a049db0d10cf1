package main

import (
	"fmt"
	"sort"

	"miniraftkv/linearizability"
)

// Colours of the fault annotations on the timeline.
const (
	partitionColor  = "#e67e22"
	crashColor      = "#8e44ad"
	unreliableColor = "#c9a100"
	reorderColor    = "#16a085"
)

// faultLog records when each fault was in force, as annotations of the
// timeline on the history's clock: a row per server showing when it was
// cut off in a partition's minority or down, and rows for the unreliable
// and reordering periods of the network. The injector calls it with its
// lock held.
type faultLog struct {
	clock func() int64                          // the history's clock
	open  map[string]linearizability.Annotation // ranges not yet ended, by row
	done  []linearizability.Annotation
}

func newFaultLog(clock func() int64) *faultLog {
	return &faultLog{clock: clock, open: make(map[string]linearizability.Annotation)}
}

// begin starts a range in row, ending any range still open there.
func (l *faultLog) begin(row, label, details, color string) {
	l.end(row)
	l.open[row] = linearizability.Annotation{Row: row, Start: l.clock(), Label: label, Details: details, Color: color}
}

// end ends the range open in row, if any.
func (l *faultLog) end(row string) {
	if a, ok := l.open[row]; ok {
		a.End = l.clock()
		l.done = append(l.done, a)
		delete(l.open, row)
	}
}

func (l *faultLog) partition(minority, majority []int) {
	details := fmt.Sprintf("partition %s | %s: cut off from the majority", servers(minority), servers(majority))
	for _, s := range minority {
		l.begin(server(s), "partitioned (minority)", details, partitionColor)
	}
}

func (l *faultLog) heal(n int) {
	for s := 0; s < n; s++ {
		if a, ok := l.open[server(s)]; ok && a.Color == partitionColor {
			l.end(server(s))
		}
	}
}

func (l *faultLog) crash(s int, leader bool) {
	details := "crashed; restarted later from its persisted state"
	if leader {
		details = "crashed while it led; restarted later from its persisted state"
	}
	l.begin(server(s), "down", details, crashColor)
}

func (l *faultLog) network(k StepKind) {
	switch k {
	case UnreliableOn:
		l.begin("unreliable", "unreliable network", "requests and replies are delayed and dropped", unreliableColor)
	case ReorderOn:
		l.begin("reordering", "long reordering", "replies are held back for up to about 2 s", reorderColor)
	case UnreliableOff:
		l.end("unreliable")
	case ReorderOff:
		l.end("reordering")
	}
}

// annotations returns every range recorded, ending the open ones now,
// sorted by row and start so that the rows appear in order.
func (l *faultLog) annotations() []linearizability.Annotation {
	rows := make([]string, 0, len(l.open))
	for row := range l.open {
		rows = append(rows, row)
	}
	for _, row := range rows {
		l.end(row)
	}
	list := append([]linearizability.Annotation(nil), l.done...)
	sort.SliceStable(list, func(a, b int) bool {
		if list[a].Row != list[b].Row {
			return list[a].Row < list[b].Row
		}
		return list[a].Start < list[b].Start
	})
	return list
}
