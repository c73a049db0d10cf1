package raft

import "sync"

// Persister holds a Raft peer's persistent state and the service's latest
// snapshot: the simulated "disk". The tester hands a peer a Copy of the
// previous instance's Persister on restart, so writes from a killed instance
// never reach its successor.
//
// The slices it holds are never modified in place: Save stores copies,
// SaveOwned stores slices its caller promises not to touch again, and reads
// return copies. That makes Copy cheap and every Save atomic.
type Persister struct {
	mu        sync.Mutex // protects raftstate and snapshot
	raftstate []byte
	snapshot  []byte
}

// MakePersister returns an empty Persister.
func MakePersister() *Persister {
	return &Persister{}
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// Copy returns a new Persister holding the same state and snapshot.
func (ps *Persister) Copy() *Persister {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return &Persister{raftstate: ps.raftstate, snapshot: ps.snapshot}
}

// Save atomically replaces both the Raft state and the snapshot with copies
// of its arguments.
func (ps *Persister) Save(raftstate []byte, snapshot []byte) {
	ps.SaveOwned(clone(raftstate), clone(snapshot))
}

// SaveOwned is Save without the copies: the Persister keeps the slices, and
// the caller must never modify them afterwards. It lets Raft persist an
// append-only encoding of its log in time proportional to what is new.
func (ps *Persister) SaveOwned(raftstate []byte, snapshot []byte) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.raftstate = raftstate
	ps.snapshot = snapshot
}

// SaveRaftState replaces the Raft state with a copy of its argument and keeps
// the snapshot. It is the older name used by lab code without snapshots.
func (ps *Persister) SaveRaftState(raftstate []byte) {
	state := clone(raftstate)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.raftstate = state
}

// SaveStateAndSnapshot is the older name of Save.
func (ps *Persister) SaveStateAndSnapshot(raftstate []byte, snapshot []byte) {
	ps.Save(raftstate, snapshot)
}

// ReadRaftState returns a copy of the Raft state (nil if none was saved).
func (ps *Persister) ReadRaftState() []byte {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return clone(ps.raftstate)
}

// ReadSnapshot returns a copy of the snapshot (nil if none was saved).
func (ps *Persister) ReadSnapshot() []byte {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return clone(ps.snapshot)
}

// RaftStateSize returns the size in bytes of the Raft state.
func (ps *Persister) RaftStateSize() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.raftstate)
}

// SnapshotSize returns the size in bytes of the snapshot.
func (ps *Persister) SnapshotSize() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.snapshot)
}
