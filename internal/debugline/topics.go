package debugline

import "slices"

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

// Topics lists every topic above: a line with any other is not one of ours.
var Topics = []string{
	Timer, Vote, Leader, Term, Log, Commit, Apply, Persist, Snapshot, Drop, Warn, Read,
	KVGet, KVPut, KVApply, KVSnapshot, Clerk,
	Tester,
}

// Roles lists every role a line may show: a Raft peer's three and the ones
// above.
var Roles = []string{"follower", "candidate", "leader", RoleKVServer, RoleClerk, RoleTester}

// KnownTopic reports whether topic is one of Topics.
func KnownTopic(topic string) bool { return slices.Contains(Topics, topic) }

// KnownRole reports whether role is one of Roles.
func KnownRole(role string) bool { return slices.Contains(Roles, role) }
