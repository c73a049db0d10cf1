package debugline

// Topics: what a line is about, four or five upper-case letters each
// (Parse accepts two to six).
const (
	// The raft package's.
	Timer    = "TIMR"
	Vote     = "VOTE"
	Leader   = "LEAD"
	Term     = "TERM"
	Log      = "LOG"
	Commit   = "CMIT"
	Apply    = "APLY"
	Persist  = "PERS"
	Snapshot = "SNAP"
	Drop     = "DROP"
	Warn     = "WARN"
	Read     = "READ"

	// The raftkv package's.
	KVGet      = "KVGET"
	KVPut      = "KVPUT"
	KVApply    = "KVAPL"
	KVSnapshot = "KVSNP"
	Clerk      = "CLERK"

	// The shardkv package's.
	SKConfig  = "SKCFG"
	SKShard   = "SKSHD"
	SKRestore = "SKRST"

	// What a tester did to a peer (crashed it, cut it off, ...).
	Tester = "TEST"
)

// Roles beside a Raft peer's own (follower, candidate, leader).
const (
	RoleKVServer = "kvserver"
	RoleShardKV  = "shardkv"
	RoleClerk    = "clerk"
	RoleTester   = "tester"
)

// UnknownTerm is the term of a line that knows none; it prints as "T-".
const UnknownTerm = -1
