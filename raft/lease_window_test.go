package raft

// The lease's arithmetic (lease.go) with the clock in the test's hands:
// leaseHolds takes the time it is asked about. Claims:
//   - the lease starts when the calls a majority answered were sent: the
//     latest time such that a majority, the leader included, answered
//     calls sent at or after it (with 5 peers one fresh answer is not
//     enough, although with 3 it is);
//   - it lasts leaseDuration, and has ended at exactly leaseDuration;
//   - none holds with lease reads off, or after the leader sent
//     TimeoutNow in its term; a cluster of one always holds one.

import (
	"fmt"
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// leaderWithAcks is a leader of term 1 among len(acks)+1 peers (it is peer
// 0) whose followers answered calls sent at the times acks gives (the zero
// time: never).
func leaderWithAcks(acks []time.Time) *Raft {
	rf := &Raft{
		peers:       make([]*labrpc.ClientEnd, len(acks)+1),
		lead:        leaderState{progress: make([]peerProgress, len(acks)+1)},
		role:        leader,
		currentTerm: 1,
		settings:    settings{leaseReads: true},
		members:     membershipState{conf: fixedConfiguration(len(acks) + 1)},
	}
	for i, at := range acks {
		rf.lead.progress[i+1].ackedSentAt = at
	}
	return rf
}

func TestLeaseWindow(t *testing.T) {
	t0 := time.Now()
	never := time.Time{}
	ms := time.Millisecond
	cases := []struct {
		name  string
		acks  []time.Time
		at    time.Time
		setup func(rf *Raft)
		want  bool
	}{
		{"3 peers: one fresh answer, just inside", []time.Time{t0, never}, t0.Add(leaseDuration - time.Nanosecond), nil, true},
		{"3 peers: one fresh answer, a lease that ends now", []time.Time{t0, never}, t0.Add(leaseDuration), nil, false},
		{"5 peers: one fresh answer is not a majority", []time.Time{t0, never, never, never}, t0.Add(ms), nil, false},
		{"5 peers: the lease starts at the older of two", []time.Time{t0, t0.Add(-100 * ms), never, never},
			t0.Add(-100*ms + leaseDuration - time.Nanosecond), nil, true},
		{"5 peers: the older of two ends it", []time.Time{t0, t0.Add(-100 * ms), never, never},
			t0.Add(-100*ms + leaseDuration), nil, false},
		{"5 peers: three answers, the second newest counts", []time.Time{t0.Add(-300 * ms), t0, never, t0.Add(-10 * ms)},
			t0.Add(-10*ms + leaseDuration), nil, false},
		{"lease reads off", []time.Time{t0, t0}, t0.Add(ms), func(rf *Raft) { rf.settings.leaseReads = false }, false},
		{"TimeoutNow sent in this term", []time.Time{t0, t0}, t0.Add(ms), func(rf *Raft) { rf.lead.leaseEnded = true }, false},
		{"a cluster of one", nil, t0.Add(time.Hour), nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rf := leaderWithAcks(c.acks)
			if c.setup != nil {
				c.setup(rf)
			}
			if got := rf.leaseHolds(c.at); got != c.want {
				t.Errorf("%d peers, answers to calls sent at %v: leaseHolds(%v) = %v; want %v",
					len(rf.peers), offsets(t0, c.acks), c.at.Sub(t0), got, c.want)
			}
		})
	}
}

// offsets describes times relative to t0.
func offsets(t0 time.Time, ts []time.Time) string {
	s := "["
	for i, at := range ts {
		if i > 0 {
			s += " "
		}
		if at.IsZero() {
			s += "never"
		} else {
			s += fmt.Sprint(at.Sub(t0))
		}
	}
	return s + "]"
}
