package raft_test

// The newer features' claims in their windows, on the paper harness (the
// real peer among scripted fakes), at 3 and 5 peers where a majority is
// involved. Features beside the lab API are found with type assertions, so
// the file compiles against any Raft with the 6.824 API; there the tests
// skip.
//
//   - Lease reads (§6.4.1): a peer that has stepped down serves no read,
//     whatever its lease fields say; a leader that sent TimeoutNow holds no
//     lease for the rest of its term.
//   - Pre-vote (§9.6): a peer raises its term only once a majority, itself
//     included, would vote for it; a leader would vote for no one.
//   - Leadership transfer (§3.10): TimeoutNow from the leader of our term
//     starts an election at once, without a pre-vote round; TimeoutNow of
//     an older term, or to a leader, changes nothing.

import (
	"fmt"
	"testing"
	"time"

	"miniraftkv/raft"
)

// TestLeaseReadRefusedAfterStepDown: a leader holding a fresh lease learns
// of a higher term and steps down; its lease fields are still fresh, but
// it is no leader, and ReadIndex must refuse.
func TestLeaseReadRefusedAfterStepDown(t *testing.T) {
	for _, n := range []int{3, 5} {
		t.Run(fmt.Sprintf("%d peers", n), func(t *testing.T) {
			p, index := leaseNet(t, n)
			defer p.cleanup()
			readIndex := readIndexOf(t, p.real())
			if got, ok := readIndex(); !ok || got != index {
				t.Fatalf("ReadIndex = (%d, %v) under a fresh lease; want (%d, true)", got, ok, index)
			}
			term := p.term()
			if r := p.appendEntries(raft.AppendEntriesArgs{Term: term + 1, LeaderId: 1, PrevLogIndex: index, PrevLogTerm: term}); !r.Success {
				t.Fatalf("the new leader's heartbeat was refused: %+v", r)
			}
			if now, isLeader := p.real().GetState(); isLeader || now != term+1 {
				t.Fatalf("after a heartbeat of term %d the peer is in term %d, leader %v", term+1, now, isLeader)
			}
			if got, ok := readIndex(); ok {
				t.Fatalf("ReadIndex = (%d, true) on a peer that stepped down from leading term %d", got, term)
			}
		})
	}
}

// preVoterOf skips the test unless rf has pre-vote (SetPreVote).
func preVoterOf(t *testing.T, rf *raft.Raft) {
	t.Helper()
	if _, ok := interface{}(rf).(interface{ SetPreVote(bool) }); !ok {
		t.Skip("this Raft has no pre-vote")
	}
}

// TestLeaderRefusesPreVote: a leader would vote for no one, however
// up-to-date the asker's log: it is the current leader.
func TestLeaderRefusesPreVote(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	preVoterOf(t, p.real())
	p.leadWithCommit()
	term := p.term()
	args := raft.RequestVoteArgs{Term: term + 1, CandidateId: 1, LastLogIndex: 100, LastLogTerm: term}
	var reply raft.RequestVoteReply
	if !p.tester.Call("Raft.PreVote", &args, &reply) {
		t.Fatal("PreVote to the leader got no reply")
	}
	if reply.VoteGranted {
		t.Fatalf("the leader of term %d would vote for S1 in term %d: %+v", term, term+1, reply)
	}
	if now, isLeader := p.real().GetState(); !isLeader || now != term {
		t.Fatalf("a PreVote changed the leader: term %d, leader %v; want term %d, leader", now, isLeader, term)
	}
}

// TestPreVoteNeedsMajority: a peer whose pre-votes come back granted by
// fewer than a majority (itself included) never raises its term nor asks
// for real votes, through several rounds; with a majority it does.
func TestPreVoteNeedsMajority(t *testing.T) {
	for _, c := range []struct {
		n, grants int
		elects    bool
	}{{3, 0, false}, {5, 1, false}, {5, 2, true}, {3, 1, true}} {
		t.Run(fmt.Sprintf("%d peers, %d grants", c.n, c.grants), func(t *testing.T) {
			p := newPaperNet(t, c.n)
			defer p.cleanup()
			preVoterOf(t, p.real())
			for i := 1; i < c.n; i++ {
				grant := i <= c.grants
				p.fakes[i].scriptPreVotes(func(a raft.RequestVoteArgs) raft.RequestVoteReply {
					return raft.RequestVoteReply{Term: a.Term - 1, VoteGranted: grant}
				})
			}
			if c.elects {
				p.fakes[1].awaitVote(t, "RequestVote of term 1", func(a raft.RequestVoteArgs) bool { return a.Term == 1 })
				return
			}
			for i := 1; i < c.n; i++ {
				f := p.fakes[i]
				f.await(t, "a second pre-vote round", func() bool { return len(f.preVotes) >= 2 })
			}
			if term := p.term(); term != 0 {
				t.Fatalf("with %d of %d pre-votes granted (itself included) the peer reached term %d", c.grants+1, c.n, term)
			}
			for i := 1; i < c.n; i++ {
				if votes, _ := p.fakes[i].votesSeen(); len(votes) > 0 {
					t.Fatalf("with %d of %d pre-votes granted the peer asked S%d for a vote: %+v", c.grants+1, c.n, i, votes[0])
				}
			}
		})
	}
}

// transfererOf skips the test unless rf has leadership transfer.
func transfererOf(t *testing.T, rf *raft.Raft) func(int) error {
	t.Helper()
	tl, ok := interface{}(rf).(interface{ TransferLeadership(int) error })
	if !ok {
		t.Skip("this Raft has no TransferLeadership")
	}
	return tl.TransferLeadership
}

// timeoutNow sends TimeoutNow from the test, acting as leader, to the real
// peer and returns the term of its reply.
func (p *paperNet) timeoutNow(args timeoutNowArgs) int {
	p.t.Helper()
	var reply timeoutNowReply
	if !p.tester.Call("Raft.TimeoutNow", &args, &reply) {
		p.t.Fatalf("TimeoutNow %+v to the real peer got no reply", args)
	}
	return reply.Term
}

// TestTimeoutNowStartsElectionAtOnce: a follower that the leader of its
// term sends TimeoutNow starts an election in the next term before it
// answers, skipping the pre-vote (the other peers heard from the leader
// just now and would refuse one).
func TestTimeoutNowStartsElectionAtOnce(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	transfererOf(t, p.real())
	term := p.term() + termAhead
	p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1})
	if got := p.timeoutNow(timeoutNowArgs{Term: term, LeaderId: 1}); got != term+1 {
		t.Fatalf("TimeoutNow from the leader of term %d answered in term %d; want %d (an election begun at once)", term, got, term+1)
	}
	p.fakes[2].awaitVote(t, "RequestVote of the transfer's election", func(a raft.RequestVoteArgs) bool { return a.Term == term+1 })
	p.fakes[2].mu.Lock()
	defer p.fakes[2].mu.Unlock()
	for _, a := range p.fakes[2].preVotes {
		if a.Term == term+1 {
			t.Fatalf("the transfer's target asked for pre-votes for term %d", term+1)
		}
	}
}

// TestTimeoutNowIgnoredWhenStaleOrLeading: TimeoutNow of an older term
// than the follower's, or sent to a leader, starts no election.
func TestTimeoutNowIgnoredWhenStaleOrLeading(t *testing.T) {
	t.Run("stale", func(t *testing.T) {
		p := newPaperNet(t, 3)
		defer p.cleanup()
		transfererOf(t, p.real())
		term := p.term() + termAhead
		p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1})
		if got := p.timeoutNow(timeoutNowArgs{Term: term - 1, LeaderId: 2}); got != term {
			t.Fatalf("TimeoutNow of term %d to a follower of term %d answered in term %d; want %d", term-1, term, got, term)
		}
		if now := p.term(); now != term {
			t.Fatalf("a stale TimeoutNow moved the follower from term %d to %d", term, now)
		}
	})
	t.Run("leading", func(t *testing.T) {
		p := newPaperNet(t, 3)
		defer p.cleanup()
		transfererOf(t, p.real())
		p.leadWithCommit()
		term := p.term()
		p.timeoutNow(timeoutNowArgs{Term: term, LeaderId: 1})
		if now, isLeader := p.real().GetState(); !isLeader || now != term {
			t.Fatalf("TimeoutNow to the leader of term %d left it in term %d, leader %v", term, now, isLeader)
		}
	})
}

// TestNoLeaseReadAfterTimeoutNow: once a leader has sent TimeoutNow, the
// target's election is exempt from the vote refusal leases rest on, so the
// leader serves no read under its lease for the rest of its term: with
// every follower silent, a read waits.
func TestNoLeaseReadAfterTimeoutNow(t *testing.T) {
	p, _ := leaseNet(t, 3)
	defer p.cleanup()
	transfer := transfererOf(t, p.real())
	if err := transfer(1); err != nil {
		t.Fatalf("TransferLeadership(1): %v", err)
	}
	f := p.fakes[1]
	f.await(t, "TimeoutNow", func() bool { return len(f.timeoutNows) > 0 })
	p.holdEveryAppend(make(chan struct{})) // never answered
	expectNoRead(t, startRead(t, p.real()), 100*time.Millisecond,
		"under a lease, after the leader sent TimeoutNow, with no follower answering")
}
