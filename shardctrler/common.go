package shardctrler

// The controller's API (4A): the Config, the RPC argument and reply types.
// Keep every exported name; add fields if you need them.

// NShards is the number of shards the key space is split into.
const NShards = 10

// Config is one configuration: which replica group serves each shard.
// Config 0 has no groups and every shard on gid 0 (no group).
type Config struct {
	Num    int              // config number
	Shards [NShards]int     // shard -> gid
	Groups map[int][]string // gid -> server names
}

// Err values answered by the controller's handlers. OK means the request
// was applied; anything else tells the Clerk to try another server.
const (
	OK             = "OK"
	ErrWrongLeader = "ErrWrongLeader"
)

// Err is the outcome of a controller RPC.
type Err string

// Every request carries ClientId and Seq: a clerk gives each request the
// next Seq and resends it unchanged, so a retried Join, Leave or Move is
// applied once.

// JoinArgs is the argument of ShardCtrler.Join: new groups, gid -> servers.
type JoinArgs struct {
	Servers  map[int][]string
	ClientId int64
	Seq      int64
}

// JoinReply is the reply of ShardCtrler.Join.
type JoinReply struct {
	Err Err
}

// LeaveArgs is the argument of ShardCtrler.Leave: the groups that leave.
type LeaveArgs struct {
	GIDs     []int
	ClientId int64
	Seq      int64
}

// LeaveReply is the reply of ShardCtrler.Leave.
type LeaveReply struct {
	Err Err
}

// MoveArgs is the argument of ShardCtrler.Move: put Shard on group GID.
type MoveArgs struct {
	Shard    int
	GID      int
	ClientId int64
	Seq      int64
}

// MoveReply is the reply of ShardCtrler.Move.
type MoveReply struct {
	Err Err
}

// QueryArgs is the argument of ShardCtrler.Query: the config numbered Num,
// or the latest if Num is -1 or beyond the latest.
type QueryArgs struct {
	Num      int
	ClientId int64
	Seq      int64
}

// QueryReply is the reply of ShardCtrler.Query.
type QueryReply struct {
	Err    Err
	Config Config
}
