package raft_test

// Paper tests: each restates one sentence of the Raft paper (Ongaro and
// Ousterhout, "In Search of an Understandable Consensus Algorithm",
// extended version) and checks that one real peer obeys it, with the other
// peers played by scripted fakes (fakepeer_test.go). They catch buggy Rafts
// that the cluster tests of test_test.go rarely expose, because the
// situation needs a precise interleaving a real cluster seldom produces.

import (
	"fmt"
	"math"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/raft"
)

// TestPaperVotePersisted2C: "Persistent state on all servers: (Updated on
// stable storage before responding to RPCs) currentTerm, votedFor, log[]";
// "Each server will vote for at most one candidate in a given term". A peer
// that voted, crashed and restarted must still refuse a second candidate of
// that term.
// Reference: Figure 2, section 5.2
func TestPaperVotePersisted2C(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	term := p.term() + termAhead
	reply := p.requestVote(raft.RequestVoteArgs{Term: term, CandidateId: 1})
	if !reply.VoteGranted {
		t.Fatalf("real peer refused the first candidate of term %d (reply %+v)", term, reply)
	}

	p.restartReal()

	reply = p.requestVote(raft.RequestVoteArgs{Term: term, CandidateId: 2})
	if reply.VoteGranted {
		t.Fatalf("real peer voted for S1 in term %d, restarted, then voted for S2 in the same term: votedFor was not persisted", term)
	}
	if reply.Term < term {
		t.Fatalf("restarted real peer answered with term %d; it had persisted term %d", reply.Term, term)
	}
}

// TestPaperVoteUpToDate2A: "the voter denies its vote if its own log is
// more up-to-date than that of the candidate. ... If the logs have last
// entries with different terms, then the log with the later term is more
// up-to-date. If the logs end with the same term, then whichever log is
// longer is more up-to-date." A vote for a candidate that lacks entries the
// voter holds could elect a leader missing committed entries.
// Reference: section 5.4.1
func TestPaperVoteUpToDate2A(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	// Acting as leader S1, give the real peer entries 1..3 of term T.
	term := p.term() + termAhead
	if r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1, Entries: entries(term, "a", "b", "c")}); !r.Success {
		t.Fatalf("real peer rejected entries 1..3 of term %d from its leader (reply %+v)", term, r)
	}
	// Each candidate asks in a term of its own, so an earlier vote never
	// stands in the way of a later one.
	cases := []struct {
		name                string
		lastTerm, lastIndex int
		grant               bool
	}{
		{"same last term, shorter log", term, 2, false},
		{"earlier last term, longer log", term - 1, 10, false},
		{"empty log", 0, 0, false},
		{"same last term, same length", term, 3, true},
		{"later last term, shorter log", term + 1, 1, true},
	}
	for k, c := range cases {
		args := raft.RequestVoteArgs{Term: term + 1 + k, CandidateId: 2, LastLogTerm: c.lastTerm, LastLogIndex: c.lastIndex}
		if reply := p.requestVote(args); reply.VoteGranted != c.grant {
			t.Errorf("%s: real peer with log (T%d, 3) answered a candidate with log (T%d, %d): granted %v, want %v",
				c.name, term, c.lastTerm, c.lastIndex, reply.VoteGranted, c.grant)
		}
	}
}

// TestPaperTruncateOnlyOnConflict2B: AppendEntries receiver rule 3, "If an
// existing entry conflicts with a new one (same index but different terms),
// delete the existing entry and all that follow it". Only a conflict
// truncates: a delayed or duplicated AppendEntries carrying a prefix of the
// log must leave the entries after it in place, or the follower could lose
// entries it has already acknowledged (and the leader counted).
// Reference: Figure 2, section 5.3
func TestPaperTruncateOnlyOnConflict2B(t *testing.T) {
	// Each case is an AppendEntries of the current leader, delivered late,
	// whose PrevLogIndex is 0 or 1 while the follower holds entries 1..5.
	cases := []struct {
		name    string
		prev    int
		entries []interface{}
	}{
		{"duplicate of entry 1", 0, []interface{}{101}},
		{"duplicate of entries 1 and 2", 0, []interface{}{101, 102}},
		{"heartbeat after entry 1", 1, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPaperNet(t, 3)
			defer p.cleanup()
			term := p.term() + termAhead
			leader := func(prev int, es []raft.LogEntry, commit int) raft.AppendEntriesArgs {
				prevTerm := 0
				if prev > 0 {
					prevTerm = term
				}
				return raft.AppendEntriesArgs{Term: term, LeaderId: 1, PrevLogIndex: prev,
					PrevLogTerm: prevTerm, Entries: es, LeaderCommit: commit}
			}

			if r := p.appendEntries(leader(0, entries(term, 101, 102, 103, 104, 105), 0)); !r.Success {
				t.Fatalf("real peer rejected entries 1..5 on an empty log: %+v", r)
			}
			if r := p.appendEntries(leader(c.prev, entries(term, c.entries...), 0)); !r.Success {
				t.Fatalf("real peer rejected a late AppendEntries that matches its log: %+v", r)
			}
			// Entries up to 5 must still be there: the next AppendEntries
			// builds on entry 5.
			if r := p.appendEntries(leader(5, entries(term, 106), 6)); !r.Success {
				t.Fatalf("real peer rejected entry 6 after entry 5 (reply %+v): a late AppendEntries "+
					"(prev %d, %d entries) must not delete entries that do not conflict", r, c.prev, len(c.entries))
			}
			p.checkCommands(p.awaitApplied(6), 101, 102, 103, 104, 105, 106)
		})
	}
}

// TestPaperCommitCurrentTermOnly2B: "Raft never commits log entries from
// previous terms by counting replicas. Only log entries from the leader's
// current term are committed by counting replicas; once an entry from the
// current term has been committed in this way, then all prior entries are
// committed indirectly". A new leader whose followers all hold an entry of
// an earlier term must not commit it until an entry of its own term is
// replicated on a majority.
// Reference: section 5.4.2, Figure 8
func TestPaperCommitCurrentTermOnly2B(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	// A leader of an earlier term gives the real peer entry 1, uncommitted.
	old := p.term() + termAhead
	r := p.appendEntries(raft.AppendEntriesArgs{Term: old, LeaderId: 1, Entries: entries(old, "old")})
	if !r.Success {
		t.Fatalf("real peer rejected entry 1 on an empty log: %+v", r)
	}

	// The real peer is elected; both fakes acknowledge entry 1 in its term.
	for i := 1; i < p.n; i++ {
		p.fakes[i].script(grantVotes, nil)
	}
	term := p.awaitLeader(old)
	for i := 1; i < p.n; i++ {
		p.fakes[i].awaitAppend(t, "AppendEntries from the new leader covering entry 1",
			func(a raft.AppendEntriesArgs) bool { return a.Term == term && lastIndexSent(a) >= 1 })
	}
	watchNoCommit(t, p, term, "entry 1 is of term %d, an earlier term than the leader's %d", old, term)

	// An entry of the leader's own term commits, and entry 1 with it.
	index, startTerm, isLeader := p.real().Start("new")
	if !isLeader || index != 2 || startTerm != term {
		t.Fatalf("Start on the leader of term %d returned (%d, %d, %v); want (2, %d, true)",
			term, index, startTerm, isLeader, term)
	}
	p.checkCommands(p.awaitApplied(2), "old", "new")
}

// watchNoCommit watches the real peer, leader of term, for watchFor and
// fails the test, explaining why with format and args, if it applies
// anything or tells a follower, in term or later, of a commitIndex above 0.
// (A Raft that steps down when it loses contact with a majority may lead a
// later term by then; it must not commit there either.)
func watchNoCommit(t *testing.T, p *paperNet, term int, format string, args ...interface{}) {
	t.Helper()
	time.Sleep(watchFor)
	why := "; " + format
	if msgs := p.appliedSoFar(); len(msgs) > 0 {
		t.Fatalf("real peer applied %s"+why, append([]interface{}{describeApplied(msgs)}, args...)...)
	}
	for i := 1; i < p.n; i++ {
		for _, a := range p.fakes[i].appendsSeen() {
			if a.Term >= term && a.LeaderCommit > 0 {
				t.Fatalf("real peer, leader of term %d, sent LeaderCommit %d to S%d"+why,
					append([]interface{}{a.Term, a.LeaderCommit, i}, args...)...)
			}
		}
	}
}

// TestPaperStaleAppendReply2B: "If RPC request or response contains term T
// > currentTerm: set currentTerm = T"; a reply carries the term it answers,
// and a leader acts only on replies to RPCs of its current term ("If
// successful: update nextIndex and matchIndex for follower"). A success
// that answers an AppendEntries sent in an earlier term says nothing about
// the log the leader has now: counting it could commit an entry no
// follower holds.
// Reference: Figure 2, section 5.3
func TestPaperStaleAppendReply2B(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	f1, f2 := p.fakes[1], p.fakes[2]

	// Term A: the real peer leads with entries 1 and 2. F1's success for
	// them is held back; F2 never answers. Until the test knows A, every
	// AppendEntries is of term A (the real peer's first leadership).
	var heldTerm atomic.Int64
	heldTerm.Store(math.MaxInt32)
	releaseA := make(chan struct{})
	releaseB := make(chan struct{})
	f1.script(grantVotes, func(args raft.AppendEntriesArgs) raft.AppendEntriesReply {
		if int64(args.Term) <= heldTerm.Load() {
			p.hold(releaseA)
		} else {
			p.hold(releaseB)
		}
		return raft.AppendEntriesReply{Term: args.Term, Success: true}
	})
	f2.script(grantVotes, func(args raft.AppendEntriesArgs) raft.AppendEntriesReply {
		if int64(args.Term) <= heldTerm.Load() {
			p.hold(p.stop)
		} else {
			p.hold(releaseB)
		}
		return raft.AppendEntriesReply{Term: args.Term, Success: true}
	})
	termA := p.awaitLeader(0)
	heldTerm.Store(int64(termA))
	for k, cmd := range []string{"a1", "a2"} {
		if index, _, ok := p.real().Start(cmd); !ok || index != k+1 {
			t.Fatalf("Start(%q) on the leader of term %d returned (%d, %v); want (%d, true)",
				cmd, termA, index, ok, k+1)
		}
	}
	f1.awaitAppend(t, "AppendEntries of term A carrying entry 2",
		func(args raft.AppendEntriesArgs) bool { return args.Term == termA && lastIndexSent(args) >= 2 })

	// A leader of term A+1 replaces the real peer's log with its entry 1.
	r := p.appendEntries(raft.AppendEntriesArgs{Term: termA + 1, LeaderId: 2, Entries: entries(termA+1, "b1")})
	if !r.Success {
		t.Fatalf("real peer rejected the leader of term %d: %+v", termA+1, r)
	}

	// Term B: the real peer leads again, with entry 2 of its own term.
	termB := p.awaitLeader(termA + 1)
	if index, _, ok := p.real().Start("c2"); !ok || index != 2 {
		t.Fatalf("Start on the leader of term %d returned (%d, %v); want (2, true)", termB, index, ok)
	}
	close(releaseA) // F1's success for entries 1..2 of term A arrives now
	watchNoCommit(t, p, termB, "only a stale reply (to an AppendEntries of term %d) says S1 has entry 2 of term %d",
		termA, termB)

	close(releaseB)
	if term, isLeader := p.real().GetState(); !isLeader || term != termB {
		// The real peer stepped down while no follower answered
		// (dissertation §6.2) and leads, or soon will, a later term. There
		// c2 commits only together with an entry of that term (§5.4.2).
		termC := p.awaitLeader(termB)
		if _, _, ok := p.real().Start("d3"); !ok {
			t.Fatalf("Start on the leader of term %d failed", termC)
		}
		p.checkCommands(p.awaitApplied(3), "b1", "c2", "d3")
		return
	}
	p.checkCommands(p.awaitApplied(2), "b1", "c2")
}

// TestPaperStaleVoteReply2A: "If votes received from majority of servers:
// become leader" counts votes for the candidate's current election only; a
// vote granted in an earlier term is not a vote in this one (each server
// votes at most once per term, so counting old grants could elect two
// leaders in one term).
// Reference: Figure 2, section 5.2
func TestPaperStaleVoteReply2A(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	f1, f2 := p.fakes[1], p.fakes[2]

	// F1 grants the real peer's first election, but late; F2 denies.
	first := make(chan int, 1)
	var asked atomic.Bool
	release := make(chan struct{})
	granting := make(chan struct{}) // F2 grants once closed
	f1.script(func(a raft.RequestVoteArgs) raft.RequestVoteReply {
		if asked.CompareAndSwap(false, true) {
			first <- a.Term
			p.hold(release)
			return raft.RequestVoteReply{Term: a.Term, VoteGranted: true}
		}
		p.hold(p.stop) // never answers later elections
		return raft.RequestVoteReply{Term: a.Term}
	}, nil)
	f2.script(func(a raft.RequestVoteArgs) raft.RequestVoteReply {
		select {
		case <-granting:
			return raft.RequestVoteReply{Term: a.Term, VoteGranted: true}
		default:
			return raft.RequestVoteReply{Term: a.Term}
		}
	}, nil)

	var termC int
	select {
	case termC = <-first:
	case <-time.After(waitLong):
		t.Fatalf("real peer did not ask S1 for a vote within %v", waitLong)
	}
	f2.awaitVote(t, "RequestVote of a later election",
		func(a raft.RequestVoteArgs) bool { return a.Term > termC })
	close(release) // F1's vote for term termC arrives now

	for deadline := time.Now().Add(watchFor); time.Now().Before(deadline); time.Sleep(pollEvery) {
		if term, isLeader := p.real().GetState(); isLeader {
			t.Fatalf("real peer became leader of term %d with the votes of itself and S1, but S1 "+
				"voted for it in term %d only; S2 denied every vote", term, termC)
		}
	}

	close(granting)
	p.awaitLeader(termC)
}

// TestPaperStaleInstallSnapshot2D: InstallSnapshot receiver rule 6, "If
// existing log entry has same index and term as snapshot's last included
// entry, retain log entries following it and reply"; and the state machine
// only moves forward, so a snapshot older than what the peer already has (a
// delayed or duplicated InstallSnapshot) must not be installed: neither the
// log nor the applied state may go backwards.
// Reference: section 7, Figure 13
func TestPaperStaleInstallSnapshot2D(t *testing.T) {
	t.Run("after a newer snapshot", func(t *testing.T) {
		p := newPaperNet(t, 3)
		defer p.cleanup()
		term := p.term() + termAhead

		p.installSnapshot(raft.InstallSnapshotArgs{Term: term, LeaderId: 1,
			LastIncludedIndex: 10, LastIncludedTerm: term, Data: []byte("snapshot through 10")})
		msgs := p.awaitApplied(1)
		if m := msgs[0]; !m.SnapshotValid || m.SnapshotIndex != 10 || m.SnapshotTerm != term {
			t.Fatalf("real peer applied %s after InstallSnapshot through 10/T%d; want that snapshot",
				describeApplied(msgs), term)
		}
		p.installSnapshot(raft.InstallSnapshotArgs{Term: term, LeaderId: 1,
			LastIncludedIndex: 5, LastIncludedTerm: term, Data: []byte("snapshot through 5")})
		checkBuildsOn(t, p, term, 10, 2)
	})
	t.Run("after the entries it covers", func(t *testing.T) {
		p := newPaperNet(t, 3)
		defer p.cleanup()
		term := p.term() + termAhead

		cmds := []interface{}{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1,
			Entries: entries(term, cmds...), LeaderCommit: 10})
		if !r.Success {
			t.Fatalf("real peer rejected entries 1..10 on an empty log: %+v", r)
		}
		p.checkCommands(p.awaitApplied(10), cmds...)
		p.installSnapshot(raft.InstallSnapshotArgs{Term: term, LeaderId: 1,
			LastIncludedIndex: 5, LastIncludedTerm: term, Data: []byte("snapshot through 5")})
		checkBuildsOn(t, p, term, 10, 11)
	})
}

// checkBuildsOn checks, after a stale InstallSnapshot, that the real peer
// still holds entry last of term (the next AppendEntries builds on it) and
// that the next thing it applies, its message number next, is entry last+1.
func checkBuildsOn(t *testing.T, p *paperNet, term, last, next int) {
	t.Helper()
	r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1, PrevLogIndex: last,
		PrevLogTerm: term, Entries: entries(term, "after"), LeaderCommit: last + 1})
	if !r.Success {
		t.Fatalf("after a stale InstallSnapshot (through 5) the real peer rejected entry %d built on entry %d "+
			"(reply %+v): its log went backwards", last+1, last, r)
	}
	msgs := p.awaitApplied(next)
	for _, m := range msgs[next-1:] {
		if m.SnapshotValid {
			t.Fatalf("real peer applied the stale snapshot through %d after applying through %d: its state "+
				"machine went backwards (applied %s)", m.SnapshotIndex, last, describeApplied(msgs))
		}
	}
	if m := msgs[next-1]; !m.CommandValid || m.CommandIndex != last+1 || m.Command != "after" {
		t.Fatalf("real peer applied %s next; want entry %d (applied %s)",
			describeApplied([]raft.ApplyMsg{m}), last+1, describeApplied(msgs))
	}
	time.Sleep(100 * time.Millisecond)
	if msgs := p.appliedSoFar(); len(msgs) != next {
		t.Fatalf("real peer applied %s; want %d messages (nothing after entry %d)", describeApplied(msgs), next, last+1)
	}
}

// TestPaperAdoptTermFromVoteReply2A: "If RPC request or response contains
// term T > currentTerm: set currentTerm = T, convert to follower". A
// candidate whose RequestVote is answered with a higher term has lost: it
// must take that term at once, and campaign next, if at all, in a term above
// it. One that ignores the reply runs again in its own next term, long left
// behind by the cluster.
// Reference: Figure 2, section 5.1
func TestPaperAdoptTermFromVoteReply2A(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	// S1 answers the first RequestVote, of term T, with term T+termJump.
	// Both fakes deny every vote up to that term and grant later ones.
	var high atomic.Int64
	high.Store(math.MaxInt32)
	beyondHigh := func(a raft.RequestVoteArgs) raft.RequestVoteReply {
		return raft.RequestVoteReply{Term: a.Term, VoteGranted: int64(a.Term) > high.Load()}
	}
	p.fakes[1].scriptVotes(func(a raft.RequestVoteArgs) raft.RequestVoteReply {
		if high.CompareAndSwap(math.MaxInt32, int64(a.Term+termJump)) {
			return raft.RequestVoteReply{Term: a.Term + termJump}
		}
		return beyondHigh(a)
	})
	p.fakes[2].scriptVotes(beyondHigh)
	first := p.fakes[1].awaitVote(t, "RequestVote", func(raft.RequestVoteArgs) bool { return true })
	h := first.Term + termJump

	p.awaitAdoptedTerm(h, fmt.Sprintf("S1's answer to a RequestVote of term %d", first.Term))
	p.awaitLeader(h)
	for i := 1; i < p.n; i++ {
		votes, _ := p.fakes[i].votesSeen()
		for _, a := range votes {
			if a.Term > first.Term && a.Term <= h {
				t.Fatalf("real peer campaigned in term %d after S1 answered its RequestVote of term %d with term %d",
					a.Term, first.Term, h)
			}
		}
	}
}

// TestPaperAdoptTermFromAppendReply2B: "If RPC request or response contains
// term T > currentTerm: set currentTerm = T, convert to follower". A leader
// whose AppendEntries is answered with a higher term has been replaced: it
// must take that term and stop leading at once. S2 keeps acknowledging, so
// the leader keeps its majority: only the term in S1's reply can unseat it.
// Reference: Figure 2, section 5.1
func TestPaperAdoptTermFromAppendReply2B(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	// S1 holds its answers back until the test has seen the real peer lead,
	// then answers as a follower of a much later term.
	answer := make(chan struct{})
	p.fakes[1].script(nil, func(a raft.AppendEntriesArgs) raft.AppendEntriesReply {
		p.hold(answer)
		return raft.AppendEntriesReply{Term: a.Term + termJump}
	})
	term := p.electReal(0)
	close(answer)
	p.awaitAdoptedTerm(term+termJump, fmt.Sprintf("S1's answer to an AppendEntries of term %d", term))
}

// TestPaperAdoptTermFromSnapshotReply2D: the same rule for the reply to an
// InstallSnapshot, whose term is "currentTerm, for leader to update itself".
// S1 lags behind the leader's snapshot and answers the InstallSnapshot that
// brings it up to date with a much later term; the leader must take that
// term and stop leading at once.
// Reference: Figure 2, Figure 13, section 5.1, section 7
func TestPaperAdoptTermFromSnapshotReply2D(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	old := p.commitAndSnapshot(3)

	// S1's log is empty, so the leader must back up to entries its
	// snapshot replaced and send the snapshot. S1 holds its answer back
	// until the test has seen the real peer lead.
	answer := make(chan struct{})
	f1 := p.fakes[1]
	f1.script(nil, emptyLog)
	f1.scriptSnapshot(func(a raft.InstallSnapshotArgs) raft.InstallSnapshotReply {
		p.hold(answer)
		return raft.InstallSnapshotReply{Term: a.Term + termJump}
	})
	term := p.electReal(old)
	f1.awaitSnapshot(t, fmt.Sprintf("InstallSnapshot of term %d", term),
		func(a raft.InstallSnapshotArgs) bool { return a.Term == term })
	close(answer)
	p.awaitAdoptedTerm(term+termJump, fmt.Sprintf("S1's answer to an InstallSnapshot of term %d", term))
}

// TestPaperRejectAppendFromOlderTerm2B: AppendEntries receiver rule 1,
// "Reply false if term < currentTerm (§5.1)"; "If a server receives a
// request with a stale term number, it rejects the request." A deposed
// leader's AppendEntries must change nothing, and the reply's term tells it
// that it is deposed.
// Reference: Figure 2, section 5.1
func TestPaperRejectAppendFromOlderTerm2B(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	term := p.term() + termAhead
	if r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1}); !r.Success {
		t.Fatalf("real peer rejected a heartbeat of term %d on an empty log: %+v", term, r)
	}
	r := p.appendEntries(raft.AppendEntriesArgs{Term: term - 1, LeaderId: 2,
		Entries: entries(term-1, "stale"), LeaderCommit: 1})
	if r.Success || r.Term < term {
		t.Fatalf("real peer in term %d answered an AppendEntries of term %d with %+v; want Success false and term %d",
			term, term-1, r, term)
	}
	probe := raft.AppendEntriesArgs{Term: term, LeaderId: 1, PrevLogIndex: 1, PrevLogTerm: term - 1}
	if r := p.appendEntries(probe); r.Success {
		t.Fatalf("real peer holds entry 1 of term %d: it stored entries of a rejected AppendEntries", term-1)
	}
	r = p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1, Entries: entries(term, "fresh"), LeaderCommit: 1})
	if !r.Success {
		t.Fatalf("real peer rejected entry 1 of its leader on an empty log: %+v", r)
	}
	p.checkCommands(p.awaitApplied(1), "fresh")
}

// TestPaperCommitBoundedByNewEntries2B: AppendEntries receiver rule 5, "If
// leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of
// last new entry)". The leader's commitIndex speaks of the leader's log; past
// the entries this AppendEntries vouched for, the follower's log may still
// hold an old leader's entries, which the new leader's committed entries
// will replace. Taking the follower's last index instead would commit them.
// Reference: Figure 2, section 5.3
func TestPaperCommitBoundedByNewEntries2B(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()

	// S1, leader of term old, gives the real peer entries 1..4; none commits.
	old := p.term() + termAhead
	r := p.appendEntries(raft.AppendEntriesArgs{Term: old, LeaderId: 1, Entries: entries(old, "a", "b", "x", "y")})
	if !r.Success {
		t.Fatalf("real peer rejected entries 1..4 on an empty log: %+v", r)
	}
	// S2, leader of term old+1, shares entries 1..2 and has committed
	// entries of its own term after them, through 5. Its heartbeat matches
	// the common prefix only.
	r = p.appendEntries(raft.AppendEntriesArgs{Term: old + 1, LeaderId: 2, PrevLogIndex: 2, PrevLogTerm: old, LeaderCommit: 5})
	if !r.Success {
		t.Fatalf("real peer rejected a heartbeat whose prev entry 2/T%d it holds: %+v", old, r)
	}
	p.checkCommands(p.awaitApplied(2), "a", "b")

	// The real peer's commitIndex shows in the LeaderCommit it sends once it
	// leads. The fakes never answer it, so nothing more can commit.
	for i := 1; i < p.n; i++ {
		p.fakes[i].script(nil, func(a raft.AppendEntriesArgs) raft.AppendEntriesReply {
			p.hold(p.stop)
			return raft.AppendEntriesReply{Term: a.Term}
		})
	}
	term := p.electReal(old + 1)
	a := p.fakes[1].awaitAppend(t, fmt.Sprintf("AppendEntries of term %d", term),
		func(a raft.AppendEntriesArgs) bool { return a.Term == term })
	if a.LeaderCommit != 2 {
		t.Fatalf("real peer, now leader of term %d, sent LeaderCommit %d; a heartbeat vouching for entries "+
			"through 2 with leaderCommit 5 must set commitIndex = min(5, 2) = 2: its entries 3..4 were stale",
			term, a.LeaderCommit)
	}
	p.checkCommands(p.appliedSoFar(), "a", "b")
}

// TestPaperElectionTimeoutsRandomized2A: "Raft uses randomized election
// timeouts to ensure that split votes are rare ... election timeouts are
// chosen randomly from a fixed interval (e.g., 150-300ms)." The real peer
// campaigns again and again against fakes that deny every vote; the gaps
// between its campaigns are its election timeouts.
//
// The check: the gaps, leaving out the shortest and the longest (one
// scheduling hiccup each), must spread over at least minSpread. With a fixed
// timeout they agree within the timer's resolution and scheduling noise, a
// few milliseconds. With timeouts uniform over an interval of width w, the
// spread of the middle gaps of n is w*B with B ~ Beta(n-3, 4), so
// P(spread < s) = sum over i = n-3..n of C(n,i) d^i (1-d)^(n-i), d = s/w.
// For n = 12 and s = 30 ms: 6.2e-5 when w = 150 ms (the paper's range),
// 1.3e-8 for our 400-800 ms.
// Reference: section 5.2
func TestPaperElectionTimeoutsRandomized2A(t *testing.T) {
	const gaps = 12
	const minSpread = 30 * time.Millisecond
	p := newPaperNet(t, 3)
	defer p.cleanup()

	starts := campaignStarts(t, p.fakes[1], gaps+1)
	timeouts := make([]time.Duration, gaps)
	for k := range timeouts {
		timeouts[k] = starts[k+1].Sub(starts[k])
	}
	sorted := append([]time.Duration(nil), timeouts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	spread := sorted[gaps-2] - sorted[1]
	if spread < minSpread {
		t.Fatalf("real peer's election timeouts (gaps between its campaigns) %v spread over only %v "+
			"(shortest and longest left out); randomised timeouts spread over far more than %v",
			timeouts, spread, minSpread)
	}
	t.Logf("election timeouts %v: spread %v without the shortest and longest", timeouts, spread)
}

// campaignStarts waits for the real peer's first n campaigns (RequestVotes
// of successive new terms) and returns when each one's first RequestVote
// reached the fake f.
func campaignStarts(t *testing.T, f *fakePeer, n int) []time.Time {
	t.Helper()
	term := 0
	for k := 0; k < n; k++ {
		term = f.awaitVote(t, fmt.Sprintf("RequestVote of campaign %d (after term %d)", k+1, term),
			func(a raft.RequestVoteArgs) bool { return a.Term > term }).Term
	}
	votes, at := f.votesSeen()
	var starts []time.Time
	last := 0
	for k, a := range votes {
		if a.Term > last {
			starts = append(starts, at[k])
			last = a.Term
		}
	}
	return starts[:n]
}
