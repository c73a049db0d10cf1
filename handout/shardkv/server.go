package shardkv

// A replica of one replica group of the sharded KV service (4B).

import (
	"sync"
	"sync/atomic"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// Op is the command a ShardKV hands to Raft with Start. Config changes and
// shard data arriving from other groups must go through the log too, so
// that every replica of the group changes state at the same point.
type Op struct {
	// TODO(4B)
}

// ShardKV is one replica of one replica group.
type ShardKV struct {
	mu           sync.Mutex
	me           int
	rf           *raft.Raft // this replica's Raft peer (the testers read it: keep the name)
	applyCh      chan raft.ApplyMsg
	make_end     func(string) *labrpc.ClientEnd // an end to another group's server, by name
	gid          int                            // this replica's group
	ctrlers      []*labrpc.ClientEnd            // the shard controller's servers
	maxraftstate int                            // snapshot at this Raft state size; -1: never
	done         chan struct{}
	dead         atomic.Bool

	// TODO(4B): the data of the shards this group holds, the duplicate
	// table (which must move with the shards), the current config, and
	// each shard's state during a migration.
}

// StartServer starts a replica of group gid: servers are the ends of its
// group's Raft peers (servers[me] is this one's), ctrlers the ends of the
// controller's servers, make_end gives an end to any server by name. Poll
// the controller (shardctrler.MakeClerk(ctrlers)) about every 100 ms for
// newer configs. It must return quickly.
func StartServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int,
	gid int, ctrlers []*labrpc.ClientEnd, make_end func(string) *labrpc.ClientEnd) *ShardKV {
	labgob.Register(Op{})
	kv := &ShardKV{
		me:           me,
		applyCh:      make(chan raft.ApplyMsg),
		make_end:     make_end,
		gid:          gid,
		ctrlers:      ctrlers,
		maxraftstate: maxraftstate,
		done:         make(chan struct{}),
	}
	kv.rf = raft.Make(servers, me, persister, kv.applyCh)
	go kv.applier()
	return kv
}

// Get is the handler of ShardKV.Get.
func (kv *ShardKV) Get(args *GetArgs, reply *GetReply) {
	// TODO(4B): through Raft; ErrWrongGroup for a key whose shard this
	// group does not serve (yet) in the config it has applied.
	reply.Err = OK
}

// PutAppend is the handler of ShardKV.PutAppend.
func (kv *ShardKV) PutAppend(args *PutAppendArgs, reply *PutAppendReply) {
	// TODO(4B)
	reply.Err = OK
}

// applier reads what Raft delivers on applyCh until Kill.
func (kv *ShardKV) applier() {
	for {
		select {
		case <-kv.done:
			return
		case msg := <-kv.applyCh:
			// TODO(4B): apply client Ops, config changes and arriving
			// shards in log order; install and take snapshots.
			_ = msg
		}
	}
}

// Kill stops the replica and its Raft peer; stop your goroutines too.
func (kv *ShardKV) Kill() {
	if kv.dead.CompareAndSwap(false, true) {
		close(kv.done)
	}
	kv.rf.Kill()
}
