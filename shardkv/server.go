package shardkv

import (
	"sync"

	"miniraftkv/internal/rsm"
	"miniraftkv/labgob"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
	"miniraftkv/shardctrler"
)

// shardStatus is where a shard stands in this group's migration protocol.
type shardStatus uint8

const (
	// absent: not this group's shard; no data held.
	absent shardStatus = iota
	// serving: this group's shard, with its data.
	serving
	// pulling: this group's shard in the current config, whose data is
	// still with the previous owner; keys of it answer ErrWrongGroup.
	pulling
	// bePulled: the shard was this group's in the previous config; its
	// data is kept, frozen, until the new owner says it has installed it.
	bePulled
	// received: pulled and installed, served like serving; the previous
	// owner has not yet been told it may delete its copy.
	received
)

// shard is one shard's status and data.
type shard struct {
	Status shardStatus
	Data   map[string]string
}

// ShardKV is one replica of one replica group of the sharded key/value
// service. Its state changes only by applying committed commands
// (apply.go), in the same order on every replica of the group: client
// operations, config changes, installed shards, deletions.
type ShardKV struct {
	me      int
	gid     int
	rf      *raft.Raft // the replica's Raft peer (testers register its RPCs)
	rsm     *rsm.RSM
	ctrlers []*labrpc.ClientEnd
	makeEnd func(string) *labrpc.ClientEnd
	killed  chan struct{} // closed by Kill
	once    sync.Once

	// endsMu protects ends.
	endsMu sync.Mutex
	ends   map[string]*labrpc.ClientEnd // server name -> end, made once

	// mu protects the replicated state below.
	mu      sync.Mutex
	config  shardctrler.Config // the config this group has applied
	prev    shardctrler.Config // the one before it: where pulled shards come from
	shards  [shardctrler.NShards]shard
	lastSeq map[int64]int64 // duplicate table: client -> highest applied Put/Append Seq
}

// StartServer starts a replica of group gid. servers are the ClientEnds of
// the group's Raft peers (servers[me] is this one); persister holds Raft's
// state and snapshots; maxraftstate is the Raft state size that triggers a
// snapshot (-1: never); ctrlers reach the shard controller and make_end
// reaches another group's server by name. It returns at once.
func StartServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int,
	gid int, ctrlers []*labrpc.ClientEnd, make_end func(string) *labrpc.ClientEnd) *ShardKV {
	registerCommands()
	kv := &ShardKV{
		me:      me,
		gid:     gid,
		ctrlers: ctrlers,
		makeEnd: make_end,
		killed:  make(chan struct{}),
		ends:    make(map[string]*labrpc.ClientEnd),
		config:  shardctrler.Config{Groups: map[int][]string{}},
		prev:    shardctrler.Config{Groups: map[int][]string{}},
		lastSeq: make(map[int64]int64),
	}
	kv.rsm = rsm.Make(servers, me, persister, maxraftstate, kv)
	kv.rf = kv.rsm.Raft()
	go kv.migrationLoop()
	return kv
}

// registerCommands registers the commands a ShardKV puts in its log.
func registerCommands() {
	labgob.RegisterName("shardkv.clientOp", clientOp{})
	labgob.RegisterName("shardkv.configOp", configOp{})
	labgob.RegisterName("shardkv.insertOp", insertOp{})
	labgob.RegisterName("shardkv.deleteOp", deleteOp{})
	labgob.RegisterName("shardkv.receivedOp", receivedOp{})
}

// Kill stops the replica and its goroutines.
func (kv *ShardKV) Kill() {
	kv.once.Do(func() {
		close(kv.killed)
		kv.rsm.Kill()
	})
}

func (kv *ShardKV) isKilled() bool {
	select {
	case <-kv.killed:
		return true
	default:
		return false
	}
}

// Get is the ShardKV.Get RPC handler. It reads without a log entry when
// Raft's ReadIndex allows (rsm.Read), and through the log otherwise. Either
// way the ownership check is made on the state the read sees.
func (kv *ShardKV) Get(args *GetArgs, reply *GetReply) {
	op := clientOp{Kind: opGet, Key: args.Key, ClientId: args.ClientId, Seq: args.Seq}
	res, ok := kv.rsm.Read(func() interface{} {
		kv.mu.Lock()
		defer kv.mu.Unlock()
		return kv.applyClientOp(op)
	})
	if ok {
		reply.Err, reply.Value = res.(clientResult).Err, res.(clientResult).Value
		return
	}
	r := kv.submit(op)
	reply.Err, reply.Value = r.Err, r.Value
}

// PutAppend is the ShardKV.PutAppend RPC handler.
func (kv *ShardKV) PutAppend(args *PutAppendArgs, reply *PutAppendReply) {
	if args.Op != opPut && args.Op != opAppend {
		reply.Err = ErrBadOp
		return
	}
	op := clientOp{Kind: args.Op, Key: args.Key, Value: args.Value, ClientId: args.ClientId, Seq: args.Seq}
	reply.Err = kv.submit(op).Err
}

// submit replicates a client operation and returns its result, or
// ErrWrongLeader if this replica could not get it applied.
func (kv *ShardKV) submit(op clientOp) clientResult {
	if !kv.ownsNow(key2shard(op.Key)) {
		return clientResult{Err: ErrWrongGroup} // spare the log; apply checks again
	}
	res, ok := kv.rsm.Submit(op)
	if !ok {
		return clientResult{Err: ErrWrongLeader}
	}
	return res.(clientResult)
}

// ownsNow reports whether this replica currently serves shard s.
func (kv *ShardKV) ownsNow(s int) bool {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	return kv.canServe(s)
}

// canServe reports whether keys of shard s may be read and written here:
// the shard is this group's in the applied config and its data is here.
// Caller holds kv.mu.
func (kv *ShardKV) canServe(s int) bool {
	st := kv.shards[s].Status
	return kv.config.Shards[s] == kv.gid && (st == serving || st == received)
}

// end returns the ClientEnd of the server named name, made on first use.
func (kv *ShardKV) end(name string) *labrpc.ClientEnd {
	kv.endsMu.Lock()
	defer kv.endsMu.Unlock()
	e, ok := kv.ends[name]
	if !ok {
		e = kv.makeEnd(name)
		kv.ends[name] = e
	}
	return e
}
