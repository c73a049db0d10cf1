package raft

// Log replication (2B): §5.3 and §5.4 of the paper and the AppendEntries box
// of Figure 2. Heartbeats (2A) are AppendEntries RPCs without entries.

// AppendEntries is the handler of the AppendEntries RPC: labrpc calls it
// when a leader sends this peer entries or a heartbeat.
func (rf *Raft) AppendEntries(args *AppendEntriesArgs, reply *AppendEntriesReply) {
	// TODO(2A): a heartbeat from a current leader resets the election
	// timeout and keeps this peer a follower.
	// TODO(2B): follow "AppendEntries RPC, Receiver implementation" of
	// Figure 2, steps 1 to 5, to the letter: truncate the log only where
	// an entry conflicts (step 3), never because the leader sent fewer
	// entries than this peer holds.
	// TODO(2C): save what you changed before replying (persist.go).
}

// TODO(2B): the leader's side. Send each follower the entries from its
// nextIndex on, in a goroutine per RPC as in requestVoteFrom (election.go);
// copy the entries into the arguments rather than handing out a slice of
// your live log. On success advance matchIndex and nextIndex; on failure
// back nextIndex up and try again (see the guide on TestBackup2B). Advance
// commitIndex as in the last rule of "Rules for Servers, Leaders", and only
// over entries of the current term (§5.4.2, Figure 8).
//
// TODO(2B): the applier. One goroutine delivers the entries between
// lastApplied and commitIndex on applyCh, in order, each exactly once. It
// must not hold rf.mu while it sends (the service may call Start or
// Snapshot before reading the next message); a sync.Cond on rf.mu lets it
// sleep until commitIndex moves.
