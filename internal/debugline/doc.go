// Package debugline is the definition of the debug lines that raft and
// raftkv print and cmd/raftlog lays out per peer: their format, their
// topics and roles, the environment switch that turns them on, and the
// clock of their first column. raft and raftkv keep their own few lines
// that print the same layout (raft/debug.go, raftkv/debug.go), because the
// lab packages import nothing but the lab's own packages (labgob, labrpc,
// linearizability): a course copies them into its tree that way.
//
// A line reads
//
//	001234 S1 T3 leader    LOG   sent 5 entries to S2
//
// milliseconds, peer, term ("T-" when unknown), role, topic, message. The
// milliseconds count from the start of the process or, in virtual time (a
// testing/synctest bubble, see docs/virtual-time.md), from the start of
// the test.
//
// Each package keeps one debug-print helper, off by default, behind its
// own Switch:
//
//	var debug = debugline.NewSwitch("RAFT_DEBUG")
//
//	func (rf *Raft) dlog(topic, format string, args ...interface{}) {
//		if debug.On() {
//			debugline.Print(rf.me, rf.currentTerm, rf.role.String(), topic, format, args...)
//		}
//	}
package debugline
