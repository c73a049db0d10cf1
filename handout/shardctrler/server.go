package shardctrler

// The shard controller (4A): a replicated state machine, like your KV
// server of lab 3, whose state is the list of configs.

import (
	"sync"
	"sync/atomic"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// Op is the command a ShardCtrler hands to Raft with Start.
type Op struct {
	// TODO(4A): the kind of request, its arguments, and what identifies
	// it so that a retried Join, Leave or Move is applied only once.
}

// ShardCtrler is one replica of the shard controller.
type ShardCtrler struct {
	mu      sync.Mutex         // guards the state below that changes
	me      int                // this replica's index among the servers
	rf      *raft.Raft         // this replica's Raft peer (the testers read it: keep the name)
	applyCh chan raft.ApplyMsg // where rf delivers committed Ops
	done    chan struct{}      // closed by Kill
	dead    atomic.Bool        // set by Kill

	configs []Config // indexed by config number

	// TODO(4A): duplicate detection, and how a handler learns that its Op
	// has been applied.
}

// StartServer starts a controller replica; servers are the ends of every
// replica's Raft peer (servers[me] is this one's). It must return quickly.
func StartServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister) *ShardCtrler {
	labgob.Register(Op{})
	sc := &ShardCtrler{
		me:      me,
		applyCh: make(chan raft.ApplyMsg),
		done:    make(chan struct{}),
		configs: []Config{{Groups: map[int][]string{}}}, // config 0: no groups, every shard on gid 0
	}
	sc.rf = raft.Make(servers, me, persister, sc.applyCh)
	go sc.applier()
	return sc
}

// Join is the handler of ShardCtrler.Join: new groups join, and the shards
// are spread over all groups as evenly as possible, moving as few as
// possible. Every replica must compute the same new config: do not let
// Go's map iteration order decide anything.
func (sc *ShardCtrler) Join(args *JoinArgs, reply *JoinReply) {
	// TODO(4A): through Raft, as in lab 3.
	reply.Err = OK
}

// Leave is the handler of ShardCtrler.Leave: groups leave, and their
// shards are spread over the remaining groups.
func (sc *ShardCtrler) Leave(args *LeaveArgs, reply *LeaveReply) {
	// TODO(4A)
	reply.Err = OK
}

// Move is the handler of ShardCtrler.Move: one shard goes to one group.
func (sc *ShardCtrler) Move(args *MoveArgs, reply *MoveReply) {
	// TODO(4A)
	reply.Err = OK
}

// Query is the handler of ShardCtrler.Query: config args.Num, or the
// latest if it is -1 or larger than the latest. A Query(-1) must reflect
// every Join, Leave and Move that completed before it began.
func (sc *ShardCtrler) Query(args *QueryArgs, reply *QueryReply) {
	// TODO(4A)
	reply.Err = OK
}

// applier reads what Raft delivers on applyCh until Kill.
func (sc *ShardCtrler) applier() {
	for {
		select {
		case <-sc.done:
			return
		case msg := <-sc.applyCh:
			// TODO(4A): apply msg.Command once per request; answer the
			// handler waiting for it.
			_ = msg
		}
	}
}

// Kill stops the replica and its Raft peer.
func (sc *ShardCtrler) Kill() {
	if sc.dead.CompareAndSwap(false, true) {
		close(sc.done)
	}
	sc.rf.Kill()
}

// Raft returns the replica's Raft peer (the sharded KV tester registers it).
func (sc *ShardCtrler) Raft() *raft.Raft {
	return sc.rf
}
