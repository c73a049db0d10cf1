package raft

import "time"

// Snapshot tells Raft that the service has applied everything through index
// and that snapshot captures its state there (§7). Raft discards the log
// through index and persists its state and the snapshot together. The
// snapshot is copied once, so the caller may reuse its slice. A snapshot
// that is not newer than the current one, or that reaches beyond what Raft
// has committed, is ignored.
func (rf *Raft) Snapshot(index int, snapshot []byte) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	if index <= rf.log.snapshotIndex() || index > rf.commitIndex {
		rf.dlog(topicDrop, "ignoring service snapshot at %d: have %s, commit %d", index, rf.log.describe(), rf.commitIndex)
		return
	}
	term, _ := rf.log.term(index)
	rf.log.compactTo(index, term)
	rf.compactConfigs(nil, 0)
	rf.snapshot = append([]byte(nil), snapshot...)
	rf.dlog(topicSnapshot, "service snapshot at %d (%d bytes); log now %s", index, len(snapshot), rf.log.describe())
	rf.rewriteState()
	rf.compacted.Broadcast()
}

// CondInstallSnapshot is kept for services written against the older API,
// which asked Raft whether to install a snapshot received on applyCh. Raft
// now delivers a snapshot only when the service should install it, so the
// answer is always true.
//
// Deprecated: install every snapshot received on applyCh; there is nothing
// to ask.
func (rf *Raft) CondInstallSnapshot(lastIncludedTerm, lastIncludedIndex int, snapshot []byte) bool {
	return true
}

// snapshotArgs builds the InstallSnapshot for a follower that needs
// entries the snapshot has replaced (§7). Caller holds rf.mu and is the
// leader.
func (rf *Raft) snapshotArgs(peer int) InstallSnapshotArgs {
	args := InstallSnapshotArgs{
		Term:              rf.currentTerm,
		LeaderId:          rf.me,
		LastIncludedIndex: rf.log.snapshotIndex(),
		LastIncludedTerm:  rf.log.snapshotTerm(),
		Data:              rf.snapshot, // never modified in place, so sharing it is safe
	}
	if rf.members.changeable {
		// The configuration as of the snapshot's last index (§4.1): the
		// follower may find none in the entries that follow.
		c := rf.members.snap
		args.Configuration, args.ConfigurationIndex = &c.ConfigChange, c.index
	}
	rf.dlog(topicSnapshot, "sending snapshot %d/T%d (%d bytes) to S%d",
		args.LastIncludedIndex, args.LastIncludedTerm, len(args.Data), peer)
	return args
}

// installSnapshotOn makes one InstallSnapshot call for one of peer's
// senders, s (sender.go), and handles its reply: the follower now holds
// everything through the snapshot. Caller holds rf.mu, which is released
// during the Call.
func (rf *Raft) installSnapshotOn(peer int, args InstallSnapshotArgs, seq uint64, s *senders) {
	if p := &rf.lead.progress[peer]; rf.members.changeable && !p.snapshotSentAt.After(p.advancedAt) {
		p.snapshotSentAt = time.Now() // a new server's catch-up gives it longer (catchup.go)
	}
	var reply InstallSnapshotReply
	sent, ok := rf.callOutsideLock(peer, s, "Raft.InstallSnapshot", &args, &reply)
	if !rf.replyCounts(peer, seq, sent, ok, args.Term, reply.Term) {
		return
	}
	rf.handleAppendSuccess(peer, args.LastIncludedIndex)
	rf.replicateTo(peer, time.Now())
}

// InstallSnapshot is the InstallSnapshot RPC handler (Figure 13, receiver
// implementation, with the whole snapshot in one RPC). A snapshot that does
// not go beyond what this peer has already committed is ignored: its log
// already holds those entries, and a snapshot must never move the state
// backwards.
func (rf *Raft) InstallSnapshot(args *InstallSnapshotArgs, reply *InstallSnapshotReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	var current bool
	if reply.Term, current = rf.admitRequest(args.Term); !current {
		return
	}
	rf.acceptLeader(args.LeaderId)
	if args.LastIncludedIndex <= rf.commitIndex {
		rf.dlog(topicDrop, "ignoring snapshot %d from S%d: commit is %d", args.LastIncludedIndex, args.LeaderId, rf.commitIndex)
		return
	}
	// 6. If existing log entry has same index and term as snapshot's last
	// included entry, retain log entries following it; 7. otherwise
	// discard the entire log.
	rf.log.compactTo(args.LastIncludedIndex, args.LastIncludedTerm)
	rf.compactConfigs(args.Configuration, args.ConfigurationIndex)
	rf.snapshot = args.Data
	// 8. Reset state machine using snapshot contents: the applier hands
	// the snapshot to the service before any later entry.
	rf.commitIndex = args.LastIncludedIndex
	rf.snapshotPending = true
	rf.applyCond.Signal()
	rf.dlog(topicSnapshot, "installed snapshot %d/T%d from S%d; log now %s",
		args.LastIncludedIndex, args.LastIncludedTerm, args.LeaderId, rf.log.describe())
	rf.rewriteState() // state and snapshot together, before replying
	rf.compacted.Broadcast()
}
