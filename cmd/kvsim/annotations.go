package main

import (
	"fmt"

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
// timeline in the history's recorder (on its clock): a row per server
// showing when it was cut off in a partition's minority or down, and rows
// for the unreliable and reordering periods of the network. Each row is
// also the key of its range in the recorder. The injector calls it with its
// lock held.
type faultLog struct {
	rec         *linearizability.KvRecorder
	partitioned map[string]bool // rows whose open range is a partition
}

func newFaultLog(rec *linearizability.KvRecorder) *faultLog {
	return &faultLog{rec: rec, partitioned: make(map[string]bool)}
}

// begin starts a range in row, ending any range still open there.
func (l *faultLog) begin(row, label, details, color string) {
	l.rec.Begin(row, row, label, details, color)
	l.partitioned[row] = color == partitionColor
}

// end ends the range open in row, if any.
func (l *faultLog) end(row string) {
	l.rec.End(row)
	delete(l.partitioned, row)
}

func (l *faultLog) partition(minority, majority []int) {
	details := fmt.Sprintf("partition %s | %s: cut off from the majority", servers(minority), servers(majority))
	for _, s := range minority {
		l.begin(server(s), "partitioned (minority)", details, partitionColor)
	}
}

func (l *faultLog) heal(n int) {
	for s := 0; s < n; s++ {
		if l.partitioned[server(s)] {
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
