// Package raft is a Raft consensus peer, following Figure 2 of the extended
// Raft paper (Ongaro and Ousterhout, "In Search of an Understandable
// Consensus Algorithm") and its log compaction of §7 / Figure 13.
//
// A service (a key/value server, or a test) creates one peer per server and
// talks to it through a small API:
//
//	applyCh := make(chan raft.ApplyMsg)
//	rf := raft.Make(peers, me, persister, applyCh)
//
//	// Or, with settings beyond the lab API, validated at construction:
//	rf, err := raft.MakeWithOptions(peers, me, persister, applyCh, raft.Options{LeaseReads: true})
//
//	// On any peer: propose a command. Only the leader accepts it.
//	index, term, isLeader := rf.Start(cmd)
//
//	// One goroutine of the service consumes applyCh, in order:
//	for msg := range applyCh {
//		switch {
//		case msg.CommandValid:
//			// msg.Command was committed at msg.CommandIndex: apply it.
//		case msg.SnapshotValid:
//			// Replace the state with msg.Snapshot (through msg.SnapshotIndex).
//		}
//		// Now and then, to bound the log:
//		//	rf.Snapshot(appliedIndex, encodedState)
//	}
//
//	term, isLeader = rf.GetState()
//
//	// A read-only query without a log entry (leader only):
//	if index, ok := rf.ReadIndex(); ok {
//		// wait until applied through index, then answer from the state
//	} // else: not the leader, or no entry of its term committed yet
//
//	// Hand leadership to peer 2 (leader only; returns once begun):
//	err := rf.TransferLeadership(2)
//
//	// With Options.Membership (a real cluster): change the members, one
//	// server at a time (leader only; returns once committed):
//	err = rf.AddServer(raft.Member{ID: 3, Addr: "10.0.0.4:7000"})
//	err = rf.RemoveServer(0)
//	voters, learners, index, committed := rf.Configuration()
//
//	rf.Kill() // when the server goes away
//
// peers are labrpc ends to every peer (the service registers the peer with
// labrpc.MakeService(rf) under the name "Raft"); persister is the peer's
// simulated disk, which survives a crash and restart.
//
// # Guarantees
//
// Every committed entry is delivered on applyCh exactly once per peer
// lifetime, in index order, by a single goroutine that never holds the Raft
// lock while sending. A snapshot message replaces everything up to its
// index; entries after it follow in order. After a restart the peer first
// delivers its snapshot (if any), then the entries that commit after it.
// Start, GetState, Snapshot, TransferLeadership and Kill never wait for
// the network; Start and GetState on a killed peer return isLeader ==
// false at once.
//
// # Code map
//
//	raft.go         the Raft struct (Figure 2's state, the leader state, the rest by feature), Make, Start, GetState, Kill, ticker
//	options.go      Options and MakeWithOptions: the settings beyond the lab API, validated at construction
//	rpc.go          argument and reply types of RequestVote, AppendEntries, InstallSnapshot, PreVote, TimeoutNow
//	election.go     election timer, becomeFollower/Candidate/Leader, the leader state's reset, check-quorum, RequestVote both sides
//	prevote.go      pre-vote (dissertation §9.6): its grant rule, PreVote both sides, SetPreVote
//	replication.go  per-follower progress (nextIndex, matchIndex), sending, the commit rule, AppendEntries handler
//	batchbytes.go   bounding the bytes of one AppendEntries (SetMaxAppendBytes, CommandSizer)
//	quorum.go       the majority: the one quorum helper every rule asks
//	apply.go        the applier goroutine
//	log.go          the log in segments, with its snapshot offset: the only index arithmetic
//	statestream.go  the append-only persistent state stream and its replay
//	groupcommit.go  the saver goroutine: group commit of new log entries
//	flowcontrol.go  a follower holding entries back until its service compacts (SetMaxStateBytes)
//	snapshot.go     Snapshot, InstallSnapshot both sides
//	readindex.go    ReadIndex: reads confirmed by a round of heartbeats (dissertation §6.4)
//	transfer.go     TransferLeadership and the TimeoutNow RPC (dissertation §3.10)
//	lease.go        lease reads (dissertation §6.4.1), SetLeaseReads, the vote refusal they rest on
//	configuration.go  Member, ConfigChange and the configuration in use: voters and learners (dissertation §4.1)
//	configlog.go    keeping the configuration in step with the log: appends, merges, truncations, snapshots, restarts
//	memberends.go   ends and leader progress for members added after construction (MembershipOptions.Dial)
//	membership.go   AddServer, RemoveServer, Configuration: one change at a time (dissertation §4.1, §4.2)
//	catchup.go      a new server's catch-up rounds as a learner before it votes (dissertation §4.2.1)
//	removeself.go   a leader that removed itself steps down once the change commits (dissertation §4.2.2)
//	debug.go        RAFT_DEBUG output
//	persister.go    the Persister (a course file: a course's own may replace it)
//	config.go       the tester's cluster (a course file, used by the tests only)
//
// Goroutines per peer: the ticker (elections, heartbeats, retries), the
// applier, the saver (it persists the entries Start and AppendEntries add),
// while leading the senders of each follower (sender.go: usually one,
// which makes the AppendEntries and InstallSnapshot calls one after
// another; a second only while a call to a slow or cut-off follower is
// outstanding), and short-lived goroutines for the other RPCs (PreVotes,
// RequestVotes, a transfer's TimeoutNow), which exit when their labrpc
// Call returns. Kill stops the ticker, the applier, the saver and waiting
// senders at once; the others exit as their calls return. All share one
// mutex, rf.mu, never held across a Call or a channel send.
//
// Persistence: currentTerm and votedFor are saved by whoever changes them,
// before anything is sent or answered. New log entries are saved by the
// saver goroutine: the AppendEntries handler waits for that save before
// it answers Success, and the leader counts its own copy towards a
// majority only once saved, while the entries are already on their way to
// the followers (dissertation §10.2.1). Entries several handlers add at
// once are saved together.
//
// # Timing (and why)
//
//   - Heartbeat interval 250 ms. The testers allow at most 10 heartbeats a
//     second and count RPCs, calls to disconnected peers included: 250 ms
//     keeps an idle 3-peer cluster at 8 RPCs/s (two followers, four
//     heartbeats a second each). Anything sent to a follower (entries, a
//     commit notice) resets its heartbeat clock.
//   - Election timeout uniformly random in 400-800 ms, above the paper's
//     150-300 ms because heartbeats are slower, and at least 1.6 heartbeat
//     intervals. A heartbeat lost on the unreliable network (10% drops) is
//     noticed when its Call returns false and retried at once, so a
//     follower does not time out on a single loss. A new leader is usually
//     elected within about 0.5-1 s of a failure, well inside the testers'
//     5 s.
//   - A peer of a brand-new cluster (term 0, empty log) draws its first
//     timeout from 300-450 ms: there is no leader whose heartbeats it could
//     be missing, so the longer wait would only delay the first election.
//   - A leader that has had no reply from a majority for 1 s steps down
//     (check-quorum, dissertation §6.2): it can commit nothing, and as a follower it
//     refuses Start at once instead of collecting commands that never
//     commit. 1 s is above any election timeout, so that replies merely
//     held back by a slow network do not unseat a connected leader.
//   - A peer none of whose peers answered its last pre-vote round or
//     election (it is cut off) waits three times as long before the next
//     (1.2-2.4 s), so an isolated peer does not flood the network with
//     PreVotes or RequestVotes it cannot win (the testers count calls to
//     disconnected peers).
//   - The ticker runs every 10 ms; the idle CPU cost is small. Each peer's
//     ticker starts at a random phase within the first 10 ms, so peers
//     started together do not tick in step (two timeouts in the same 10 ms
//     would otherwise fire at once and split the vote).
//   - A tick that comes over 150 ms late (the shortest election timeout
//     less the heartbeat interval) means the peer itself could not
//     run (on a loaded machine the whole process is descheduled now and
//     then, every peer at once, for up to most of a second); the time lost
//     is added to a follower's election deadline, as if the timer counted
//     ticks, and to a leader's record of its
//     followers' last replies (check-quorum). A follower woken from such a
//     pause would otherwise campaign against a leader whose heartbeat is
//     queued behind its own tick. At most one pause per 800 ms is
//     discounted, so a peer that is merely slow still holds elections.
//     Lease reads count real time throughout.
//
// # Beyond the paper
//
// Everything Figure 2 requires is done as stated; these are additions:
//
//   - Pre-vote (dissertation §9.6), on by default (Options.DisablePreVote turns it
//     off): when its election timeout elapses, a peer first asks the others
//     with a PreVote RPC whether they would vote for it in term
//     currentTerm+1, changing neither its term nor its vote, and runs the
//     election only if a majority would. A peer grants a pre-vote if a
//     RequestVote could get its vote (the term, votedFor and §5.4.1
//     up-to-date rules) and it has not heard from the leader of its term
//     within the minimum election timeout (400 ms; the leader stickiness of
//     §4.2.3); a leader never grants one. Answering changes nothing: not
//     the term, the vote, the timer or the persisted state. So a peer cut
//     off from the cluster, or one that merely missed heartbeats, never
//     raises its term, and a working leader is not deposed when it comes
//     back. RequestVote keeps Figure 2's rules exactly (its one added
//     field, DisruptLeader, marks a transfer's election; see below); the
//     stickiness applies to pre-votes only (to votes too with lease reads
//     on, a transfer's excepted; see below). A peer that lost its leader
//     through check-quorum (see Timing) grants pre-votes again once 400 ms pass.
//     Cost: one more round trip before each election, n-1 more RPCs.
//   - Fast backtracking: a follower rejecting AppendEntries returns the term
//     of its conflicting entry and the first index it holds for that term
//     (or its log length if too short); the leader skips to just past its
//     own last entry of that term, or to that first index. One round trip
//     per conflicting term instead of per entry (end of §5.3). The
//     follower also reports its commitIndex, and when resuming just after
//     it costs at most one batch, the leader does so: those entries are
//     certain to match, so the next AppendEntries succeeds. Under the
//     testers' long reply delays this saves whole seconds of round trips.
//   - Batching: at most one AppendEntries per follower is outstanding. Start
//     sends at once when nothing is in flight; entries proposed meanwhile go
//     in the next batch, sent as soon as the reply arrives (up to 1000
//     entries per RPC). The follower's sender goroutine yields the
//     processor once before it builds its arguments, so a burst of Starts
//     from several goroutines travels in one call even on the reliable
//     network, whose round trip is shorter than the gap between two
//     goroutines' Starts.
//   - Prompt but coalesced commit notices: when the leader's commitIndex
//     moves, followers learn it with the next entries or, if none come
//     within 2 ms, from an AppendEntries the ticker sends on its next tick
//     (at most about 12 ms later), so they apply without waiting for a
//     heartbeat and a stream of commands costs no extra RPCs.
//   - Slow or lost calls: a follower that keeps answering gets its
//     heartbeats on time even while an older call's reply is delayed; a
//     follower that stops answering is probed every 500 ms (a call to a
//     disconnected peer may take seconds to fail); a failed call is retried
//     at once, then with a backoff from 10 ms up to the heartbeat interval.
//   - Stale replies: replies can arrive out of order, so matchIndex and
//     nextIndex only move forward on success, and nextIndex never drops to
//     or below matchIndex on the failure of an older call.
//   - A follower that lost entries it had acknowledged (restarted without
//     its last saved records, as an unsynced write lost in a machine crash
//     leaves it): when the rejection of the latest call shows it, the
//     leader forgets that follower's matchIndex, backs up as far as the
//     follower needs, and reports it through SetLogf's logger. A rejection
//     of the latest call that brings nextIndex no closer to a match makes
//     the next call wait the failed-call backoff, so no answer whatever
//     makes a leader resend in a tight loop.
//   - InstallSnapshot carries the whole snapshot in one RPC (no offset/done
//     chunks). A follower ignores a snapshot that does not go beyond its
//     commitIndex, so it never moves backwards; CondInstallSnapshot always
//     returns true.
//   - Persistence is an append-only stream of labgob records (hard state,
//     entries-from-index, snapshot base) whose chunks the Persister keeps
//     without copying, so saving costs time proportional to what changed. It
//     is rewritten compactly after each snapshot and when obsolete records
//     exceed a quarter of the live ones. Restoring replays it and panics, naming the peer,
//     on corrupt or truncated data rather than starting afresh. (A stream
//     cut exactly at a record boundary is indistinguishable from an earlier
//     saved state.)
//   - The log is stored in segments of 4096 entries, and the persisted
//     stream in chunks of up to 64 KB. Chunks never copy themselves to grow,
//     and segments only while the first one fills. A single slice would: with
//     millions of entries, each growth copies and faults in hundreds of
//     megabytes, and the peer stalls for a good part of a second.
//   - The Persister may be a course's own (docs/course-files.md): Raft saves
//     through its exported Save, and uses our Persister's chunked save
//     path only when a type assertion finds it.
//   - SetMaxAppendBytes, beside the lab API, bounds the bytes of entries one
//     AppendEntries carries (by their average persisted size, and by each
//     entry's own size when its command implements CommandSizer, as
//     raftkv's does; at least one entry). A service that bounds its
//     persisted state (raftkv, by maxraftstate) sets it, so that a
//     follower never saves more at once than it can compact; a real
//     cluster sets it so that no call is so large that heartbeats queue
//     behind it.
//   - ReadIndex, beside the lab API, serves read-only queries without log
//     entries (dissertation §6.4). The read index is commitIndex when the
//     read arrives; the leader refuses until it has committed an entry of
//     its own term (it adds no no-op entry at the start of a term: the
//     testers count log indices), and answers once a majority has replied,
//     in its term, to AppendEntries sent after the read arrived. Those are
//     the leader's ordinary calls: a read makes one due for every follower
//     with none in flight, and reads arriving before any call of the
//     latest round went out share it. No reads, no extra calls.
//   - TransferLeadership, beside the lab API, hands leadership to a chosen
//     peer (dissertation §3.10). It returns once the transfer has begun.
//     The leader then refuses Start (isLeader false, as on a follower),
//     brings the target's log up to its own with its ordinary calls (one
//     probe sent at once, instead of at the next heartbeat), and sends it a
//     TimeoutNow RPC; the target runs an election at once, without
//     pre-vote, its RequestVotes marked DisruptLeader (the lease reads'
//     vote refusal below does not apply to them), and its reply
//     carries its new term, so the old leader steps down at once. A lost
//     or fruitless TimeoutNow is resent after 50 ms while the transfer
//     lasts. If the target has not won within an election timeout (800
//     ms: it is cut off, crashed or lost), the leader accepts commands
//     again in its term. Once it has sent TimeoutNow it serves no lease
//     reads for the rest of its term: the target may win before any lease
//     runs out. No transfer, no extra calls.
//   - Lease reads (dissertation §6.4.1), off by default (Options.LeaseReads, at
//     every peer): ReadIndex answers at once, without a round, while a
//     majority (the leader included) answered calls the leader sent less
//     than 350 ms ago (the 400 ms minimum election timeout less a 50 ms
//     margin for clock drift), counted from when the calls were sent, not
//     from when the answers came. It rests on a vote refusal that applies
//     only with lease reads on: a peer that heard from a leader within
//     400 ms refuses RequestVote without taking its term (§4.2.3), whatever
//     its term now; the pre-vote's stickiness alone leaves a gap (a
//     pre-vote granted just before the leader's call, then the real vote).
//     Clocks: monotonic on each peer, rates within 12% of each other;
//     inside one process every peer reads the same monotonic clock, so
//     there is no drift at all. See lease.go.
//   - SetMaxStateBytes, beside it, makes a follower whose persisted state
//     is over a bound, with committed entries still in its log, wait in
//     the AppendEntries handler (at most 50 ms, see flowcontrol.go) for its
//     service to snapshot before it saves more. A service whose apply loop
//     falls behind (a busy processor is enough) would otherwise keep
//     saving entries it cannot compact yet.
//
// # Debugging
//
// Set RAFT_DEBUG=1 to print one line per event on stderr:
//
//	001234 S1 T3 leader    LOG   sending 5 entries 6..10 to S2 (commit 5)
//
// (milliseconds since start, peer, term, role, topic, message); cmd/raftlog
// lays such a log out per peer.
package raft
