package raft

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPreVoteGrantRule checks the grant rule of a pre-vote (dissertation
// §9.6) case by case: a peer would vote if a RequestVote for the asked term
// could get its vote (Figure 2, receiver rules 1 and 2) and it has not heard
// from a current leader within the minimum election timeout (§4.2.3).
func TestPreVoteGrantRule(t *testing.T) {
	ask := func(term int) *PreVoteArgs { return &PreVoteArgs{Term: term, CandidateId: 2} }
	open := voterView{currentTerm: 5, votedFor: noVote, logUpToDate: true}
	with := func(change func(*voterView)) voterView {
		v := open
		change(&v)
		return v
	}
	for _, tc := range []struct {
		name  string
		args  *PreVoteArgs
		view  voterView
		grant bool
	}{
		{"next term, up-to-date log, no leader heard", ask(6), open, true},
		{"a term further ahead", ask(9), open, true},
		{"term behind ours", ask(4), open, false},
		{"our term, not voted", ask(5), open, true},
		{"our term, voted for the asker", ask(5), with(func(v *voterView) { v.votedFor = 2 }), true},
		{"our term, voted for another", ask(5), with(func(v *voterView) { v.votedFor = 1 }), false},
		{"next term, we voted for another in ours", ask(6), with(func(v *voterView) { v.votedFor = 1 }), true},
		{"leader heard recently", ask(6), with(func(v *voterView) { v.heardLeader = true }), false},
		{"log behind ours", ask(6), with(func(v *voterView) { v.logUpToDate = false }), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why := preVoteRefusal(tc.args, tc.view)
			if granted := why == ""; granted != tc.grant {
				t.Fatalf("preVoteRefusal(%+v, %+v) = %q; want grant %v", *tc.args, tc.view, why, tc.grant)
			}
		})
	}
}

// TestPreVoteChangesNothing sends PreVotes to a peer directly: a pre-vote
// request never changes the receiver's term, vote, election timer or
// persisted state, whether it is granted or not (§9.6), and the leader
// stickiness of §4.2.3 holds: a peer that leads, or heard from its leader
// within the minimum election timeout, refuses.
func TestPreVoteChangesNothing(t *testing.T) {
	p := MakePersister()
	rf := newRaft(nil, 0, p, nil)
	rf.mu.Lock()
	rf.currentTerm, rf.votedFor = 3, 1
	rf.persist()
	rf.mu.Unlock()
	for _, tc := range []struct {
		name    string
		prepare func()
		grant   bool
	}{
		{"no leader heard", func() {}, true},
		{"leader heard just now", func() { rf.heard = leaderHeard{at: time.Now(), inTerm: true} }, false},
		{"leader heard long ago", func() { rf.heard = leaderHeard{at: time.Now().Add(-electionTimeoutMin), inTerm: true} }, true},
		{"leader of an earlier term heard just now", func() { rf.heard = leaderHeard{at: time.Now()} }, true},
		{"we lead", func() { rf.role = leader }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rf.mu.Lock()
			rf.role, rf.heard = follower, leaderHeard{}
			tc.prepare()
			deadline, saved := rf.election.deadline, p.ReadRaftState()
			rf.mu.Unlock()
			var reply PreVoteReply
			rf.PreVote(&PreVoteArgs{Term: 10, CandidateId: 2}, &reply)
			if reply.VoteGranted != tc.grant || reply.Term != 3 {
				t.Errorf("reply %+v; want {Term:3 VoteGranted:%v}", reply, tc.grant)
			}
			rf.mu.Lock()
			defer rf.mu.Unlock()
			if rf.currentTerm != 3 || rf.votedFor != 1 || !rf.election.deadline.Equal(deadline) {
				t.Errorf("after a PreVote for term 10: term %d, votedFor %d, timer moved %v; want 3, 1, 0",
					rf.currentTerm, rf.votedFor, rf.election.deadline.Sub(deadline))
			}
			if !bytes.Equal(p.ReadRaftState(), saved) {
				t.Errorf("a PreVote changed the persisted state")
			}
		})
	}
}

// TestRejoiningFollowerPreVote cuts a follower off long enough for its
// election timeout to elapse, then reconnects it. With pre-vote on, the
// follower never raises its term, and when it rejoins the cluster's term
// stays put and the leader keeps leading (§9.6). With pre-vote off, the
// same scenario shows the disruption pre-vote exists to prevent: the
// follower campaigns in ever higher terms while cut off, and on its return
// its term unseats the leader.
func TestRejoiningFollowerPreVote(t *testing.T) {
	for _, tc := range []struct {
		name    string
		preVote bool
		disrupt bool // whether the rejoining follower must raise the term
	}{
		{"pre-vote on", true, false},
		{"pre-vote off", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newMiniCluster(t, 3, 0)
			defer c.shutdown()
			for _, rf := range c.rafts {
				rf.SetPreVote(tc.preVote)
			}
			l := c.leader()
			if !c.commit(l, "settled") {
				t.Fatalf("S%d could not commit a first command", l)
			}
			term, _ := c.rafts[l].GetState()
			f := (l + 1) % len(c.rafts)
			c.setConnected(f, false)
			// Longer than the longest first election timeout (800 ms).
			time.Sleep(2 * time.Second)
			awayTerm, _ := c.rafts[f].GetState()
			c.setConnected(f, true)
			deposed, raised, what := watchLeadership(c, l, term, 2*time.Second)
			t.Logf("term %d; cut-off S%d reached term %d; after rejoining: %s", term, f, awayTerm, what)
			if awayRaised := awayTerm > term; awayRaised != tc.disrupt {
				t.Errorf("cut-off follower S%d went from term %d to %d; want raised %v", f, term, awayTerm, tc.disrupt)
			}
			if deposed != tc.disrupt || raised != tc.disrupt {
				t.Errorf("after S%d rejoined: %s; want the leader deposed and a peer's term raised: %v", f, what, tc.disrupt)
			}
		})
	}
}

// watchLeadership polls every peer for up to window, or until leader l no
// longer leads term. It reports whether l was deposed, whether some peer
// was seen in a term other than term, and what it saw (each peer's first
// move out of term, in the order seen, names the one that campaigned).
func watchLeadership(c *miniCluster, l, term int, window time.Duration) (deposed, raised bool, what string) {
	var seen []string
	moved := make([]bool, len(c.rafts))
	for end := time.Now().Add(window); time.Now().Before(end) && !deposed; time.Sleep(5 * time.Millisecond) {
		for i, rf := range c.rafts {
			if t, isLeader := rf.GetState(); t != term && !moved[i] {
				raised, moved[i] = true, true
				seen = append(seen, fmt.Sprintf("S%d in term %d (leader %v)", i, t, isLeader))
			}
		}
		if t, isLeader := c.rafts[l].GetState(); !isLeader || t != term {
			deposed = true
			seen = append(seen, fmt.Sprintf("S%d no longer leads term %d (term %d, leader %v)", l, term, t, isLeader))
		}
	}
	if len(seen) == 0 {
		seen = append(seen, fmt.Sprintf("S%d led term %d throughout, every peer in it", l, term))
	}
	return deposed, raised, strings.Join(seen, "; ")
}
