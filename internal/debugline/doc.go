// Package debugline defines the debug lines that raft and raftkv print and
// cmd/raftlog lays out per peer: their layout (Format), their topics and
// roles, and the parser raftlog reads them with. raft and raftkv print the
// same layout with their own few lines (raft/debug.go, raftkv/debug.go),
// because the lab packages import nothing but the lab's own packages
// (labgob, labrpc, linearizability): a course copies them into its tree
// that way.
//
// A line reads
//
//	001234 S1 T3 leader    LOG   sent 5 entries to S2
//
// milliseconds, peer, term ("T-" when unknown), role, topic, message. The
// milliseconds count from the start of the process or, in virtual time (a
// testing/synctest bubble, see docs/virtual-time.md), from the start of
// the test.
package debugline
