package raft_test

// The newer features' claims in their windows, on the paper harness (the
// real peer among scripted fakes), at 3 and 5 peers where a majority is
// involved. Features beside the lab API are found with type assertions, so
// the file compiles against any Raft with the 6.824 API; there the tests
// skip.
//
//   - ReadIndex (§6.4): a read is confirmed only by answers to calls sent
//     after it arrived; a read arriving once a round's calls are out waits
//     for a round of its own, and that round needs a majority.
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
	"sync"
	"testing"
	"time"

	"miniraftkv/raft"
)

// phasedHolds scripts every fake to hold each AppendEntries until the gate
// of the phase in force when the call arrived, fake by fake, is opened.
type phasedHolds struct {
	p       *paperNet
	mu      sync.Mutex // protects phase and seen
	phase   int
	gates   [][]chan struct{} // [phase][fake]
	arrived [][]chan struct{} // [phase][fake]: closed when fake holds a call of phase
	seen    [][]bool
}

func newPhasedHolds(p *paperNet, phases int) *phasedHolds {
	h := &phasedHolds{p: p}
	for k := 0; k < phases; k++ {
		h.gates = append(h.gates, make([]chan struct{}, p.n))
		h.arrived = append(h.arrived, make([]chan struct{}, p.n))
		h.seen = append(h.seen, make([]bool, p.n))
		for i := 1; i < p.n; i++ {
			h.gates[k][i] = make(chan struct{})
			h.arrived[k][i] = make(chan struct{})
		}
	}
	for i := 1; i < p.n; i++ {
		i := i
		p.fakes[i].script(nil, func(a raft.AppendEntriesArgs) raft.AppendEntriesReply {
			h.mu.Lock()
			k := h.phase
			if !h.seen[k][i] {
				h.seen[k][i] = true
				close(h.arrived[k][i])
			}
			h.mu.Unlock()
			p.hold(h.gates[k][i])
			return raft.AppendEntriesReply{Term: a.Term, Success: true}
		})
	}
	return h
}

// enter makes calls arriving from now on belong to phase k.
func (h *phasedHolds) enter(k int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.phase = k
}

// awaitHeld waits until every fake holds a call of phase k.
func (h *phasedHolds) awaitHeld(k int) {
	h.p.t.Helper()
	for i := 1; i < h.p.n; i++ {
		select {
		case <-h.arrived[k][i]:
		case <-time.After(waitLong):
			h.p.t.Fatalf("fake S%d received no AppendEntries in phase %d within %v", i, k, waitLong)
		}
	}
}

// open releases the calls of phase k that fakes hold, and later ones.
func (h *phasedHolds) open(k int, fakes ...int) {
	for _, i := range fakes {
		close(h.gates[k][i])
	}
}

// fakeIDs returns 1..n-1.
func fakeIDs(n int) []int {
	ids := make([]int, 0, n-1)
	for i := 1; i < n; i++ {
		ids = append(ids, i)
	}
	return ids
}

// TestReadIndexLateReadGetsNewRound: read 1 starts a round whose calls go
// out; read 2 arrives after they went out. Answers to those calls confirm
// read 1 only: read 2 waits for answers to later calls from a majority
// (two of four followers with 5 peers, one of two with 3).
func TestReadIndexLateReadGetsNewRound(t *testing.T) {
	for _, n := range []int{3, 5} {
		t.Run(fmt.Sprintf("%d peers", n), func(t *testing.T) {
			p := newPaperNet(t, n)
			defer p.cleanup()
			index := p.leadWithCommit()
			h := newPhasedHolds(p, 3)
			h.awaitHeld(0) // every follower holds a call made before the reads
			read1 := startRead(t, p.real())
			h.enter(1)
			h.open(0, fakeIDs(n)...)
			h.awaitHeld(1) // calls made after read 1 arrived are out
			h.enter(2)
			read2 := startRead(t, p.real())
			h.open(1, fakeIDs(n)...)
			h.awaitHeld(2)
			expectNoRead(t, read2, 20*time.Millisecond, "confirmed by answers to calls sent before it arrived")
			majority := n/2 + 1
			if majority > 2 {
				h.open(2, fakeIDs(n)[:majority-2]...)
				expectNoRead(t, read2, 50*time.Millisecond,
					fmt.Sprintf("with %d of %d peers, the leader included, confirming it", majority-1, n))
			}
			h.open(2, fakeIDs(n)[majority-2:]...)
			expectRead(t, read2, index, "once a majority answered calls sent after it arrived")
			expectRead(t, read1, index, "once a majority answered calls sent after it arrived")
		})
	}
}

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
