package raftkv

// The RPCs between clerks and servers. As with Raft's RPCs, every field must
// be exported for labgob to carry it.

// The Err values a server answers with. A clerk that gets anything but OK
// or ErrNoKey tries another server. You may add values of your own.
const (
	OK             = "OK"
	ErrNoKey       = "ErrNoKey"
	ErrWrongLeader = "ErrWrongLeader"
)

// Err is the outcome of a KVServer RPC.
type Err string

// MaxValueBytes bounds the key and value of one Put or Append together. The
// real-cluster tools (cmd/raftkv, cmd/raftkvd) refuse larger values before
// sending them; the lab's tests stay far below it, and your code need not
// check it.
const MaxValueBytes = 1 << 20

// PutAppendArgs is the argument of KVServer.PutAppend.
type PutAppendArgs struct {
	Key   string
	Value string
	Op    string // "Put" or "Append"
	// TODO(3A): fields that let a server recognise a request it has
	// already executed when the clerk sends it again (§8 of the paper).
}

// PutAppendReply is the reply of KVServer.PutAppend.
type PutAppendReply struct {
	Err Err
}

// GetArgs is the argument of KVServer.Get.
type GetArgs struct {
	Key string
	// TODO(3A): whatever else your servers need.
}

// GetReply is the reply of KVServer.Get. Value is "" for a missing key.
type GetReply struct {
	Err   Err
	Value string
}
