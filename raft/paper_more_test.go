package raft_test

// More paper tests (see paper_test.go), each written for a bug of the
// mutation catalogue (mutations/) that the cluster tests let survive.

import (
	"testing"
	"time"

	"miniraftkv/raft"
)

// rpcEvery is how often a test playing leader or candidate sends the real
// peer an RPC to keep it from timing out: well under any election timeout
// a correct Raft may use (the testers ask for more than the paper's 150-300 ms).
const rpcEvery = 50 * time.Millisecond

// votesFrom returns the RequestVotes the real peer has sent fake f.
func votesFrom(f *fakePeer) []raft.RequestVoteArgs {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]raft.RequestVoteArgs(nil), f.votes...)
}

// checkNoElection fails the test if the real peer sent any fake a
// RequestVote for a term above term.
func checkNoElection(t *testing.T, p *paperNet, term int, why string) {
	t.Helper()
	for _, f := range p.fakes[1:] {
		for _, a := range votesFrom(f) {
			if a.Term > term {
				t.Fatalf("real peer started an election for term %d %s", a.Term, why)
			}
		}
	}
}

// TestPaperGrantingVoteResetsTimer2A: "If election timeout elapses without
// receiving AppendEntries RPC from current leader or granting vote to
// candidate: convert to candidate". A follower that grants a vote every
// 50 ms (each to the candidate of a new term) hears from no leader, yet its
// election timeout never elapses, so it never starts an election itself.
// Reference: Figure 2 (Rules for Servers, Followers), section 5.2
func TestPaperGrantingVoteResetsTimer2A(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	term := p.term() + termAhead
	for deadline := time.Now().Add(watchFor); time.Now().Before(deadline); time.Sleep(rpcEvery) {
		term++
		r := p.requestVote(raft.RequestVoteArgs{Term: term, CandidateId: 1 + term%2})
		if !r.VoteGranted {
			t.Fatalf("real peer refused the first candidate of term %d, its log being empty (reply %+v)", term, r)
		}
	}
	checkNoElection(t, p, 0, "although it granted a vote every 50 ms: granting a vote must restart the election timer")
}

// TestPaperCandidateStepsDownForLeader2A: "If AppendEntries RPC received
// from new leader: convert to follower". A candidate that hears from the
// leader of its own term stops campaigning: while that leader's heartbeats
// keep coming it starts no further election.
// Reference: Figure 2 (Rules for Servers, Candidates), section 5.2
func TestPaperCandidateStepsDownForLeader2A(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	// The fakes deny every vote, so the real peer's election fails; S2
	// plays the peer that won that term.
	first := p.fakes[1].awaitVote(t, "RequestVote from the real peer", func(raft.RequestVoteArgs) bool { return true })
	term := first.Term
	for deadline := time.Now().Add(watchFor); time.Now().Before(deadline); time.Sleep(rpcEvery) {
		r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 2})
		if r.Term > term {
			t.Fatalf("real peer moved on to term %d while S2, the leader of its term %d, sent it heartbeats every 50 ms", r.Term, term)
		}
		if !r.Success {
			t.Fatalf("real peer, an empty-log candidate of term %d, rejected a heartbeat of that term's leader (reply %+v)", term, r)
		}
	}
	if now, isLeader := p.real().GetState(); now != term || isLeader {
		t.Fatalf("real peer is in term %d (leader %v) after heartbeats from S2, the leader of term %d", now, isLeader, term)
	}
	checkNoElection(t, p, term, "after S2's heartbeats told it S2 leads its term")
}

// TestPaperSnapshotKeepsFollowingEntries2D: InstallSnapshot receiver rule
// 6, "If existing log entry has same index and term as snapshot's last
// included entry, retain log entries following it and reply". A follower
// holding entries 1..5 that installs a snapshot through 3 keeps 4 and 5: it
// acknowledged them, and the leader may have counted them towards a commit.
// Reference: section 7, Figure 13
func TestPaperSnapshotKeepsFollowingEntries2D(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	term := p.term() + termAhead

	if r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1, Entries: entries(term, 1, 2, 3, 4, 5)}); !r.Success {
		t.Fatalf("real peer rejected entries 1..5 on an empty log: %+v", r)
	}
	p.installSnapshot(raft.InstallSnapshotArgs{Term: term, LeaderId: 1,
		LastIncludedIndex: 3, LastIncludedTerm: term, Data: []byte("snapshot through 3")})
	r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1, PrevLogIndex: 5, PrevLogTerm: term, LeaderCommit: 5})
	if !r.Success {
		t.Fatalf("after installing a snapshot through 3/T%d the real peer no longer holds entry 5/T%d (reply %+v): "+
			"it discarded the entries following the snapshot although its entry 3 matched", term, term, r)
	}
	msgs := p.awaitApplied(3)
	if m := msgs[0]; !m.SnapshotValid || m.SnapshotIndex != 3 {
		t.Fatalf("real peer applied %s; want the snapshot through 3 first", describeApplied(msgs))
	}
	if m := msgs[2]; !m.CommandValid || m.CommandIndex != 5 || m.Command != 5 {
		t.Fatalf("real peer applied %s; want the snapshot through 3, then entries 4 and 5", describeApplied(msgs))
	}
}
