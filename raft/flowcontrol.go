package raft

import "time"

// A follower's persisted state holds the entries its service has not yet
// compacted into a snapshot, committed or not. Nothing in Figure 2 bounds
// how many there are: a follower whose applier or service falls a few
// milliseconds behind (a busy processor is enough) keeps saving the
// leader's entries while its service snapshots nothing, and on a fast
// cluster a few milliseconds are dozens of entries. A service that promises
// a bound on the persisted state (raftkv's maxraftstate; the testers check
// 2 x maxraftstate at any moment) needs the follower to stop taking entries
// until the service catches up and compacts: flow control in the spirit of
// the dissertation's chapter 5 (log compaction), where the state machine
// and the log must keep pace with each other.

// Claims, each checked by a test that fails when it is broken:
//   - safety (the bound): a state of exactly maxStateBytes holding
//     committed, uncompacted entries holds new entries back
//     (TestStateBoundAtItsEdges, TestFollowerWaitsForSnapshotWhenOverStateBound);
//   - liveness: nothing is held back when no snapshot could help: entries
//     only uncommitted, or every committed one compacted already
//     (TestStateBoundIgnoresUncommittedEntries, TestStateBoundIgnoresCompactedCommits);
//   - liveness: the wait ends at compactionWaitLimit, on a snapshot, or on
//     Kill (TestFollowerStateWaitIsBounded).

// compactionWaitLimit bounds how long an AppendEntries handler waits for
// the service to compact. It is far below the election timeout, so the
// leader's call returns long before this follower could time out; after it
// the entries are taken anyway, so a service that does not snapshot can
// only slow its follower down, never stop it.
const compactionWaitLimit = 50 * time.Millisecond

// SetMaxStateBytes asks a follower to take no new entries from the leader
// while its persisted state is n bytes or more and holds committed entries
// its service could compact, until the service calls Snapshot (for at most
// compactionWaitLimit per call). It goes beyond the lab API, for a service
// that snapshots once the state reaches a size below n and must keep the
// state bounded even when it falls behind. A leader's own Start is never
// held back. n <= 0 removes the bound. Options.MaxStateBytes, given to
// MakeWithOptions, sets it at construction, validated against
// Options.MaxAppendBytes.
func (rf *Raft) SetMaxStateBytes(n int) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.settings.maxStateBytes = n
}

// stateOverBound reports whether the persisted state has reached
// maxStateBytes while committed entries that a snapshot would free are
// still in the log. Caller holds rf.mu.
func (rf *Raft) stateOverBound() bool {
	return rf.settings.maxStateBytes > 0 && rf.stream.buf != nil &&
		rf.stream.buf.size >= rf.settings.maxStateBytes && rf.commitIndex > rf.log.snapshotIndex()
}

// awaitCompaction waits, for at most compactionWaitLimit, until the state
// is back under maxStateBytes, a snapshot arrives, or the peer is killed.
// rf.mu is released while waiting, so the caller must re-examine the state
// afterwards. Caller holds rf.mu.
func (rf *Raft) awaitCompaction() {
	if !rf.stateOverBound() {
		return
	}
	rf.dlog(topicPersist, "state %d bytes >= %d with entries %d..%d committed: waiting for a snapshot",
		rf.stream.buf.size, rf.settings.maxStateBytes, rf.log.firstIndex(), rf.commitIndex)
	expired := false
	timer := time.AfterFunc(compactionWaitLimit, func() {
		rf.mu.Lock()
		expired = true
		rf.compacted.Broadcast()
		rf.mu.Unlock()
	})
	defer timer.Stop()
	for !expired && !rf.killed() && rf.stateOverBound() {
		rf.compacted.Wait()
	}
}
