// Kvsim runs a simulated MiniRaftKV cluster in one process, attacks it with
// network and server faults while clients use it, and then checks that what
// the clients saw is linearizable.
//
//	go run ./cmd/kvsim                       # 5 servers, 5 clients, 20 s, all faults
//	go run ./cmd/kvsim -duration 60s -faults partition,crash -seed 42
//	go run ./cmd/kvsim -faults none -servers 3 -clients 1
//
// The servers are raftkv.KVServers on a labrpc network, wired like the KV
// tester (each server offers both the KVServer and the Raft service; a
// restarted server gets a copy of its persister). Clients are raftkv Clerks
// doing Gets, Puts and Appends of unique values on a few shared keys; every
// operation is recorded with its call and return time from one monotonic
// clock.
//
// Faults (-faults, a comma list, or all / none):
//
//	partition   split the servers with the current leader in the minority, then heal
//	crash       crash a server (often the leader) and restart it from its persisted state
//	unreliable  turn on labrpc's unreliable mode (delays, dropped requests and replies) for a while
//	reorder     turn on long reordering of replies (up to about 2 s) for a while
//
// The fault schedule (when, which kind, which random servers) comes from a
// math/rand source seeded with -seed, so a seed repeats a schedule; the
// seed in use is printed. Which server is leader at a given moment depends
// on timing, so faults aimed at the leader can hit different servers.
//
// Once a second kvsim prints a progress line: operations done, operations
// per second, the leader and its term (marked "cut off in the minority"
// while the only leader is a stale one on the minority side of a
// partition), the number of faults injected so far ("injected", a running
// total) and the faults in force ("in force: partitioned [S1 S3], down
// [S2], unreliable"). The -out file is created before the run starts, so a
// path that cannot be written stops kvsim at once (exit status 2). At the end it heals the network, restarts crashed servers, lets
// the clients finish (operations that never return are recorded as such),
// checks the history with linearizability.CheckOperationsVerbose(KvModel()),
// writes the history's HTML timeline (-out, default a new temporary file),
// and prints a summary.
//
// Ctrl-C stops the clients and the faults early; what was recorded is still
// checked and reported. A second Ctrl-C quits at once.
//
// Exit status: 0 when the history is linearizable, 1 when it is not, 3 when
// the check ended without a verdict (not a pass; the verdict line says why:
// it ran out of time, -checktimeout, or the model failed), 2 for bad flags
// or an -out that cannot be written, 130 after Ctrl-C (unless the check
// found a violation: 1).
package main
