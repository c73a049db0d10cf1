package raftkv

import (
	"testing"

	"miniraftkv/raft"
)

// The bounds raftkv needs for maxraftstate, and how they combine with a
// service's own (raftkvd bounds one AppendEntries by the largest value).
func TestStateBounds(t *testing.T) {
	cases := []struct {
		name                  string
		given                 raft.Options
		maxraftstate          int
		wantAppend, wantState int
	}{
		{"no snapshots: nothing added", raft.Options{}, -1, 0, 0},
		{"no snapshots keeps the service's bound", raft.Options{MaxAppendBytes: 1 << 20}, -1, 1 << 20, 0},
		{"raftkv's own", raft.Options{}, 1000, 250, 1500},
		{"a looser append bound is lowered", raft.Options{MaxAppendBytes: 1 << 20}, 1000, 250, 1500},
		{"a tighter append bound is kept", raft.Options{MaxAppendBytes: 100}, 1000, 100, 1500},
		{"a state bound given is kept", raft.Options{MaxStateBytes: 1200}, 1000, 250, 1200},
	}
	for _, c := range cases {
		got := stateBounds(c.given, c.maxraftstate)
		if got.MaxAppendBytes != c.wantAppend || got.MaxStateBytes != c.wantState {
			t.Errorf("%s: bounds %d, %d; want %d, %d", c.name, got.MaxAppendBytes, got.MaxStateBytes, c.wantAppend, c.wantState)
		}
	}
}
