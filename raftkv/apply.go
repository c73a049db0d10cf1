package raftkv

import (
	"fmt"

	"miniraftkv/raft"
)

// applyLoop is the only goroutine that changes the state machine. It reads
// committed entries and snapshots from Raft in order until Kill.
func (kv *KVServer) applyLoop() {
	for {
		select {
		case <-kv.killed:
			return
		case msg := <-kv.applyCh:
			switch {
			case msg.CommandValid:
				kv.applyCommand(msg)
			case msg.SnapshotValid:
				kv.installSnapshot(msg)
			}
		}
	}
}

// applyCommand executes one committed entry, hands its result to the handler
// waiting at its index (if any), and snapshots if Raft's state has grown to
// maxraftstate.
func (kv *KVServer) applyCommand(msg raft.ApplyMsg) {
	op, ok := msg.Command.(Op)
	_, configChange := msg.Command.(raft.ConfigChange)
	if !ok && !configChange {
		panic(fmt.Sprintf("raftkv: S%d: committed entry %d holds a %T, not a raftkv.Op",
			kv.me, msg.CommandIndex, msg.Command))
	}
	kv.mu.Lock()
	if msg.CommandIndex <= kv.lastApplied {
		// Already covered by an installed or restored snapshot.
		kv.mu.Unlock()
		return
	}
	if msg.CommandIndex != kv.lastApplied+1 {
		last := kv.lastApplied
		kv.mu.Unlock()
		panic(fmt.Sprintf("raftkv: S%d: Raft applied index %d right after %d (gap in the apply stream)",
			kv.me, msg.CommandIndex, last))
	}
	// A membership change (raft.AddServer, RemoveServer) takes an index
	// and changes nothing here; a handler waiting at it lost its entry.
	res := applyResult{Err: ErrWrongLeader}
	if !configChange {
		res = kv.execute(op)
	}
	res.Term = msg.CommandTerm
	kv.lastApplied = msg.CommandIndex
	kv.releaseReads()
	w := kv.waiters[msg.CommandIndex]
	delete(kv.waiters, msg.CommandIndex)
	kv.mu.Unlock()

	debugf(kv.me, msg.CommandTerm, roleServer, topicApply, "applied %s %q for C%d#%d at %d: %s",
		op.Kind, op.Key, op.ClientId%10000, op.Seq, msg.CommandIndex, res.Err)
	// Snapshot before answering: a client that has its reply may look at
	// this server's state size at once (the testers do).
	kv.maybeSnapshot(msg.CommandIndex)
	if w != nil {
		w.done <- res // buffered 1, and each waiter gets one result: never blocks
	}
}

// execute applies op to the map once. A Put or Append whose Seq is not newer
// than the last one applied for its client is a retry of an operation that
// already took effect, so it is skipped. Gets change nothing, so re-running a
// retried Get is harmless and they are not recorded. Caller holds kv.mu.
func (kv *KVServer) execute(op Op) applyResult {
	res := applyResult{ClientId: op.ClientId, Seq: op.Seq, Err: OK}
	switch op.Kind {
	case kindGet:
		v, found := kv.data[op.Key]
		if !found {
			res.Err = ErrNoKey
		}
		res.Value = v
	case kindPut, kindAppend:
		if op.Seq <= kv.lastSeq[op.ClientId] {
			return res
		}
		kv.lastSeq[op.ClientId] = op.Seq
		if op.Kind == kindPut {
			kv.data[op.Key] = op.Value
		} else {
			kv.data[op.Key] += op.Value
		}
	default:
		panic(fmt.Sprintf("raftkv: S%d: committed Op of unknown kind %v", kv.me, op.Kind))
	}
	return res
}

// takeWaitersThrough unregisters and returns every handler waiting at an
// index <= index: a snapshot replaced those entries, so no result will come
// for them. Caller holds kv.mu.
func (kv *KVServer) takeWaitersThrough(index int) []*waiter {
	var taken []*waiter
	for i, w := range kv.waiters {
		if i <= index {
			taken = append(taken, w)
			delete(kv.waiters, i)
		}
	}
	return taken
}

// releaseReads lets go every Get waiting for a read index that is now
// applied. Caller holds kv.mu.
func (kv *KVServer) releaseReads() {
	waiting := kv.readWaiters[:0]
	for _, w := range kv.readWaiters {
		if w.index <= kv.lastApplied {
			close(w.ready)
		} else {
			waiting = append(waiting, w)
		}
	}
	clear(kv.readWaiters[len(waiting):])
	kv.readWaiters = waiting
}
