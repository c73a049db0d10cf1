package shardctrler

import (
	"bytes"
	"fmt"
	"sync"

	"miniraftkv/internal/rsm"
	"miniraftkv/labgob"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// ShardCtrler is one replica of the shard controller. Its state (the
// history of configs and the duplicate table) changes only by applying
// committed Ops, so every replica holds the same history.
type ShardCtrler struct {
	me  int
	rf  *raft.Raft // the replica's Raft peer (testers register its RPCs)
	rsm *rsm.RSM

	// mu protects the replicated state below.
	mu      sync.Mutex
	configs []Config        // indexed by config number; configs[0] has no groups
	lastSeq map[int64]int64 // duplicate table: client -> highest applied Join/Leave/Move Seq
}

// ErrBadArgs is answered to a Join of gid 0 (it means "no group") or of a
// group without servers, and to a Move of a shard that does not exist or to
// gid 0; retrying cannot help.
const ErrBadArgs = "ErrBadArgs"

// opKind is what an Op does.
type opKind uint8

// The kinds of Op; the zero value is none of them.
const (
	kindJoin opKind = iota + 1
	kindLeave
	kindMove
	kindQuery
)

// Op is the command a ShardCtrler puts in the Raft log.
type Op struct {
	Kind     opKind
	Servers  map[int][]string // Join
	GIDs     []int            // Leave
	Shard    int              // Move
	GID      int              // Move
	Num      int              // Query
	ClientId int64
	Seq      int64
}

// StartServer starts a controller replica: servers are the ClientEnds of
// all replicas' Raft peers (servers[me] is this one) and persister holds
// its Raft state and snapshots. It returns at once.
func StartServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister) *ShardCtrler {
	labgob.RegisterName("shardctrler.Op", Op{})
	sc := &ShardCtrler{
		me:      me,
		configs: []Config{{Groups: map[int][]string{}}},
		lastSeq: make(map[int64]int64),
	}
	sc.rsm = rsm.Make(servers, me, persister, -1, sc)
	sc.rf = sc.rsm.Raft()
	return sc
}

// Kill stops the replica.
func (sc *ShardCtrler) Kill() {
	sc.rsm.Kill()
}

// Raft returns the replica's Raft peer (testers register its RPC service).
func (sc *ShardCtrler) Raft() *raft.Raft {
	return sc.rf
}

// submit replicates op and returns the result of applying it, or
// ErrWrongLeader if this replica could not get it applied.
func (sc *ShardCtrler) submit(op Op) (Config, Err) {
	res, ok := sc.rsm.Submit(op)
	if !ok {
		return Config{}, ErrWrongLeader
	}
	return res.(Config), OK
}

// Join is the ShardCtrler.Join RPC handler.
func (sc *ShardCtrler) Join(args *JoinArgs, reply *JoinReply) {
	for gid, servers := range args.Servers {
		if gid <= 0 || len(servers) == 0 {
			reply.Err = ErrBadArgs
			return
		}
	}
	_, reply.Err = sc.submit(Op{Kind: kindJoin, Servers: args.Servers, ClientId: args.ClientId, Seq: args.Seq})
}

// Leave is the ShardCtrler.Leave RPC handler.
func (sc *ShardCtrler) Leave(args *LeaveArgs, reply *LeaveReply) {
	_, reply.Err = sc.submit(Op{Kind: kindLeave, GIDs: args.GIDs, ClientId: args.ClientId, Seq: args.Seq})
}

// Move is the ShardCtrler.Move RPC handler.
func (sc *ShardCtrler) Move(args *MoveArgs, reply *MoveReply) {
	if args.Shard < 0 || args.Shard >= NShards || args.GID <= 0 {
		reply.Err = ErrBadArgs
		return
	}
	_, reply.Err = sc.submit(Op{Kind: kindMove, Shard: args.Shard, GID: args.GID, ClientId: args.ClientId, Seq: args.Seq})
}

// Query is the ShardCtrler.Query RPC handler. It goes through the log like
// the others, so Query(-1) never answers from a replica that has not seen
// the latest config.
func (sc *ShardCtrler) Query(args *QueryArgs, reply *QueryReply) {
	reply.Config, reply.Err = sc.submit(Op{Kind: kindQuery, Num: args.Num, ClientId: args.ClientId, Seq: args.Seq})
}

// Apply executes one committed Op (rsm.StateMachine) and returns the
// config it asked for (Query) or the latest config.
func (sc *ShardCtrler) Apply(cmd interface{}) interface{} {
	op := cmd.(Op)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if op.Kind == kindQuery {
		return sc.configAt(op.Num)
	}
	if op.Seq <= sc.lastSeq[op.ClientId] {
		return sc.configAt(-1) // a retry of a request already applied
	}
	sc.lastSeq[op.ClientId] = op.Seq
	next := sc.configs[len(sc.configs)-1].clone()
	next.Num++
	switch op.Kind {
	case kindJoin:
		for gid, servers := range op.Servers {
			next.Groups[gid] = append([]string(nil), servers...)
		}
		rebalance(&next)
	case kindLeave:
		for _, gid := range op.GIDs {
			delete(next.Groups, gid)
		}
		rebalance(&next)
	case kindMove:
		next.Shards[op.Shard] = op.GID // checked by the handler
	default:
		panic(fmt.Sprintf("shardctrler: S%d: committed Op of unknown kind %d", sc.me, op.Kind))
	}
	sc.configs = append(sc.configs, next)
	return next.clone()
}

// configAt returns a copy of config num, or of the latest if num is -1 or
// beyond it. Caller holds sc.mu.
func (sc *ShardCtrler) configAt(num int) Config {
	if num < 0 || num >= len(sc.configs) {
		num = len(sc.configs) - 1
	}
	return sc.configs[num].clone()
}

// controllerState is what a snapshot of the controller holds.
type controllerState struct {
	Configs []Config
	LastSeq map[int64]int64
}

// Snapshot encodes the replicated state (rsm.StateMachine).
func (sc *ShardCtrler) Snapshot() []byte {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	var buf bytes.Buffer
	if err := labgob.NewEncoder(&buf).Encode(controllerState{Configs: sc.configs, LastSeq: sc.lastSeq}); err != nil {
		panic(fmt.Sprintf("shardctrler: S%d: encoding snapshot: %v", sc.me, err))
	}
	return buf.Bytes()
}

// Restore replaces the replicated state with a snapshot (rsm.StateMachine).
func (sc *ShardCtrler) Restore(snapshot []byte) {
	var st controllerState
	if err := labgob.NewDecoder(bytes.NewReader(snapshot)).Decode(&st); err != nil {
		panic(fmt.Sprintf("shardctrler: S%d: corrupt snapshot: %v", sc.me, err))
	}
	for i := range st.Configs {
		if st.Configs[i].Groups == nil {
			st.Configs[i].Groups = map[int][]string{}
		}
	}
	if st.LastSeq == nil {
		st.LastSeq = make(map[int64]int64)
	}
	sc.mu.Lock()
	sc.configs, sc.lastSeq = st.Configs, st.LastSeq
	sc.mu.Unlock()
}

// clone returns a deep copy of c: configs handed out must not share their
// Groups map or server lists with the controller's history.
func (c Config) clone() Config {
	out := Config{Num: c.Num, Shards: c.Shards, Groups: make(map[int][]string, len(c.Groups))}
	for gid, servers := range c.Groups {
		out.Groups[gid] = append([]string(nil), servers...)
	}
	return out
}
