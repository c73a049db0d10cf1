package raftkv

// The key/value server (3A, 3B): a replicated state machine on top of your
// Raft (§8 of the paper for what clients need, §7 for snapshots).

import (
	"sync"
	"sync/atomic"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// Op is the command a KVServer hands to Raft with Start: everything a
// replica needs to apply the operation when it comes back on applyCh.
type Op struct {
	// TODO(3A): e.g. the kind of operation, key, value, and what
	// identifies the request so that a retried one is applied only once.
	// Exported fields only: the log carries Ops through labgob.
}

// KVServer is one replica of the key/value service.
type KVServer struct {
	mu           sync.Mutex         // guards the state below that changes; say so for each field you add
	me           int                // this server's index among the servers
	rf           *raft.Raft         // this server's Raft peer (the testers read it: keep the name)
	applyCh      chan raft.ApplyMsg // where rf delivers committed Ops and snapshots (keep the name)
	done         chan struct{}      // closed by Kill; a goroutine waiting on it knows to stop
	dead         atomic.Bool        // set by Kill; read it with killed()
	maxraftstate int                // snapshot when Raft's saved state reaches this many bytes; -1: never

	// TODO(3A, 3B): the key/value data, what you need to detect duplicate
	// requests, and how a handler learns that its Op has been applied.
}

// StartKVServer starts a replica. servers are the ends of every replica's
// Raft peer (servers[me] is this one's), persister holds what this replica
// saved before a crash (Raft's state and the latest snapshot), and
// maxraftstate is the size in bytes of Raft's saved state at which the
// replica should snapshot (-1: never). It must return quickly, leaving the
// work to goroutines.
func StartKVServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int) *KVServer {
	// Ops travel through Raft's log inside interface{} values; labgob must
	// know their type to encode and decode them.
	labgob.Register(Op{})

	kv := &KVServer{
		me:           me,
		applyCh:      make(chan raft.ApplyMsg),
		done:         make(chan struct{}),
		maxraftstate: maxraftstate,
	}
	// TODO(3A): initialise your state. TODO(3B): restore it from
	// persister.ReadSnapshot() first.
	kv.rf = raft.Make(servers, me, persister, kv.applyCh)
	go kv.applier()
	return kv
}

// Get is the handler of the KVServer.Get RPC.
func (kv *KVServer) Get(args *GetArgs, reply *GetReply) {
	// TODO(3A): hand an Op to kv.rf.Start, wait until it is applied (or
	// until it is clear it never will be: a lost leadership, a different
	// Op at its index) and answer. A server that is not the leader answers
	// ErrWrongLeader at once.
	reply.Err = ErrWrongLeader
}

// PutAppend is the handler of the KVServer.PutAppend RPC.
func (kv *KVServer) PutAppend(args *PutAppendArgs, reply *PutAppendReply) {
	// TODO(3A): as Get. Never hold kv.mu while waiting.
	reply.Err = ErrWrongLeader
}

// applier reads what Raft delivers on applyCh until Kill: committed Ops
// to apply to the data (3A) and snapshots to install (3B). It must keep
// reading, or Raft stalls.
func (kv *KVServer) applier() {
	for {
		var msg raft.ApplyMsg
		select {
		case <-kv.done:
			return
		case msg = <-kv.applyCh:
		}
		// TODO(3A): apply msg.Command (an Op) if msg.CommandValid, once per
		// request, and tell the handler waiting for it.
		// TODO(3B): install msg.Snapshot if msg.SnapshotValid; snapshot
		// with kv.rf.Snapshot when Raft's saved state nears maxraftstate.
		_ = msg
	}
}

// Kill stops the server: the tester calls it when it crashes a server and
// at the end of each test. It stops the Raft peer too.
func (kv *KVServer) Kill() {
	if kv.dead.CompareAndSwap(false, true) {
		close(kv.done)
	}
	kv.rf.Kill()
	// TODO: wake anything of yours that is waiting, so that it can end.
}

// killed reports whether Kill has been called.
func (kv *KVServer) killed() bool {
	return kv.dead.Load()
}

// Raft returns this server's Raft peer, for tools outside the package (the
// simulator cmd/kvsim registers it and asks it who leads).
func (kv *KVServer) Raft() *raft.Raft {
	return kv.rf
}
