package raft

import (
	"strings"
	"testing"

	"miniraftkv/labrpc"
)

// Make has no error result: an argument that cannot work must panic at
// once with a message naming it, not later on a nil pointer or a hang.
func TestMakeRejectsBadArguments(t *testing.T) {
	peers := make([]*labrpc.ClientEnd, 3)
	applyCh := make(chan ApplyMsg)
	cases := []struct {
		name      string
		peers     []*labrpc.ClientEnd
		me        int
		persister *Persister
		applyCh   chan ApplyMsg
		want      string
	}{
		{"nil persister", peers, 0, nil, applyCh, "persister is nil"},
		{"me past the end", peers, 3, MakePersister(), applyCh, "me = 3 is not an index of peers (len(peers) = 3)"},
		{"negative me", peers, -1, MakePersister(), applyCh, "me = -1 is not an index of peers"},
		{"no peers", nil, 0, MakePersister(), applyCh, "me = 0 is not an index of peers (len(peers) = 0)"},
		{"nil applyCh", peers, 0, MakePersister(), nil, "applyCh is nil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := panicMessage(func() { Make(c.peers, c.me, c.persister, c.applyCh) })
			if !strings.HasPrefix(msg, "raft.Make: ") || !strings.Contains(msg, c.want) {
				t.Fatalf("Make panicked with %q; want raft.Make: ...%s...", msg, c.want)
			}
		})
	}
}

// panicMessage runs f and returns what it panicked with ("" if it did not).
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}
