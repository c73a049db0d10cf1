package raftkv

import (
	"bytes"
	"fmt"

	"miniraftkv/labgob"
	"miniraftkv/raft"
)

// snapshotState is what a snapshot holds: the map, the duplicate table (a
// retry arriving after a snapshot must still be recognised) and the index of
// the last entry reflected in them.
type snapshotState struct {
	LastApplied int
	Data        map[string]string
	LastSeq     map[int64]int64
}

// encodeSnapshot serialises the state machine. Caller holds kv.mu.
func (kv *KVServer) encodeSnapshot() []byte {
	var buf bytes.Buffer
	st := snapshotState{LastApplied: kv.lastApplied, Data: kv.data, LastSeq: kv.lastSeq}
	if err := labgob.NewEncoder(&buf).Encode(st); err != nil {
		panic(fmt.Sprintf("raftkv: S%d: encoding snapshot: %v", kv.me, err))
	}
	return buf.Bytes()
}

// decodeSnapshot parses a snapshot made by encodeSnapshot.
func decodeSnapshot(b []byte) (snapshotState, error) {
	var st snapshotState
	if err := labgob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return snapshotState{}, fmt.Errorf("raftkv: corrupt snapshot (%d bytes): %v", len(b), err)
	}
	if st.LastApplied < 0 {
		return snapshotState{}, fmt.Errorf("raftkv: corrupt snapshot: last applied index %d", st.LastApplied)
	}
	if st.Data == nil {
		st.Data = make(map[string]string)
	}
	if st.LastSeq == nil {
		st.LastSeq = make(map[int64]int64)
	}
	return st, nil
}

// maybeSnapshot hands Raft a snapshot through index when the persisted Raft
// state has reached maxraftstate and a snapshot would free enough of it.
// Called by the apply loop right after it applied index, so the state
// encoded is exactly the state through index.
//
// "Enough" keeps a server that has fallen behind from falling further:
// when its Raft state is mostly entries it has not applied yet, the size
// stays over maxraftstate after every snapshot, and snapshotting after each
// applied entry would encode the whole state machine once per entry. While
// the state is small a snapshot is worth it at once, as before.
func (kv *KVServer) maybeSnapshot(index int) {
	kv.pacer.applied++
	if kv.maxraftstate < 0 {
		return
	}
	size := kv.persister.RaftStateSize()
	if size < kv.maxraftstate || !kv.pacer.worthIt(size, kv.maxraftstate) {
		return
	}
	kv.mu.Lock()
	snap := kv.encodeSnapshot()
	kv.mu.Unlock()
	debugf(kv.me, unknownTerm, roleServer, topicSnap, "snapshot through %d: %d bytes (raft state %d >= %d)",
		index, len(snap), size, kv.maxraftstate)
	kv.rf.Snapshot(index, snap)
	kv.pacer.snapshotted(kv.persister.RaftStateSize())
}

// maxSnapshotDeferral is how many applied entries a snapshot waits for at
// most while the Raft state, though over maxraftstate, has hardly grown
// since the last snapshot.
const maxSnapshotDeferral = 8

// snapshotPacer decides when a snapshot frees enough to be worth its cost.
// Only the apply loop uses it.
type snapshotPacer struct {
	applied   int // entries applied since the last snapshot
	sizeAfter int // Raft state size right after the last snapshot
}

// worthIt reports whether a snapshot at Raft state size size is worth
// taking: the state grew by a quarter of maxraftstate since the last
// snapshot (what it freed was mostly applied entries, and will be again),
// or maxSnapshotDeferral entries were applied since.
func (p *snapshotPacer) worthIt(size, maxraftstate int) bool {
	return size-p.sizeAfter >= maxraftstate/4 || p.applied >= maxSnapshotDeferral
}

// snapshotted records a snapshot that left the Raft state at size bytes.
func (p *snapshotPacer) snapshotted(size int) {
	p.applied, p.sizeAfter = 0, size
}

// installSnapshot replaces the state machine with a snapshot Raft received
// from the leader, unless it is older than what is already applied.
func (kv *KVServer) installSnapshot(msg raft.ApplyMsg) {
	if !kv.rf.CondInstallSnapshot(msg.SnapshotTerm, msg.SnapshotIndex, msg.Snapshot) {
		return
	}
	st, err := decodeSnapshot(msg.Snapshot)
	if err != nil {
		panic(fmt.Sprintf("raftkv: S%d: snapshot from Raft at index %d: %v", kv.me, msg.SnapshotIndex, err))
	}
	kv.mu.Lock()
	if msg.SnapshotIndex <= kv.lastApplied {
		kv.mu.Unlock()
		return
	}
	kv.data, kv.lastSeq, kv.lastApplied = st.Data, st.LastSeq, msg.SnapshotIndex
	kv.releaseReads()
	stale := kv.takeWaitersThrough(msg.SnapshotIndex)
	kv.mu.Unlock()
	debugf(kv.me, msg.SnapshotTerm, roleServer, topicSnap, "installed snapshot through %d (%d keys)",
		msg.SnapshotIndex, len(st.Data))
	for _, w := range stale {
		w.done <- applyResult{Err: ErrWrongLeader} // buffered 1, one result each
	}
}

// restoreFromPersister loads the last snapshot at start-up, before Raft
// starts delivering the entries that follow it.
func (kv *KVServer) restoreFromPersister() {
	b := kv.persister.ReadSnapshot()
	if len(b) == 0 {
		return
	}
	st, err := decodeSnapshot(b)
	if err != nil {
		panic(fmt.Sprintf("raftkv: S%d: restoring from persister: %v", kv.me, err))
	}
	kv.data, kv.lastSeq, kv.lastApplied = st.Data, st.LastSeq, st.LastApplied
	debugf(kv.me, unknownTerm, roleServer, topicSnap, "restored snapshot through %d (%d keys)",
		st.LastApplied, len(st.Data))
}
