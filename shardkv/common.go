package shardkv

// Err values answered by ShardKV handlers. OK and ErrNoKey mean the
// operation was applied; ErrWrongGroup tells the Clerk to fetch a newer
// config; anything else tells it to try another server of the group.
const (
	OK             = "OK"
	ErrNoKey       = "ErrNoKey"
	ErrWrongGroup  = "ErrWrongGroup"
	ErrWrongLeader = "ErrWrongLeader"
	// ErrNotReady is answered to a group pulling shards, or asking for
	// their deletion, that is ahead of this group's config.
	ErrNotReady = "ErrNotReady"
	// ErrBadOp is answered to a PutAppend whose Op is neither "Put" nor
	// "Append"; retrying cannot help.
	ErrBadOp = "ErrBadOp"
)

// Err is the outcome of a ShardKV RPC.
type Err string

// Operation names carried in PutAppendArgs.Op.
const (
	opGet    = "Get"
	opPut    = "Put"
	opAppend = "Append"
)

// PutAppendArgs is the argument of ShardKV.PutAppend. ClientId and Seq
// identify the request across retries, in every group.
type PutAppendArgs struct {
	Key      string
	Value    string
	Op       string // "Put" or "Append"
	ClientId int64
	Seq      int64
}

// PutAppendReply is the reply of ShardKV.PutAppend.
type PutAppendReply struct {
	Err Err
}

// GetArgs is the argument of ShardKV.Get.
type GetArgs struct {
	Key      string
	ClientId int64
	Seq      int64
}

// GetReply is the reply of ShardKV.Get.
type GetReply struct {
	Err   Err
	Value string
}

// PullShardsArgs is the argument of ShardKV.PullShards: a group that gained
// Shards in config ConfigNum asks the group that held them before for
// their data.
type PullShardsArgs struct {
	ConfigNum int
	Shards    []int
}

// PullShardsReply carries the shards' data and the sender's duplicate
// table, which must travel with the data: a retried request for a moved
// key must still be recognised by its new group.
type PullShardsReply struct {
	Err     Err
	Data    map[int]map[string]string // shard -> key -> value
	LastSeq map[int64]int64
}

// DeleteShardsArgs is the argument of ShardKV.DeleteShards: the group that
// gained Shards in config ConfigNum has installed them, so the previous
// owner may delete its copy.
type DeleteShardsArgs struct {
	ConfigNum int
	Shards    []int
}

// DeleteShardsReply is the reply of ShardKV.DeleteShards.
type DeleteShardsReply struct {
	Err Err
}
