package raft

import (
	"strings"
	"testing"
	"time"
)

// backloggedPeer returns an idle follower whose persisted state is over its
// bound and whose entries 1..20 are all committed, none compacted: a
// follower whose service has fallen behind.
func backloggedPeer(t *testing.T) *Raft {
	rf := idlePeer(MakePersister())
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.currentTerm = 1
	for i := 0; i < 20; i++ {
		rf.log.append(LogEntry{Term: 1, Command: strings.Repeat("x", 50)})
	}
	rf.persist()
	rf.commitIndex = 20
	rf.settings.maxStateBytes = rf.stream.buf.size / 2
	if !rf.stateOverBound() {
		t.Fatalf("state of %d bytes with bound %d is not over it", rf.stream.buf.size, rf.settings.maxStateBytes)
	}
	return rf
}

// awaitCompactionInBackground runs awaitCompaction as a handler would and
// returns a channel closed when it returns.
func awaitCompactionInBackground(rf *Raft) chan struct{} {
	done := make(chan struct{})
	go func() {
		rf.mu.Lock()
		rf.awaitCompaction()
		rf.mu.Unlock()
		close(done)
	}()
	return done
}

// TestFollowerWaitsForSnapshotWhenOverStateBound: a follower over its state
// bound holds new entries back until its service snapshots, and goes on at
// once when it does.
func TestFollowerWaitsForSnapshotWhenOverStateBound(t *testing.T) {
	rf := backloggedPeer(t)
	done := awaitCompactionInBackground(rf)
	select {
	case <-done:
		t.Fatalf("awaitCompaction returned before any snapshot, state over its bound")
	case <-time.After(compactionWaitLimit / 5):
	}
	rf.Snapshot(20, []byte("snapshot"))
	select {
	case <-done:
	case <-time.After(compactionWaitLimit / 2):
		t.Fatalf("awaitCompaction still waiting after the service's snapshot")
	}
}

// TestFollowerStateWaitIsBounded: a service that never snapshots only slows
// its follower down: the wait ends after compactionWaitLimit, and at once
// when the peer is killed.
func TestFollowerStateWaitIsBounded(t *testing.T) {
	rf := backloggedPeer(t)
	start := time.Now()
	<-awaitCompactionInBackground(rf)
	if waited := time.Since(start); waited < compactionWaitLimit {
		t.Fatalf("awaitCompaction returned after %v, before its limit %v", waited, compactionWaitLimit)
	}
	done := awaitCompactionInBackground(rf)
	rf.Kill()
	select {
	case <-done:
	case <-time.After(compactionWaitLimit / 2):
		t.Fatalf("awaitCompaction still waiting after Kill")
	}
}

// TestStateBoundIgnoresUncommittedEntries: entries not yet committed cannot
// be compacted, so waiting for a snapshot could not help; a follower whose
// state is over the bound only because of them takes new entries at once.
func TestStateBoundIgnoresUncommittedEntries(t *testing.T) {
	rf := backloggedPeer(t)
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.commitIndex = 0
	if rf.stateOverBound() {
		t.Fatalf("no committed entry, yet the state counts as over the bound")
	}
	rf.settings.maxStateBytes = 0
	rf.commitIndex = 20
	if rf.stateOverBound() {
		t.Fatalf("no bound set, yet the state counts as over it")
	}
}
