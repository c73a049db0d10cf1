package shardkv

// The sharded KV service's API (4B): Err values and the client RPC types.
// Keep every exported name; add the RPCs groups use to move shards.

// Err values answered by ShardKV handlers. OK and ErrNoKey mean the
// operation was applied; ErrWrongGroup tells the Clerk to fetch a newer
// config; anything else tells it to try another server of the group.
const (
	OK             = "OK"
	ErrNoKey       = "ErrNoKey"
	ErrWrongGroup  = "ErrWrongGroup"
	ErrWrongLeader = "ErrWrongLeader"
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
