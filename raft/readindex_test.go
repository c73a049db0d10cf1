package raft

import "testing"

// TestReadRoundConfirmed checks the quorum arithmetic of a read round: the
// leader counts itself, and a follower counts only if it answered a call
// made after the round began (acked > after).
func TestReadRoundConfirmed(t *testing.T) {
	cases := []struct {
		name  string
		me    int
		after []uint64
		acked []uint64
		want  bool
	}{
		{"one peer: the leader alone", 0, []uint64{0}, []uint64{0}, true},
		{"3 peers: one later answer", 0, []uint64{0, 4, 7}, []uint64{0, 5, 7}, true},
		{"3 peers: answers only to earlier calls", 0, []uint64{0, 4, 7}, []uint64{0, 4, 7}, false},
		{"3 peers: leader's own entry ignored", 1, []uint64{3, 0, 3}, []uint64{3, 9, 3}, false},
		{"5 peers: two later answers", 2, []uint64{1, 1, 0, 1, 1}, []uint64{2, 1, 0, 1, 2}, true},
		{"5 peers: one later answer", 2, []uint64{1, 1, 0, 1, 1}, []uint64{2, 1, 0, 1, 1}, false},
		{"4 peers: one later answer is not a majority", 0, []uint64{0, 1, 1, 1}, []uint64{0, 2, 1, 1}, false},
		{"4 peers: two later answers", 0, []uint64{0, 1, 1, 1}, []uint64{0, 2, 1, 2}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			progress := make([]peerProgress, len(c.acked))
			for i, a := range c.acked {
				progress[i].acked = a
			}
			if got := roundConfirmed(firstPeers(len(c.after)), c.after, progress, c.me); got != c.want {
				t.Errorf("roundConfirmed(after %v, acked %v, me %d) = %v; want %v", c.after, c.acked, c.me, got, c.want)
			}
		})
	}
}
