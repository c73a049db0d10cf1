package raft

// maxApplyBatch bounds how many entries the applier copies out per wake-up,
// so a long catch-up does not copy the whole log at once.
const maxApplyBatch = 512

// applier is the one goroutine that writes to applyCh. It applies Figure 2's
// rule for all servers, "If commitIndex > lastApplied: increment
// lastApplied, apply log[lastApplied] to state machine (§5.3)", and hands
// over snapshots received from the leader before any entry that follows
// them. It sleeps on applyCond, sends without holding rf.mu, and exits when
// the peer is killed.
func (rf *Raft) applier() {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	for {
		for !rf.killed() && !rf.snapshotPending && rf.lastApplied >= rf.commitIndex {
			rf.applyCond.Wait()
		}
		if rf.killed() {
			return
		}
		msgs, last := rf.nextApplyMsgs()
		rf.mu.Unlock()
		delivered := rf.deliver(msgs)
		rf.mu.Lock()
		if !delivered {
			return
		}
		if last > rf.lastApplied {
			rf.lastApplied = last
		}
		rf.dlog(topicApply, "applied through %d", last)
	}
}

// nextApplyMsgs returns what the applier must send next and the index it
// reaches: the pending snapshot alone, or a batch of committed entries
// following lastApplied. Caller holds rf.mu.
func (rf *Raft) nextApplyMsgs() ([]ApplyMsg, int) {
	if rf.snapshotPending {
		rf.snapshotPending = false
		msg := ApplyMsg{
			SnapshotValid: true,
			Snapshot:      rf.snapshot,
			SnapshotTerm:  rf.log.snapshotTerm(),
			SnapshotIndex: rf.log.snapshotIndex(),
		}
		return []ApplyMsg{msg}, msg.SnapshotIndex
	}
	if rf.lastApplied < rf.log.snapshotIndex() {
		// Cannot happen: a snapshot beyond lastApplied is always pending.
		rf.dlog(topicWarn, "lastApplied %d is inside the snapshot %s", rf.lastApplied, rf.log.describe())
		rf.lastApplied = rf.log.snapshotIndex()
	}
	from := rf.lastApplied + 1
	entries := rf.log.copyRange(from, rf.commitIndex, maxApplyBatch)
	msgs := make([]ApplyMsg, len(entries))
	for k, e := range entries {
		msgs[k] = ApplyMsg{CommandValid: true, Command: e.Command, CommandIndex: from + k, CommandTerm: e.Term}
	}
	return msgs, from + len(entries) - 1
}

// deliver sends msgs on applyCh in order. It reports false if the peer was
// killed while the service was not reading. Caller does not hold rf.mu.
func (rf *Raft) deliver(msgs []ApplyMsg) bool {
	for _, m := range msgs {
		select {
		case rf.applyCh <- m:
		case <-rf.done:
			return false
		}
	}
	return true
}
