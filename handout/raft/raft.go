package raft

// This file holds a peer's state and the API the tester and the key/value
// service call. Read the lab guide (README.md) and Figure 2 of the Raft paper
// before writing code: Figure 2 is the specification you are implementing.
//
// The starting files are a skeleton. They compile, and every test fails
// cleanly until you fill in the TODOs. Split the code into files by concern
// as you go (election.go, replication.go, persist.go, snapshot.go are there
// to start you off); add helpers freely, but keep the exported names and
// signatures: the tester calls them.

import (
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"miniraftkv/labrpc"
)

// ApplyMsg is what a peer sends on applyCh. When an entry is committed it
// sends one message with CommandValid set (2B); to hand the service a
// snapshot it received from the leader it sends one with SnapshotValid set
// (2D). Exactly one of the two flags is set in any message.
type ApplyMsg struct {
	CommandValid bool        // this message carries a committed entry
	Command      interface{} // the command that was passed to Start
	CommandIndex int         // the entry's log index; the first entry has index 1
	CommandTerm  int         // the term in which the entry was created

	SnapshotValid bool   // this message carries a snapshot for the service
	Snapshot      []byte // the service's own encoding of its state
	SnapshotTerm  int    // term of the last entry the snapshot covers
	SnapshotIndex int    // index of the last entry the snapshot covers
}

// Raft is one Raft peer.
type Raft struct {
	// mu guards the peer's changing state. Hold it while you read or change
	// that state, but never while waiting for an RPC reply, sending on a
	// channel or sleeping: the whole peer would stop with you.
	mu sync.Mutex

	peers     []*labrpc.ClientEnd // one end per peer of the cluster; peers[me] is this peer's own
	persister *Persister          // where this peer saves its state (2C) and snapshots (2D)
	me        int                 // this peer's index in peers
	applyCh   chan ApplyMsg       // where committed entries and snapshots go, in log order
	done      chan struct{}       // closed by Kill; a goroutine waiting on it knows to stop
	dead      atomic.Bool         // set by Kill; read it with killed()

	// TODO(2A, 2B, 2C, 2D): add the state of Figure 2, grouped as the
	// figure groups it ("Persistent state on all servers", "Volatile state
	// on all servers", "Volatile state on leaders"), and what you need
	// beyond it: the peer's role (follower, candidate, leader), when its
	// election timeout expires, and later the snapshot's last index and term.
}

// Make creates a peer. peers holds an end for every peer of the cluster, in
// the same order on every peer; me is this peer's index in it. persister
// holds what a previous incarnation of this peer saved, if anything, and
// receives this one's state. Committed entries go to applyCh.
//
// Make must return quickly: start goroutines for the work that goes on
// (elections, heartbeats, applying entries) and return.
func Make(peers []*labrpc.ClientEnd, me int, persister *Persister, applyCh chan ApplyMsg) *Raft {
	rf := &Raft{
		peers:     peers,
		persister: persister,
		me:        me,
		applyCh:   applyCh,
		done:      make(chan struct{}),
	}
	// TODO(2A): initialise your state (Figure 2 says what each field
	// starts as), including a randomised election timeout (§5.2).

	rf.mu.Lock()
	rf.readPersist(persister.ReadRaftState()) // state saved before a crash (2C)
	rf.mu.Unlock()

	go rf.ticker()
	return rf
}

// GetState returns this peer's currentTerm and whether it believes it is
// the leader.
func (rf *Raft) GetState() (int, bool) {
	// TODO(2A): report the real values, read under rf.mu.
	term, isLeader := 0, false
	return term, isLeader
}

// Start asks the peer to add command to the replicated log. A peer that is
// not the leader (or has been killed) returns isLeader false and does
// nothing else. The leader appends the command to its own log and returns
// at once, without waiting for the entry to commit: it returns the index
// the entry will have if it is ever committed, and the current term. The
// service learns of the commit from applyCh.
func (rf *Raft) Start(command interface{}) (int, int, bool) {
	// TODO(2B): append the entry as leader and start sending it to the
	// followers right away: waiting for the next heartbeat makes the
	// service's speed tests fail (see the guide).
	index, term, isLeader := -1, -1, false
	return index, term, isLeader
}

// Kill stops the peer: the tester calls it when it crashes a peer or ends a
// test. Afterwards the peer must not send or answer RPCs, save state or
// apply entries, and every goroutine it started must end soon. Nothing may
// block forever after Kill.
func (rf *Raft) Kill() {
	if rf.dead.CompareAndSwap(false, true) {
		close(rf.done)
	}
	// TODO: wake whatever of yours sleeps on a condition variable, so that
	// it sees killed() and returns.
}

// killed reports whether Kill has been called. Long-running goroutines
// should check it (or wait on rf.done) so that they end after Kill.
func (rf *Raft) killed() bool {
	return rf.dead.Load()
}

// ticker is the peer's clock (2A). It wakes every tick, at a slightly
// random moment so that the peers do not act in step, until Kill.
func (rf *Raft) ticker() {
	for {
		// A tick of 30 to 50 ms is fine-grained enough for election
		// timeouts of several hundred milliseconds; choose your own.
		tick := time.NewTimer(time.Duration(30+rand.Intn(20)) * time.Millisecond)
		select {
		case <-rf.done:
			tick.Stop()
			return
		case <-tick.C:
		}
		// TODO(2A): with rf.mu held, decide what is due. A follower or
		// candidate that has heard from no leader and granted no vote
		// for a whole election timeout starts an election (§5.2; the
		// rules for candidates in Figure 2). A leader sends heartbeats,
		// at most ten per second in all (see the guide). Send RPCs from
		// goroutines of their own (election.go shows how), never while
		// holding rf.mu.
	}
}
