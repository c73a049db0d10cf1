package rsm

import (
	"bytes"
	"fmt"

	"miniraftkv/labgob"
	"miniraftkv/raft"
)

// applyLoop is the only goroutine that calls the state machine. It applies
// committed entries and installs snapshots in Raft's order until Kill.
func (r *RSM) applyLoop() {
	for {
		select {
		case <-r.killed:
			return
		case msg := <-r.applyCh:
			switch {
			case msg.CommandValid:
				r.applyEntry(msg)
			case msg.SnapshotValid:
				r.installSnapshot(msg)
			}
		}
	}
}

// applyEntry applies one committed entry, hands the result to the Submit
// waiting at its index, and snapshots if the Raft state has grown to
// maxraftstate.
func (r *RSM) applyEntry(msg raft.ApplyMsg) {
	e, ok := msg.Command.(entry)
	if !ok {
		panic(fmt.Sprintf("rsm: S%d: committed entry %d holds a %T, not an rsm entry", r.me, msg.CommandIndex, msg.Command))
	}
	r.mu.Lock()
	if msg.CommandIndex <= r.lastApplied {
		r.mu.Unlock() // covered by a snapshot already installed
		return
	}
	if msg.CommandIndex != r.lastApplied+1 {
		last := r.lastApplied
		r.mu.Unlock()
		panic(fmt.Sprintf("rsm: S%d: Raft applied index %d right after %d", r.me, msg.CommandIndex, last))
	}
	r.mu.Unlock()
	var value interface{}
	if !isBlank(e) {
		value = r.sm.Apply(e.Cmd)
	}
	r.mu.Lock()
	r.lastApplied = msg.CommandIndex
	r.lastAppliedTerm = msg.CommandTerm
	r.releaseReads()
	w := r.waiters[msg.CommandIndex]
	delete(r.waiters, msg.CommandIndex)
	r.mu.Unlock()
	// Snapshot before answering: a client that has its reply may look at
	// the state size at once (the testers do).
	r.maybeSnapshot(msg.CommandIndex)
	if w != nil {
		w.done <- result{id: e.Id, value: value, ok: true}
	}
}

// maybeSnapshot hands Raft a snapshot through index once the persisted Raft
// state has reached maxraftstate.
func (r *RSM) maybeSnapshot(index int) {
	if r.maxraftstate < 0 || r.persister.RaftStateSize() < r.maxraftstate {
		return
	}
	var buf bytes.Buffer
	st := snapshotState{LastApplied: index, State: r.sm.Snapshot()}
	if err := labgob.NewEncoder(&buf).Encode(st); err != nil {
		panic(fmt.Sprintf("rsm: S%d: encoding snapshot: %v", r.me, err))
	}
	r.rf.Snapshot(index, buf.Bytes())
}

// installSnapshot replaces the state with a snapshot from the leader, unless
// it is older than what is already applied.
func (r *RSM) installSnapshot(msg raft.ApplyMsg) {
	if !r.rf.CondInstallSnapshot(msg.SnapshotTerm, msg.SnapshotIndex, msg.Snapshot) {
		return
	}
	st := decodeSnapshot(r.me, msg.Snapshot)
	r.mu.Lock()
	if msg.SnapshotIndex <= r.lastApplied {
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	r.sm.Restore(st.State)
	r.mu.Lock()
	r.lastApplied = msg.SnapshotIndex
	r.lastAppliedTerm = msg.SnapshotTerm
	r.releaseReads()
	r.mu.Unlock()
	// The entries the snapshot covers will not be applied one by one.
	r.failWaiters(func(index int, _ *waiter) bool { return index <= msg.SnapshotIndex })
}

// restoreFromPersister loads the last snapshot at start-up, before Raft
// delivers the entries that follow it.
func (r *RSM) restoreFromPersister() {
	b := r.persister.ReadSnapshot()
	if len(b) == 0 {
		return
	}
	st := decodeSnapshot(r.me, b)
	r.sm.Restore(st.State)
	r.lastApplied = st.LastApplied
}

func decodeSnapshot(me int, b []byte) snapshotState {
	var st snapshotState
	if err := labgob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		panic(fmt.Sprintf("rsm: S%d: corrupt snapshot (%d bytes): %v", me, len(b), err))
	}
	return st
}
