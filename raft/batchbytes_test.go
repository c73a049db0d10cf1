package raft

import "testing"

// sized is a command that knows its size.
type sized int

func (s sized) Size() int { return int(s) }

// TestPrefixWithin: a batch is cut by its entries' own sizes where the
// commands tell them, by the average size otherwise, and always keeps its
// first entry.
func TestPrefixWithin(t *testing.T) {
	batch := func(cmds ...interface{}) []LogEntry {
		es := make([]LogEntry, len(cmds))
		for i, c := range cmds {
			es[i] = LogEntry{Term: 1, Command: c}
		}
		return es
	}
	cases := []struct {
		name    string
		entries []LogEntry
		want    int
	}{
		{"all small", batch(sized(10), sized(10), sized(10)), 3},
		{"a large one stops the batch", batch(sized(10), sized(600), sized(600), sized(10)), 2},
		{"a first entry over the bound goes alone", batch(sized(5000), sized(10)), 1},
		{"commands without a size count at the average", batch(1, 2, 3, 4, 5, 6), 5},
		{"mixed", batch(1, sized(900), 3), 1},
		{"empty", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := prefixWithin(c.entries, 1000, 200); len(got) != c.want {
				t.Fatalf("kept %d of %d entries, want %d", len(got), len(c.entries), c.want)
			}
		})
	}
}
