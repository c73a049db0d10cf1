// Raftlog lays out the debug log of the raft and raftkv packages one column
// per peer, so that what each server did at the same moment reads across a
// row.
//
// The raft package writes a debug line when RAFT_DEBUG is set (raftkv: when
// KV_DEBUG is set), in the fixed format
//
//	001234 S1 T3 leader    LOG   sent 5 entries to S2
//
// (milliseconds since process start, peer, term or "T-" when unknown, role,
// topic, message), which package internal/debugline defines for both
// writers and for raftlog. Raftlog reads such lines from the files named on the
// command line, or from standard input, and prints each in its peer's column:
//
//	RAFT_DEBUG=1 go test -run TestBackup2B ./raft 2>&1 | go run ./cmd/raftlog
//	go run ./cmd/raftlog -topics LOG,CMIT -peers 0,2 test.log
//
// The testers print what they do to the peers (start, connect, disconnect,
// crash, restart, partition, an unreliable network) in the same layout,
// with role "tester" and topic TEST, whenever RAFT_DEBUG (or, for the KV
// tester, KV_DEBUG) is set, so each peer's column shows what was done to
// it:
//
//	000476 S2 T- tester    TEST  disconnected
//
// Every other line (test titles, "--- FAIL", panics and their stack traces)
// passes through unchanged at full width. Columns are found automatically:
// they start afresh at each test ("=== RUN" or a "Test ..." title line) and a
// new column appears when a peer first logs. Clerk lines (role clerk) share
// one column on the right. -n fixes the number of columns and -peers both
// filters and orders them.
//
// Flags:
//
//	-topics LIST   show only these topics (comma list, e.g. LOG,VOTE); an
//	               unknown topic is an error that lists the valid ones
//	-ignore LIST   hide these topics
//	-peers LIST    show only these peers, in this order (e.g. 0,2); a peer
//	               that never appears in the log gets a warning at the end
//	-n N           always lay out N server columns S0..S(N-1)
//	-width W       total width (default: the terminal's, asked of standard
//	               output, then standard error; else $COLUMNS; else 160)
//	-color MODE    auto (colour when standard output is a terminal), always, never
//
// On a terminal each topic has its own colour.
package main
