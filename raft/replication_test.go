package raft

import (
	"strings"
	"testing"
)

// TestAppendBatchLimit: with a byte bound set, one AppendEntries carries
// about that many bytes of entries at their average persisted size, at
// least one entry, and never more than maxEntriesPerAppend.
func TestAppendBatchLimit(t *testing.T) {
	rf := idlePeer(MakePersister())
	rf.currentTerm = 1
	if got := rf.appendBatchLimit(); got != maxEntriesPerAppend {
		t.Fatalf("no bound: limit %d, want %d", got, maxEntriesPerAppend)
	}
	for i := 0; i < 100; i++ {
		rf.log.append(LogEntry{Term: 1, Command: strings.Repeat("x", 90)})
	}
	rf.persist()
	perEntry := rf.stream.entryBytes / rf.stream.entryCount
	cases := []struct{ bound, want int }{
		{0, maxEntriesPerAppend},
		{10 * perEntry, 10},
		{perEntry / 2, 1},
		{1 << 30, maxEntriesPerAppend},
	}
	for _, c := range cases {
		rf.SetMaxAppendBytes(c.bound)
		if got := rf.appendBatchLimit(); got != c.want {
			t.Errorf("bound %d bytes (%d per entry): limit %d, want %d", c.bound, perEntry, got, c.want)
		}
	}
}

// TestAppendBatchLimitOutlivesSnapshot: a snapshot that covers the whole
// log leaves no entry in the rewritten stream to average over. The bound
// must still hold then: a leader that just snapshotted is the one whose
// lagging followers would otherwise receive up to maxEntriesPerAppend
// entries at once, more than a service bounding its state has room for.
func TestAppendBatchLimitOutlivesSnapshot(t *testing.T) {
	rf := idlePeer(MakePersister())
	rf.currentTerm = 1
	for i := 0; i < 100; i++ {
		rf.log.append(LogEntry{Term: 1, Command: strings.Repeat("x", 90)})
	}
	rf.persist()
	perEntry := rf.stream.entryBytes / rf.stream.entryCount
	rf.SetMaxAppendBytes(10 * perEntry)
	rf.log.compactTo(rf.log.lastIndex(), 1)
	rf.rewriteState()
	if rf.stream.entryCount != 0 {
		t.Fatalf("rewritten stream holds %d entries, want 0 after a snapshot of the whole log", rf.stream.entryCount)
	}
	if got := rf.appendBatchLimit(); got != 10 {
		t.Fatalf("after a snapshot of the whole log: limit %d, want 10 (%d bytes per entry)", got, perEntry)
	}
}
