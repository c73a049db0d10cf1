// Package raftkv is a linearizable, fault-tolerant key/value service built on
// the raft package: every replica runs a KVServer, every KVServer owns one
// Raft peer, and every Put and Append goes through the replicated log. A Get
// is served by the leader without a log entry when Raft's ReadIndex allows
// it, and through the log otherwise.
//
// # Servers
//
// A server is started with the ClientEnds of its peers (used by its Raft
// peer), its own index, a persister and a snapshot threshold:
//
//	kv := raftkv.StartKVServer(peers, me, persister, 1000)
//	srv := labrpc.MakeServer()
//	srv.AddService(labrpc.MakeService(kv))        // KVServer.Get, KVServer.PutAppend
//	srv.AddService(labrpc.MakeService(kv.Raft())) // Raft.RequestVote, ...
//	net.AddServer(me, srv)
//	...
//	kv.Kill()
//
// maxraftstate is the size in bytes of persisted Raft state at which the
// server snapshots its key/value map and duplicate table through
// rf.Snapshot; -1 turns snapshots off entirely.
//
// # Clients
//
//	ck := raftkv.MakeClerk(ends) // one ClientEnd per server, any order
//	ck.Put("k", "a")
//	ck.Append("k", "b")
//	v := ck.Get("k")             // "ab"; "" for a missing key
//
// A Clerk retries an operation until some leader has committed and applied it,
// so its methods block while no majority is reachable. A Clerk runs one
// operation at a time; use one Clerk per concurrent client.
//
// # How an operation flows
//
//  1. The Clerk sends the RPC to the server it last saw leading.
//  2. The handler (server.go) wraps the request in an Op tagged with the
//     clerk's (ClientId, Seq), passes it to rf.Start and waits for the entry
//     at the returned index.
//  3. The single apply loop (apply.go) reads rf's apply channel, executes each
//     committed Op once against the map (duplicate Put/Append requests are
//     recognised by the per-client last Seq in the replicated duplicate table),
//     and hands the result to the handler waiting at that index.
//  4. The handler answers only if the applied entry is its own: the same
//     (ClientId, Seq) in the same term. A different entry at its index, a
//     term change, or a timeout means leadership was lost; the handler answers
//     ErrWrongLeader and the Clerk retries at another server. Because of the
//     duplicate table, a retried Put or Append takes effect exactly once.
//     Term changes and timeouts are found by one sweep per server, every
//     20 ms while handlers wait (wait.go).
//
// A Get first asks rf.ReadIndex (dissertation §6.4), which confirms with one
// round of heartbeats, shared by the reads arriving together, that this
// peer still leads, and returns the commit index of the moment the Get
// arrived. The handler waits until the apply loop has applied through that
// index, then answers from the map. ReadIndex refuses on a peer that is not
// the leader and on a leader that has not yet committed an entry of its
// term (its commit index may still lag what its predecessor committed); the
// Get then goes through the log as in steps 2-4, which also gives the new
// leader the entry of its term that later reads need. With SetLeaseReads
// on (at every server), ReadIndex answers at once while the leader's lease
// holds (raft/lease.go), so most Gets of a busy leader need no round.
//
// Claims of the duplicate table and the read path, each checked by a test
// that fails when it is broken (entries applied to a server one by one):
//   - safety: a Put or Append takes effect once per (ClientId, Seq): a
//     retry of the latest, or of an older one arriving after a newer op of
//     the same client, changes nothing; other clients are apart
//     (TestDuplicateTable);
//   - safety: a Get waiting for read index i is answered once entry i is
//     applied, not one entry earlier (TestReadReleasedAtItsIndex,
//     TestGetWaitsForReadIndexApplied);
//   - liveness: Kill releases a waiting Get (TestReadReleasedByKill).
//
// # Snapshots
//
// snapshot.go encodes the map, the duplicate table and the last applied index.
// The apply loop snapshots when the persister's Raft state reaches
// maxraftstate, installs snapshots that Raft delivers on the apply channel
// (never one older than what it has applied), and StartKVServer restores
// the last snapshot from the persister.
//
// Testers bound the Raft state by 2 x maxraftstate at any moment, entries
// not yet applied included, which a snapshot cannot compact. Five things
// keep a server within it: Raft sends a follower at most maxraftstate/4
// bytes of entries per AppendEntries (raft.Options.MaxAppendBytes); a
// follower whose state passes 3/2 maxraftstate takes no more entries until
// its apply loop catches up and snapshots (raft.Options.MaxStateBytes);
// entries reach the apply loop through a buffered channel so that a
// follower that learns of many commits at once applies them quickly; the
// apply loop snapshots before it answers the waiting handler, so a client
// that has its reply never sees the state before the snapshot; and a state
// made mostly of unapplied entries is snapshotted every few applied
// entries rather than after each one (snapshotPacer).
//
// # Debugging
//
// Set KV_DEBUG=1 to print one line per event on stderr in the layout shared
// with the raft package (see debug.go).
package raftkv
