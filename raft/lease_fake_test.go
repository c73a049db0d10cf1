package raft_test

// Lease reads (dissertation §6.4.1) tested on the paper harness: the real
// peer leads with lease reads on, and the fakes hold back or answer its
// AppendEntries as each test says.

import (
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/raft"
)

// minElectionTimeout is the shortest election timeout the real peer's
// followers may draw (400 ms): a lease must end before it, counted
// from when the calls it rests on were sent.
const minElectionTimeout = 400 * time.Millisecond

// leaseNet is a paper harness whose real peer has lease reads on and leads
// with an entry of its term committed; it returns that entry's index.
func leaseNet(t *testing.T, n int) (*paperNet, int) {
	p := newPaperNet(t, n)
	setLeaseReads(t, p.real(), true)
	return p, p.leadWithCommit()
}

// holdEveryAppend scripts every fake to hold each AppendEntries it receives
// from now on until gate is closed.
func (p *paperNet) holdEveryAppend(gate <-chan struct{}) {
	for i := 1; i < p.n; i++ {
		p.holdAppends(p.fakes[i], gate, gate)
	}
}

// TestLeaseReadNeedsNoRound: right after a majority answered, a leader with
// lease reads on answers ReadIndex at once: it returns although every call
// made after the read arrived is held back, which a round would wait for.
func TestLeaseReadNeedsNoRound(t *testing.T) {
	p, index := leaseNet(t, 3)
	defer p.cleanup()
	p.holdEveryAppend(make(chan struct{})) // never answered
	expectRead(t, startRead(t, p.real()), index, "within the lease, with no follower answering")
}

// TestLeaseLapsesThenRound: once the minimum election timeout has passed
// since the last answered call was sent, the lease is over and a read waits
// for a round of heartbeats again.
func TestLeaseLapsesThenRound(t *testing.T) {
	p, index := leaseNet(t, 3)
	defer p.cleanup()
	gate := make(chan struct{})
	p.holdEveryAppend(gate)
	time.Sleep(minElectionTimeout) // the lease must run out: that is what is tested
	reads := startRead(t, p.real())
	expectNoRead(t, reads, 100*time.Millisecond, "after the lease lapsed, with no follower answering")
	close(gate)
	expectRead(t, reads, index, "once the followers answered a round")
}

// TestLeaseCountsFromSend: the lease counts from when the leader sent the
// calls a majority answered, not from when the answers arrived. A follower
// answers a call only after holding it 300 ms; once the minimum election
// timeout has passed since the call reached it (so since it was sent), the
// leader must not serve a read without a round, although the answer came
// back only a short time ago.
func TestLeaseCountsFromSend(t *testing.T) {
	const holdFor = 300 * time.Millisecond
	p, _ := leaseNet(t, 3)
	defer p.cleanup()
	never := make(chan struct{})
	p.holdAppends(p.fakes[1], never, never)
	arrivedAt := make(chan time.Time, 1)
	answered := make(chan struct{})
	var calls atomic.Int32
	p.fakes[2].script(nil, func(a raft.AppendEntriesArgs) raft.AppendEntriesReply {
		if calls.Add(1) > 1 {
			p.hold(never)
			return raft.AppendEntriesReply{Term: a.Term, Success: true}
		}
		arrivedAt <- time.Now()
		select { // the slow answer is what is tested
		case <-time.After(holdFor):
		case <-p.stop:
		}
		close(answered)
		return raft.AppendEntriesReply{Term: a.Term, Success: true}
	})
	arrived := <-arrivedAt
	<-answered
	time.Sleep(time.Until(arrived.Add(minElectionTimeout + 10*time.Millisecond)))
	expectNoRead(t, startRead(t, p.real()), 100*time.Millisecond,
		"without a round, although the only answer came to a call sent over a minimum election timeout ago")
}

// TestLeaseFollowerRefusesVotes: with lease reads on, a follower that heard
// from a leader within the minimum election timeout refuses a RequestVote
// of a higher term and keeps its term (leader stickiness, §4.2.3): the
// leases of other peers rely on it. With lease reads off it votes, as
// Figure 2 says.
func TestLeaseFollowerRefusesVotes(t *testing.T) {
	for _, lease := range []bool{true, false} {
		p := newPaperNet(t, 3)
		setLeaseReads(t, p.real(), lease)
		term := p.term() + termAhead
		p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1})
		reply := p.requestVote(raft.RequestVoteArgs{Term: term + 1, CandidateId: 2})
		now, _ := p.real().GetState()
		if lease && (reply.VoteGranted || now != term) {
			t.Errorf("lease reads on: a follower that just heard from the leader of term %d answered %+v "+
				"to a RequestVote for term %d and is in term %d; want refused, term kept", term, reply, term+1, now)
		}
		if !lease && (!reply.VoteGranted || now != term+1) {
			t.Errorf("lease reads off: RequestVote for term %d answered %+v, follower in term %d; want granted",
				term+1, reply, now)
		}
		p.cleanup()
	}
}

// setLeaseReads calls SetLeaseReads, beside the lab API, found with a type
// assertion so that this file compiles against a Raft without it (the
// student handout's); there the test skips.
func setLeaseReads(t *testing.T, rf *raft.Raft, on bool) {
	t.Helper()
	r, ok := interface{}(rf).(interface{ SetLeaseReads(bool) })
	if !ok {
		t.Skip("this Raft has no SetLeaseReads method")
	}
	r.SetLeaseReads(on)
}
