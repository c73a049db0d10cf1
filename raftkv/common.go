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
)

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
