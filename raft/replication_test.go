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
