package raft_test

// The harness of the paper tests (paper_test.go): one real Raft peer on a
// labrpc network, every other peer a scripted fake, and the test itself able
// to act as a leader or candidate towards the real peer. A fake is served
// under the name "Raft" (labrpc.MakeNamedService), so it answers
// "Raft.RequestVote" like a real peer would.
//
// The real peer is observed only through its public face: GetState, what it
// delivers on applyCh, the RPCs it sends to the fakes (LeaderCommit reveals
// its commitIndex) and its replies to the test's RPCs. Only the fields of
// Figure 2 and Figure 13 are used, so that any Raft with the 6.824 API can
// be put under test; a fake leaves other reply fields (fast-backtracking
// hints and the like) at zero.

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// Timing of the paper tests. They are generous: a correct Raft must pass
// every run, even on a loaded machine.
const (
	// waitLong bounds every wait for something a correct Raft will do by
	// itself, such as winning an election (the testers allow 5 s).
	waitLong = 5 * time.Second
	// watchFor is how long a test watches for something a correct Raft
	// must never do; a buggy one does it on its first heartbeat.
	watchFor = 1500 * time.Millisecond
	// pollEvery is how often GetState is sampled while watching.
	pollEvery = 2 * time.Millisecond
	// termAhead is how far beyond the real peer's current term a test
	// playing leader or candidate starts: the real peer cannot get there
	// on its own during the few milliseconds the test needs.
	termAhead = 5
	// termJump is how far beyond the real peer's term a fake's reply
	// jumps: so far that the peer cannot reach it by campaigning during a
	// test, so having that term proves it adopted the reply's.
	termJump = 100
)

// fakePeer is a scripted fake peer: it records every RPC it receives and answers
// as the test's handler functions say. A handler may block (to hold a reply
// back until it is stale); it must then also watch the harness's stop
// channel, which cleanup closes.
type fakePeer struct {
	id int
	mu sync.Mutex // protects every field below
	// onVote, onAppend and onSnapshot compute the replies; nil means the
	// defaults: deny votes, accept appends and snapshots, in the caller's
	// term.
	onVote     func(args raft.RequestVoteArgs) raft.RequestVoteReply
	onAppend   func(args raft.AppendEntriesArgs) raft.AppendEntriesReply
	onSnapshot func(args raft.InstallSnapshotArgs) raft.InstallSnapshotReply
	// onPreVote answers PreVotes; nil means the default: would vote.
	onPreVote   func(args raft.RequestVoteArgs) raft.RequestVoteReply
	votes       []raft.RequestVoteArgs
	voteTimes   []time.Time // when each of votes arrived
	preVotes    []raft.RequestVoteArgs
	timeoutNows []timeoutNowArgs
	appends     []raft.AppendEntriesArgs
	snapshots   []raft.InstallSnapshotArgs
	changed     chan struct{} // closed and replaced whenever an RPC is recorded
}

func newFake(id int) *fakePeer {
	return &fakePeer{id: id, changed: make(chan struct{})}
}

// RequestVote records the request and answers it with onVote.
func (f *fakePeer) RequestVote(args *raft.RequestVoteArgs, reply *raft.RequestVoteReply) {
	f.mu.Lock()
	f.votes = append(f.votes, *args)
	f.voteTimes = append(f.voteTimes, time.Now())
	f.notifyLocked()
	handle := f.onVote
	f.mu.Unlock()
	if handle == nil {
		*reply = raft.RequestVoteReply{Term: args.Term, VoteGranted: false}
		return
	}
	*reply = handle(*args)
}

// PreVote answers a pre-vote (dissertation §9.6) of a Raft that asks for
// them before each election: the fake always says it would vote, in the
// asker's own term, so such a Raft goes on to the RequestVotes the tests
// script, as one without pre-vote does. Its arguments and reply have the
// same fields as RequestVote's, so the fake decodes them with those types
// and compiles against any Raft with the 6.824 API.
// A test may script other answers with scriptPreVotes.
func (f *fakePeer) PreVote(args *raft.RequestVoteArgs, reply *raft.RequestVoteReply) {
	f.mu.Lock()
	f.preVotes = append(f.preVotes, *args)
	f.notifyLocked()
	handle := f.onPreVote
	f.mu.Unlock()
	if handle == nil {
		*reply = raft.RequestVoteReply{Term: args.Term - 1, VoteGranted: true}
		return
	}
	*reply = handle(*args)
}

// timeoutNowArgs and timeoutNowReply have the fields of the TimeoutNow RPC
// of leadership transfer (dissertation §3.10), beside the lab API: the fake
// and the tests declare them here so that they compile against any Raft.
type timeoutNowArgs struct {
	Term     int
	LeaderId int
}

type timeoutNowReply struct {
	Term int
}

// TimeoutNow records a leader's request to start an election at once and
// answers in the leader's term without starting one.
func (f *fakePeer) TimeoutNow(args *timeoutNowArgs, reply *timeoutNowReply) {
	f.mu.Lock()
	f.timeoutNows = append(f.timeoutNows, *args)
	f.notifyLocked()
	f.mu.Unlock()
	reply.Term = args.Term
}

// AppendEntries records the request and answers it with onAppend.
func (f *fakePeer) AppendEntries(args *raft.AppendEntriesArgs, reply *raft.AppendEntriesReply) {
	f.mu.Lock()
	f.appends = append(f.appends, *args)
	f.notifyLocked()
	handle := f.onAppend
	f.mu.Unlock()
	if handle == nil {
		*reply = raft.AppendEntriesReply{Term: args.Term, Success: true}
		return
	}
	*reply = handle(*args)
}

// InstallSnapshot records the request and answers it with onSnapshot.
func (f *fakePeer) InstallSnapshot(args *raft.InstallSnapshotArgs, reply *raft.InstallSnapshotReply) {
	f.mu.Lock()
	f.snapshots = append(f.snapshots, *args)
	f.notifyLocked()
	handle := f.onSnapshot
	f.mu.Unlock()
	if handle == nil {
		*reply = raft.InstallSnapshotReply{Term: args.Term}
		return
	}
	*reply = handle(*args)
}

// notifyLocked wakes everyone waiting for a new RPC. Caller holds f.mu.
func (f *fakePeer) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// script sets the fake's handlers; a nil handler keeps its default.
func (f *fakePeer) script(vote func(raft.RequestVoteArgs) raft.RequestVoteReply,
	appendEntries func(raft.AppendEntriesArgs) raft.AppendEntriesReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onVote = vote
	f.onAppend = appendEntries
}

// scriptVotes sets only the fake's RequestVote handler; nil restores the
// default (deny).
func (f *fakePeer) scriptVotes(vote func(raft.RequestVoteArgs) raft.RequestVoteReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onVote = vote
}

// scriptPreVotes sets the fake's PreVote handler; nil restores the default
// (would vote).
func (f *fakePeer) scriptPreVotes(preVote func(raft.RequestVoteArgs) raft.RequestVoteReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onPreVote = preVote
}

// scriptSnapshot sets the fake's InstallSnapshot handler; nil restores the
// default (accept).
func (f *fakePeer) scriptSnapshot(install func(raft.InstallSnapshotArgs) raft.InstallSnapshotReply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onSnapshot = install
}

// votesSeen returns a copy of every RequestVote received so far and when
// each arrived.
func (f *fakePeer) votesSeen() ([]raft.RequestVoteArgs, []time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]raft.RequestVoteArgs(nil), f.votes...), append([]time.Time(nil), f.voteTimes...)
}

// appendsSeen returns a copy of every AppendEntries received so far.
func (f *fakePeer) appendsSeen() []raft.AppendEntriesArgs {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]raft.AppendEntriesArgs(nil), f.appends...)
}

// awaitVote waits up to waitLong for a RequestVote satisfying ok and
// returns it, failing the test if none arrives.
func (f *fakePeer) awaitVote(t *testing.T, what string, ok func(raft.RequestVoteArgs) bool) raft.RequestVoteArgs {
	t.Helper()
	var found raft.RequestVoteArgs
	f.await(t, what, func() bool {
		for _, a := range f.votes {
			if ok(a) {
				found = a
				return true
			}
		}
		return false
	})
	return found
}

// awaitAppend waits up to waitLong for an AppendEntries satisfying ok and
// returns it, failing the test if none arrives.
func (f *fakePeer) awaitAppend(t *testing.T, what string, ok func(raft.AppendEntriesArgs) bool) raft.AppendEntriesArgs {
	t.Helper()
	var found raft.AppendEntriesArgs
	f.await(t, what, func() bool {
		for _, a := range f.appends {
			if ok(a) {
				found = a
				return true
			}
		}
		return false
	})
	return found
}

// awaitSnapshot waits up to waitLong for an InstallSnapshot satisfying ok
// and returns it, failing the test if none arrives.
func (f *fakePeer) awaitSnapshot(t *testing.T, what string, ok func(raft.InstallSnapshotArgs) bool) raft.InstallSnapshotArgs {
	t.Helper()
	var found raft.InstallSnapshotArgs
	f.await(t, what, func() bool {
		for _, a := range f.snapshots {
			if ok(a) {
				found = a
				return true
			}
		}
		return false
	})
	return found
}

// await waits up to waitLong for seen, which runs with f.mu held, to report
// true, failing the test (with what) if it does not.
func (f *fakePeer) await(t *testing.T, what string, seen func() bool) {
	t.Helper()
	deadline := time.After(waitLong)
	for {
		f.mu.Lock()
		if seen() {
			f.mu.Unlock()
			return
		}
		changed := f.changed
		f.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("fake S%d: no %s within %v", f.id, what, waitLong)
		}
	}
}

// lastIndexSent is the index of the last entry an AppendEntries carries (or
// its PrevLogIndex for a heartbeat).
func lastIndexSent(a raft.AppendEntriesArgs) int {
	return a.PrevLogIndex + len(a.Entries)
}

// paperNet is one paper test's cluster: the real peer is server 0, fakes
// are servers 1..n-1, and the test's own end ("tester") reaches server 0.
type paperNet struct {
	t         *testing.T
	net       *labrpc.Network
	n         int
	fakes     []*fakePeer // fakes[0] is nil: server 0 is the real peer
	stop      chan struct{}
	tester    *labrpc.ClientEnd
	persister *raft.Persister

	mu      sync.Mutex // protects rf, applied and appliedChanged
	rf      *raft.Raft // the current instance of the real peer
	applied []raft.ApplyMsg
	// appliedChanged is closed and replaced whenever a message arrives.
	appliedChanged chan struct{}
	incarnation    int // numbers the real peer's instances, for end names
}

// newPaperNet starts a cluster of n peers: a real one and n-1 fakes with
// default scripts. Tests defer cleanup.
func newPaperNet(t *testing.T, n int) *paperNet {
	p := &paperNet{
		t:              t,
		net:            labrpc.MakeNetwork(),
		n:              n,
		fakes:          make([]*fakePeer, n),
		stop:           make(chan struct{}),
		persister:      raft.MakePersister(),
		appliedChanged: make(chan struct{}),
	}
	for i := 1; i < n; i++ {
		p.fakes[i] = newFake(i)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeNamedService("Raft", p.fakes[i]))
		p.net.AddServer(i, srv)
	}
	p.tester = p.net.MakeEnd("tester")
	p.net.Connect("tester", 0)
	p.net.Enable("tester", true)
	p.startReal()
	return p
}

// startReal starts a new instance of the real peer on the persister's
// state, with fresh ends, and puts it on the network as server 0.
func (p *paperNet) startReal() {
	p.mu.Lock()
	p.incarnation++
	gen := p.incarnation
	p.mu.Unlock()
	ends := make([]*labrpc.ClientEnd, p.n)
	for j := 0; j < p.n; j++ {
		name := fmt.Sprintf("real%d-%d", gen, j)
		ends[j] = p.net.MakeEnd(name)
		p.net.Connect(name, j)
		p.net.Enable(name, true)
	}
	applyCh := make(chan raft.ApplyMsg)
	go p.drain(applyCh)
	rf := raft.Make(ends, 0, p.persister, applyCh)
	p.mu.Lock()
	p.rf = rf
	p.mu.Unlock()
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(rf))
	p.net.AddServer(0, srv)
}

// restartReal crashes the real peer and starts it again from a copy of
// what it persisted, as the 6.824 tester does.
func (p *paperNet) restartReal() {
	p.net.DeleteServer(0)
	p.mu.Lock()
	old := p.rf
	p.rf = nil
	p.mu.Unlock()
	p.persister = p.persister.Copy()
	old.Kill()
	p.startReal()
}

// drain collects what the real peer applies until cleanup.
func (p *paperNet) drain(applyCh chan raft.ApplyMsg) {
	for {
		select {
		case m := <-applyCh:
			p.mu.Lock()
			p.applied = append(p.applied, m)
			close(p.appliedChanged)
			p.appliedChanged = make(chan struct{})
			p.mu.Unlock()
		case <-p.stop:
			return
		}
	}
}

// real returns the current instance of the real peer.
func (p *paperNet) real() *raft.Raft {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rf
}

// appliedSoFar returns a copy of everything the real peer has applied.
func (p *paperNet) appliedSoFar() []raft.ApplyMsg {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]raft.ApplyMsg(nil), p.applied...)
}

// awaitApplied waits up to waitLong for the real peer to have applied at
// least n messages and returns all of them.
func (p *paperNet) awaitApplied(n int) []raft.ApplyMsg {
	p.t.Helper()
	deadline := time.After(waitLong)
	for {
		p.mu.Lock()
		if len(p.applied) >= n {
			msgs := append([]raft.ApplyMsg(nil), p.applied...)
			p.mu.Unlock()
			return msgs
		}
		changed := p.appliedChanged
		p.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			p.t.Fatalf("real peer applied %s within %v; want at least %d messages",
				describeApplied(p.appliedSoFar()), waitLong, n)
		}
	}
}

// describeApplied lays out applied messages compactly: "3:c" for command
// c at index 3, "snapshot 5/T2" for a snapshot through index 5 of term 2.
func describeApplied(msgs []raft.ApplyMsg) string {
	parts := make([]string, len(msgs))
	for k, m := range msgs {
		switch {
		case m.CommandValid:
			parts[k] = fmt.Sprintf("%d:%v", m.CommandIndex, m.Command)
		case m.SnapshotValid:
			parts[k] = fmt.Sprintf("snapshot %d/T%d", m.SnapshotIndex, m.SnapshotTerm)
		default:
			parts[k] = fmt.Sprintf("%+v", m)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// checkCommands fails the test unless msgs are exactly the commands want,
// applied at indices 1, 2, ...
func (p *paperNet) checkCommands(msgs []raft.ApplyMsg, want ...interface{}) {
	p.t.Helper()
	if len(msgs) != len(want) {
		p.t.Fatalf("real peer applied %s; want commands %v at indices 1..%d", describeApplied(msgs), want, len(want))
	}
	for k, m := range msgs {
		if !m.CommandValid || m.CommandIndex != k+1 || m.Command != want[k] {
			p.t.Fatalf("real peer applied %s; want commands %v at indices 1..%d", describeApplied(msgs), want, len(want))
		}
	}
}

// term returns the real peer's current term.
func (p *paperNet) term() int {
	term, _ := p.real().GetState()
	return term
}

// awaitLeader waits up to waitLong for the real peer to lead a term after
// after, and returns that term.
func (p *paperNet) awaitLeader(after int) int {
	p.t.Helper()
	deadline := time.Now().Add(waitLong)
	for time.Now().Before(deadline) {
		if term, isLeader := p.real().GetState(); isLeader && term > after {
			return term
		}
		time.Sleep(pollEvery)
	}
	term, isLeader := p.real().GetState()
	p.t.Fatalf("real peer did not become leader of a term after %d within %v (term %d, leader %v)",
		after, waitLong, term, isLeader)
	return -1
}

// electReal has every fake grant its vote until the real peer leads a term
// after after, then deny votes again (so the peer cannot quietly win a
// later election), and returns the term it leads.
func (p *paperNet) electReal(after int) int {
	p.t.Helper()
	for i := 1; i < p.n; i++ {
		p.fakes[i].scriptVotes(grantVotes)
	}
	term := p.awaitLeader(after)
	for i := 1; i < p.n; i++ {
		p.fakes[i].scriptVotes(nil)
	}
	return term
}

// awaitAdoptedTerm waits up to waitLong for the real peer to reach a term of
// at least high, which an RPC reply (described by from) carried, and fails
// if it does not, or if it still claims to lead in high: it can only have
// jumped to high as a follower. Fakes must deny votes meanwhile.
func (p *paperNet) awaitAdoptedTerm(high int, from string) {
	p.t.Helper()
	deadline := time.Now().Add(waitLong)
	for {
		term, isLeader := p.real().GetState()
		if term >= high {
			if isLeader && term == high {
				p.t.Fatalf("real peer adopted term %d from %s but still claims to lead it", high, from)
			}
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("real peer is in term %d (leader %v) %v after %s carried term %d: "+
				"a higher term in a reply must be adopted at once", term, isLeader, waitLong, from, high)
		}
		time.Sleep(pollEvery)
	}
}

// hold blocks until gate is closed and reports true, or reports false when
// the test is over. Scripted handlers use it to keep a reply back.
func (p *paperNet) hold(gate <-chan struct{}) bool {
	select {
	case <-gate:
		return true
	case <-p.stop:
		return false
	}
}

// appendEntries sends an AppendEntries from the test (acting as a leader)
// to the real peer and returns the reply.
func (p *paperNet) appendEntries(args raft.AppendEntriesArgs) raft.AppendEntriesReply {
	p.t.Helper()
	var reply raft.AppendEntriesReply
	if !p.tester.Call("Raft.AppendEntries", &args, &reply) {
		p.t.Fatalf("AppendEntries %+v to the real peer got no reply", args)
	}
	return reply
}

// requestVote sends a RequestVote from the test (acting as a candidate) to
// the real peer and returns the reply.
func (p *paperNet) requestVote(args raft.RequestVoteArgs) raft.RequestVoteReply {
	p.t.Helper()
	var reply raft.RequestVoteReply
	if !p.tester.Call("Raft.RequestVote", &args, &reply) {
		p.t.Fatalf("RequestVote %+v to the real peer got no reply", args)
	}
	return reply
}

// installSnapshot sends an InstallSnapshot from the test (acting as a
// leader) to the real peer and returns the reply.
func (p *paperNet) installSnapshot(args raft.InstallSnapshotArgs) raft.InstallSnapshotReply {
	p.t.Helper()
	var reply raft.InstallSnapshotReply
	if !p.tester.Call("Raft.InstallSnapshot", &args, &reply) {
		p.t.Fatalf("InstallSnapshot (index %d) to the real peer got no reply", args.LastIncludedIndex)
	}
	return reply
}

// cleanup releases blocked fakes, kills the real peer and shuts the
// network down.
func (p *paperNet) cleanup() {
	close(p.stop)
	p.real().Kill()
	p.net.Cleanup()
}

// grantVotes is a fake vote handler that grants every vote.
func grantVotes(args raft.RequestVoteArgs) raft.RequestVoteReply {
	return raft.RequestVoteReply{Term: args.Term, VoteGranted: true}
}

// emptyLog is a fake append handler for a follower whose log is empty: it
// rejects every AppendEntries that builds on an entry, making any leader
// back up (Figure 2's fields only; no fast-backtracking hint).
func emptyLog(args raft.AppendEntriesArgs) raft.AppendEntriesReply {
	return raft.AppendEntriesReply{Term: args.Term, Success: args.PrevLogIndex == 0}
}

// commitAndSnapshot has the test, as leader S1 of a term ahead of the real
// peer, give it entries 1..n (commands 1..n), committed, waits until it
// applies them, and then has it snapshot through n as a service would. It
// returns that term.
func (p *paperNet) commitAndSnapshot(n int) int {
	p.t.Helper()
	term := p.term() + termAhead
	cmds := make([]interface{}, n)
	for k := range cmds {
		cmds[k] = k + 1
	}
	r := p.appendEntries(raft.AppendEntriesArgs{Term: term, LeaderId: 1, Entries: entries(term, cmds...), LeaderCommit: n})
	if !r.Success {
		p.t.Fatalf("real peer rejected entries 1..%d on an empty log: %+v", n, r)
	}
	p.checkCommands(p.awaitApplied(n), cmds...)
	p.real().Snapshot(n, []byte(fmt.Sprintf("snapshot through %d", n)))
	return term
}

// entries builds log entries of term for commands.
func entries(term int, commands ...interface{}) []raft.LogEntry {
	es := make([]raft.LogEntry, len(commands))
	for k, c := range commands {
		es[k] = raft.LogEntry{Term: term, Command: c}
	}
	return es
}
