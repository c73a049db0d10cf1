package raft

// The bound of flow control (flowcontrol.go) at its edges. Claims:
//   - a state of exactly maxStateBytes is over the bound (the bound is
//     "n bytes or more"), one byte less is not;
//   - a state whose committed entries are all compacted already is not
//     held back, whatever its size: waiting for a snapshot could not help.

import "testing"

func TestStateBoundAtItsEdges(t *testing.T) {
	rf := backloggedPeer(t)
	rf.mu.Lock()
	defer rf.mu.Unlock()
	size := rf.stream.buf.size
	rf.settings.maxStateBytes = size
	if !rf.stateOverBound() {
		t.Errorf("a state of %d bytes with a bound of %d bytes is not over it", size, size)
	}
	rf.settings.maxStateBytes = size + 1
	if rf.stateOverBound() {
		t.Errorf("a state of %d bytes with a bound of %d bytes is over it", size, size+1)
	}
}

func TestStateBoundIgnoresCompactedCommits(t *testing.T) {
	rf := backloggedPeer(t)
	rf.Snapshot(10, []byte("snapshot through 10"))
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.commitIndex = 10 // every committed entry is in the snapshot
	rf.settings.maxStateBytes = 1
	if rf.stateOverBound() {
		t.Errorf("commitIndex %d = snapshot index %d: nothing to compact, yet the state counts as over the bound",
			rf.commitIndex, rf.log.snapshotIndex())
	}
	rf.commitIndex = 11
	if !rf.stateOverBound() {
		t.Errorf("entry 11 committed and not compacted, state of %d bytes, bound 1: not over the bound", rf.stream.buf.size)
	}
}
