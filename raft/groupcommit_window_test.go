package raft

// The group saver (groupcommit.go) in its window: a save being written outside
// rf.mu, held there by a persister that blocks on cue. Claims:
//   - an AppendEntries answers Success only once every entry it relies on
//     is saved, also when those entries were encoded by an earlier call
//     and their write is still in flight;
//   - a save asked for while the saver writes an earlier one is written
//     too, before its asker is told it is done;
//   - saves reach the persister in the order their states were encoded: a
//     synchronous save (a vote) made while the saver's write is in flight
//     lands after it, never before it to be overwritten by it.

import (
	"sync"
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// gatedSaver stands in for the persister's chunk-saving path: once armed,
// each write reports on blocked and waits until gate is closed, then goes
// to the persister through its plain Save.
type gatedSaver struct {
	p         *Persister
	mu        sync.Mutex
	gate      chan struct{} // nil: writes go through at once
	firstOnly bool          // the gate holds only the first write after arm
	holding   bool          // a write waits at the gate
	overtook  bool          // a write went through while an earlier one waited
	blocked   chan struct{}
	once      sync.Once
}

func (g *gatedSaver) saveChunks(full [][]byte, last []byte, snapshot []byte) {
	g.mu.Lock()
	gate := g.gate
	if g.holding {
		g.overtook = true
	}
	if gate != nil && g.firstOnly && g.holding {
		gate = nil
	}
	if gate != nil {
		g.holding = true
	}
	g.mu.Unlock()
	if gate != nil {
		g.blocked <- struct{}{}
		<-gate
		g.mu.Lock()
		g.holding = false
		if g.firstOnly {
			g.gate = nil
		}
		g.mu.Unlock()
	}
	state := append([]byte(nil), last...)
	if len(full) > 0 {
		state = nil
		for _, c := range full {
			state = append(state, c...)
		}
		state = append(state, last...)
	}
	g.p.Save(state, snapshot)
}

// arm makes later writes wait for release.
func (g *gatedSaver) arm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate = make(chan struct{})
}

// release lets every write go through, now and later.
func (g *gatedSaver) release() {
	g.once.Do(func() {
		g.mu.Lock()
		close(g.gate)
		g.mu.Unlock()
	})
}

// gatedFollower is a follower with its saver running and its writes going
// through a gatedSaver; it has no ticker, so it never campaigns. It has
// taken term from a heartbeat of leader 1. The test must release the saver
// before it kills the peer (Kill waits for the write in flight).
func gatedFollower(t *testing.T, term int) (*Raft, *gatedSaver, *Persister) {
	t.Helper()
	p := MakePersister()
	rf := newRaft(make([]*labrpc.ClientEnd, 3), 0, p, make(chan ApplyMsg, 10))
	g := &gatedSaver{p: p, blocked: make(chan struct{}, 10)}
	rf.mu.Lock()
	rf.chunkSaver = g
	rf.saver.running = true
	rf.mu.Unlock()
	go rf.saveLoop()
	var reply AppendEntriesReply
	rf.AppendEntries(&AppendEntriesArgs{Term: term, LeaderId: 1}, &reply)
	if !reply.Success {
		t.Fatalf("heartbeat of term %d refused: %+v", term, reply)
	}
	return rf, g, p
}

// goAppend runs an AppendEntries handler call in its own goroutine.
func goAppend(rf *Raft, args AppendEntriesArgs) <-chan AppendEntriesReply {
	ch := make(chan AppendEntriesReply, 1)
	go func() {
		var reply AppendEntriesReply
		rf.AppendEntries(&args, &reply)
		ch <- reply
	}()
	return ch
}

// awaitSaveRequests waits until the saver has been asked for n saves in
// all, or until reply arrives; it reports which came first.
func awaitSaveRequests(t *testing.T, rf *Raft, n uint64, reply <-chan AppendEntriesReply) (AppendEntriesReply, bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		select {
		case r := <-reply:
			return r, true
		default:
		}
		rf.mu.Lock()
		asked := rf.saver.requested
		rf.mu.Unlock()
		if asked >= n {
			return AppendEntriesReply{}, false
		}
		if time.Now().After(deadline) {
			t.Fatalf("the handler neither returned nor asked the saver for save %d within 5 s (asked %d)", n, asked)
		}
		time.Sleep(time.Millisecond) // polling a condition, not timing a race
	}
}

// TestAppendAckWaitsForSaveInFlight: entry 1 is encoded by the saver, whose
// write is held outside the lock; a second AppendEntries carrying the same
// entry finds nothing unsaved in memory, but must not answer Success until
// the write lands: the leader would count a copy a crash can still erase.
func TestAppendAckWaitsForSaveInFlight(t *testing.T) {
	const term = 3
	rf, g, p := gatedFollower(t, term)
	defer rf.Kill()
	defer g.release()
	g.arm()
	args := AppendEntriesArgs{Term: term, LeaderId: 1, Entries: []LogEntry{{Term: term, Command: "a"}}}
	first := goAppend(rf, args)
	<-g.blocked // the saver is writing entry 1 outside the lock
	second := goAppend(rf, args)
	if r, returned := awaitSaveRequests(t, rf, 2, second); returned {
		if saved := savedLastIndex(p); r.Success && saved < 1 {
			t.Fatalf("the repeated AppendEntries answered Success while entry 1 was still being written (saved through %d)", saved)
		}
	}
	g.release()
	for _, ch := range []<-chan AppendEntriesReply{first, second} {
		if r := <-ch; !r.Success {
			t.Fatalf("AppendEntries failed once the write landed: %+v", r)
		}
	}
	if saved := savedLastIndex(p); saved < 1 {
		t.Fatalf("both calls answered, but the disk holds entries through %d only", saved)
	}
}

// TestSaveAskedDuringWriteIsWritten: while the saver writes entry 1, a
// second call appends entry 2 and asks for a save; once the first write
// lands the saver must write entry 2 too before the second call answers.
func TestSaveAskedDuringWriteIsWritten(t *testing.T) {
	const term = 3
	rf, g, p := gatedFollower(t, term)
	defer rf.Kill()
	defer g.release()
	g.arm()
	one := LogEntry{Term: term, Command: "a"}
	first := goAppend(rf, AppendEntriesArgs{Term: term, LeaderId: 1, Entries: []LogEntry{one}})
	<-g.blocked
	second := goAppend(rf, AppendEntriesArgs{Term: term, LeaderId: 1, Entries: []LogEntry{one, {Term: term, Command: "b"}}})
	if _, returned := awaitSaveRequests(t, rf, 2, second); returned {
		t.Fatalf("the call adding entry 2 returned while entry 1 was still being written")
	}
	g.release()
	if r := <-second; !r.Success {
		t.Fatalf("AppendEntries of entries 1..2 failed: %+v", r)
	} else if saved := savedLastIndex(p); saved < 2 {
		t.Fatalf("AppendEntries of entries 1..2 answered Success with the disk holding entries through %d", saved)
	}
	<-first
}

// TestSavesLandInOrder: while the saver's write of entry 1 is held, a
// candidate of a higher term asks for this peer's vote; the vote is saved
// synchronously, and must reach the persister after the saver's earlier
// state, or that state, landing later, would erase the vote (and the
// peer could vote twice in the term after a restart).
func TestSavesLandInOrder(t *testing.T) {
	const term = 3
	rf, g, p := gatedFollower(t, term)
	defer rf.Kill()
	defer g.release()
	g.mu.Lock()
	g.firstOnly = true
	g.mu.Unlock()
	g.arm()
	appended := goAppend(rf, AppendEntriesArgs{Term: term, LeaderId: 1, Entries: []LogEntry{{Term: term, Command: "a"}}})
	<-g.blocked
	voted := make(chan RequestVoteReply, 1)
	go func() {
		var reply RequestVoteReply
		rf.RequestVote(&RequestVoteArgs{Term: term + 1, CandidateId: 2, LastLogIndex: 1, LastLogTerm: term}, &reply)
		voted <- reply
	}()
	var vote RequestVoteReply
	select { // a correct peer's vote waits for the write ahead of it
	case vote = <-voted:
		g.release()
	case <-time.After(100 * time.Millisecond):
		g.release()
		vote = <-voted
	}
	if r := vote; !r.VoteGranted {
		t.Fatalf("the vote for an up-to-date candidate of term %d was refused: %+v", term+1, r)
	}
	<-appended
	g.mu.Lock()
	overtook := g.overtook
	g.mu.Unlock()
	if overtook {
		t.Errorf("a save reached the persister while an earlier one was still being written")
	}
	restarted := idlePeer(p.Copy())
	if restarted.currentTerm != term+1 || restarted.votedFor != 2 {
		t.Fatalf("after both saves a restart finds term %d, votedFor %d; want term %d, votedFor 2",
			restarted.currentTerm, restarted.votedFor, term+1)
	}
}
