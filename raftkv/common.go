package raftkv

// Err values answered by KVServer handlers. OK and ErrNoKey mean the
// operation was applied; anything else tells the Clerk to try another server.
const (
	OK             = "OK"
	ErrNoKey       = "ErrNoKey"
	ErrWrongLeader = "ErrWrongLeader"
	// ErrShutdown is answered by a server that has been killed.
	ErrShutdown = "ErrShutdown"
	// ErrBadOp is answered to a PutAppend whose Op is neither "Put" nor
	// "Append"; retrying cannot help.
	ErrBadOp = "ErrBadOp"
	// ErrTooLarge is answered to a PutAppend whose key and value together
	// exceed MaxValueBytes; retrying cannot help.
	ErrTooLarge = "ErrTooLarge"
)

// MaxValueBytes bounds the key and value of one Put or Append together, in
// bytes. Every request becomes a log entry that each server keeps in
// memory, writes to disk and sends to every follower, so one huge value
// would stall replication (and heartbeats with it) for everyone. A larger
// request is refused with ErrTooLarge; a Clerk checks before sending. A
// value grown by many Appends is not bounded by it.
const MaxValueBytes = 1 << 20

// tooLarge reports whether a Put or Append of key and value exceeds
// MaxValueBytes.
func tooLarge(key, value string) bool {
	return len(key)+len(value) > MaxValueBytes
}

// Err is the outcome of a KVServer RPC.
type Err string

// Operation names carried in PutAppendArgs.Op, and how Op kinds print.
const (
	opGet    = "Get"
	opPut    = "Put"
	opAppend = "Append"
)

// PutAppendArgs is the argument of KVServer.PutAppend.
type PutAppendArgs struct {
	Key   string
	Value string
	Op    string // "Put" or "Append"
	// ClientId and Seq identify the request across retries: a clerk gives
	// each operation the next Seq and resends it unchanged.
	ClientId int64
	Seq      int64
}

// PutAppendReply is the reply of KVServer.PutAppend.
type PutAppendReply struct {
	Err Err
}

// GetArgs is the argument of KVServer.Get.
type GetArgs struct {
	Key      string
	ClientId int64
	Seq      int64
}

// GetReply is the reply of KVServer.Get. Value is "" when Err is ErrNoKey.
type GetReply struct {
	Err   Err
	Value string
}
