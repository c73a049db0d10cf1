package raft_test

// Paper tests: each restates one sentence of the Raft paper (Ongaro and
// Ousterhout, "In Search of an Understandable Consensus Algorithm",
// extended version) and checks that one real peer obeys it, with the other
// peers played by scripted fakes (fakepeer_test.go). They catch buggy Rafts
// that the cluster tests of test_test.go rarely expose, because the
// situation needs a precise interleaving a real cluster seldom produces.

import (
	"math"
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
