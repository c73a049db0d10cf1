// Package diskpersist keeps a Raft peer's persistent state and snapshot in
// a folder, so that a process can be killed (kill -9 included) and start
// again where it was. It hands out an ordinary *raft.Persister, so raft.Make
// and raftkv.StartKVServer take it as they take one from MakePersister:
//
//	store, err := diskpersist.Open("data/server-1", diskpersist.Options{})
//	if err != nil {
//		log.Fatal(err) // corrupt state: the error names the file and offset
//	}
//	kv := raftkv.StartKVServer(ends, me, store.Persister(), maxraftstate)
//	...
//	kv.Kill()
//	store.Close()
//
// Every save of that Persister is on disk (fsync) before it returns, as
// Raft requires: it persists before it answers. The Persister tells the
// Store (through raft.Persister's SetWriteThrough, found by an interface
// assertion, so raft depends on nothing here) whether a save only appended
// to Raft's state stream or replaced it:
//
//   - An append, the usual save of new log entries (which Raft's saver
//     already groups, so one fsync serves many entries), writes one
//     checksummed record after the state file's last one and fsyncs it.
//     The file keeps zeros past its records for these writes, so that an
//     append's fsync flushes its data without changing the file's size,
//     which makes it about a third faster (format.go, store.go).
//   - A replacement (a snapshot, or Raft compacting its stream) writes a
//     new file with the snapshot and the whole state, fsyncs it, renames
//     it over the old one and fsyncs the folder, so the state and the
//     snapshot change together or not at all.
//
// On Open, a torn last record (an append that a crash cut short) is
// dropped with a log line; any other damage is an error naming the file
// and the offset of the damaged record, never a silent reset. An append
// that was fsynced and later damaged on disk in its last record cannot be
// told from a torn one and is dropped too. A save that cannot be written
// panics: Raft must not go on as if it had been.
//
// Claims, each checked by a test that fails when it is broken (a file
// layer crashes the save on cue at each of its operations):
//   - safety: a crash anywhere in a replacement leaves the old state and
//     snapshot or the new ones, never a mixture or nothing
//     (TestRewriteCrashLeavesOldOrNew); the order is write, fsync, rename,
//     fsync of the folder (TestRewriteOrder);
//   - safety: an append is fsynced before the save returns
//     (TestAppendSyncedBeforeReturn);
//   - liveness: a crash inside an append, even inside its header, costs
//     that append only, and the folder opens (TestCrashMidAppendKeepsEarlierSaves,
//     TestTornTailIsDropped); damage elsewhere is an error
//     (TestFlippedByteIsAnError);
//   - appends that outgrow the zeros grow the file and keep every record
//     (TestAppendsFillTheZerosThenGrow).
//
// Two processes must not open the same folder at once: Open locks it
// (flock, on the systems that have it) and refuses a folder another Store
// holds, naming the process that holds it.
package diskpersist
