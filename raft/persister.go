package raft

import "sync"

// Persister holds a Raft peer's persistent state and the service's latest
// snapshot: the simulated "disk". The tester hands a peer a Copy of the
// previous instance's Persister on restart, so writes from a killed instance
// never reach its successor.
//
// The slices it holds are never modified in place: Save stores copies,
// saveChunks keeps chunks its caller never touches again, and reads return
// copies. That makes Copy cheap and every Save atomic.
//
// This file is one of the five a course may replace with its own copy
// (docs/course-files.md): Raft uses only the exported methods, and saveChunks
// through a run-time check, so a Persister without it works too.
type Persister struct {
	mu        sync.Mutex // protects raftstate, snapshot and writeThrough
	raftstate savedBytes
	snapshot  []byte
	// writeThrough, if set, receives every save (SetWriteThrough).
	writeThrough func(tail [][]byte, snapshot []byte, extends bool)
}

// savedBytes is the Raft state as the chunks it was handed over in (those
// of full, then last), joined only when read, so a save that extends the
// state costs nothing for the bytes saved before.
type savedBytes struct {
	full [][]byte
	last []byte
	size int // bytes in all chunks
}

// copied returns a copy of b as savedBytes of one chunk.
func copied(b []byte) savedBytes {
	if b == nil {
		return savedBytes{}
	}
	return savedBytes{last: clone(b), size: len(b)}
}

func (s savedBytes) join() []byte {
	if s.last == nil && len(s.full) == 0 {
		return nil
	}
	b := make([]byte, 0, s.size)
	for _, chunk := range s.full {
		b = append(b, chunk...)
	}
	return append(b, s.last...)
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

// Copy returns a new Persister holding the same state and snapshot. The
// copy writes through to nothing (SetWriteThrough).
func (ps *Persister) Copy() *Persister {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return &Persister{raftstate: ps.raftstate, snapshot: ps.snapshot}
}

// Save atomically replaces both the Raft state and the snapshot with copies
// of its arguments.
func (ps *Persister) Save(raftstate []byte, snapshot []byte) {
	ps.save(copied(raftstate), clone(snapshot))
}

// saveChunks is Save without the copies, for Raft's append-only state
// stream (statestream.go finds it with a type assertion): the Raft state is the
// chunks of full, then last, joined, and the Persister keeps full, the
// chunks and the snapshot as they are, so the caller must never modify
// them afterwards.
func (ps *Persister) saveChunks(full [][]byte, last []byte, snapshot []byte) {
	state := savedBytes{full: full, last: last, size: len(last)}
	for _, c := range full {
		state.size += len(c)
	}
	ps.save(state, snapshot)
}

func (ps *Persister) save(state savedBytes, snapshot []byte) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.store(state, snapshot)
}

// store makes state and snapshot the persisted ones, written through
// first if a writeThrough is set. Caller holds ps.mu.
func (ps *Persister) store(state savedBytes, snapshot []byte) {
	if ps.writeThrough != nil {
		tail, extends := state.tailAfter(ps.raftstate)
		if !sameBytes(snapshot, ps.snapshot) {
			extends = false
		}
		if !extends {
			tail = state.chunks()
		}
		ps.writeThrough(tail, snapshot, extends)
	}
	ps.raftstate = state
	ps.snapshot = snapshot
}

// SetWriteThrough makes every later save of ps call write before it
// returns, in the order of the saves, with ps's lock held: the way to keep
// the state outside the process too (package diskpersist does, on disk).
// It first calls write with what ps holds now, so write's store holds from
// then on exactly what ps holds. When extends is true, the save appended
// the bytes of tail's chunks to the Raft state and kept the snapshot (the
// usual save of Raft's append-only stream, see raft/statestream.go); otherwise
// the Raft state is now tail's chunks joined, and the snapshot is
// snapshot. write must not modify the chunks or the snapshot. A Copy does
// not write through.
//
// Raft does not use this method (docs/course-files.md, rule 2): a service that wants
// durable state finds it with an interface assertion on its *Persister.
func (ps *Persister) SetWriteThrough(write func(tail [][]byte, snapshot []byte, extends bool)) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.writeThrough = write
	if write != nil {
		write(ps.raftstate.chunks(), ps.snapshot, false)
	}
}

// chunks returns s's chunks in order, the last one included if not empty.
func (s savedBytes) chunks() [][]byte {
	out := append(make([][]byte, 0, len(s.full)+1), s.full...)
	if len(s.last) > 0 {
		out = append(out, s.last)
	}
	return out
}

// tailAfter reports whether s is prev with bytes appended, and returns the
// chunks that hold them. The chunks handed to saveChunks are never
// modified below their length, so s extends prev when its chunks begin
// with prev's own, the same memory, prev's last one perhaps grown since.
func (s savedBytes) tailAfter(prev savedBytes) ([][]byte, bool) {
	k := len(prev.full)
	if k > len(s.full) {
		return nil, false
	}
	for i := 0; i < k; i++ {
		if !sameBytes(s.full[i], prev.full[i]) {
			return nil, false
		}
	}
	rest := s.chunks()[k:]
	if len(prev.last) == 0 {
		return rest, true
	}
	if len(rest) == 0 || len(rest[0]) < len(prev.last) || &rest[0][0] != &prev.last[0] {
		return nil, false
	}
	rest[0] = rest[0][len(prev.last):]
	return rest, true
}

// sameBytes reports whether a and b are the same memory.
func sameBytes(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// SaveRaftState replaces the Raft state with a copy of its argument and keeps
// the snapshot. It is the older name used by lab code without snapshots.
func (ps *Persister) SaveRaftState(raftstate []byte) {
	state := copied(raftstate)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.store(state, ps.snapshot)
}

// SaveStateAndSnapshot is the older name of Save.
func (ps *Persister) SaveStateAndSnapshot(raftstate []byte, snapshot []byte) {
	ps.Save(raftstate, snapshot)
}

// ReadRaftState returns a copy of the Raft state (nil if none was saved).
func (ps *Persister) ReadRaftState() []byte {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.raftstate.join()
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
	return ps.raftstate.size
}

// SnapshotSize returns the size in bytes of the snapshot.
func (ps *Persister) SnapshotSize() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.snapshot)
}
