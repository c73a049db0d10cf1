package raft

import (
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// savedLastIndex is the last log index in the state p holds, as a restart
// would see it.
func savedLastIndex(p *Persister) int {
	return idlePeer(p.Copy()).log.lastIndex()
}

// TestAppendEntriesSavedBeforeSuccess checks the saver's promise on the
// follower's side: by the time the AppendEntries handler answers Success,
// the entries are on disk. A handler that answered first and left the
// save to the saver would let a leader count entries a crash could erase
// from a majority. Each call races the saver, so the check is repeated.
func TestAppendEntriesSavedBeforeSuccess(t *testing.T) {
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	ends := make([]*labrpc.ClientEnd, 3)
	for i := range ends {
		ends[i] = net.MakeEnd(i) // connected to nothing: calls fail
	}
	p := MakePersister()
	rf := Make(ends, 0, p, make(chan ApplyMsg, 1000))
	defer rf.Kill()
	const term = 1000 // above any term the cut-off peer reaches on its own
	for i := 0; i < 300; i++ {
		args := AppendEntriesArgs{Term: term, LeaderId: 1, PrevLogIndex: i, PrevLogTerm: term,
			Entries: []LogEntry{{Term: term, Command: i}}}
		if i == 0 {
			args.PrevLogTerm = 0
		}
		var reply AppendEntriesReply
		rf.AppendEntries(&args, &reply)
		if !reply.Success {
			t.Fatalf("AppendEntries of entry %d failed: %+v", i+1, reply)
		}
		if saved := savedLastIndex(p); saved < i+1 {
			t.Fatalf("Success for entry %d, but the disk holds only up to %d", i+1, saved)
		}
	}
}

// TestLeaderCountsOnlySavedEntries checks the leader's side: a one-peer
// cluster commits an entry on its own copy alone, so it must have saved
// the entry before it applies it.
func TestLeaderCountsOnlySavedEntries(t *testing.T) {
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	p := MakePersister()
	applyCh := make(chan ApplyMsg)
	rf := Make([]*labrpc.ClientEnd{net.MakeEnd("self")}, 0, p, applyCh)
	defer rf.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for _, isLeader := rf.GetState(); !isLeader; _, isLeader = rf.GetState() {
		if time.Now().After(deadline) {
			t.Fatalf("a one-peer cluster elected no leader in 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := 1; i <= 300; i++ {
		index, _, ok := rf.Start(i)
		if !ok || index != i {
			t.Fatalf("Start(%d) = %d, %v", i, index, ok)
		}
		m := <-applyCh
		if m.CommandIndex != i {
			t.Fatalf("applied %d, want %d", m.CommandIndex, i)
		}
		if saved := savedLastIndex(p); saved < i {
			t.Fatalf("entry %d applied, but the disk holds only up to %d", i, saved)
		}
	}
}
