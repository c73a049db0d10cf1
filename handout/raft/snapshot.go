package raft

// Log compaction (2D): §7 of the paper and Figure 13. The service takes
// snapshots of its own state and hands them to Raft, which then drops the
// log entries the snapshot covers; a follower that needs entries the leader
// has dropped gets the snapshot instead, by InstallSnapshot.

// Snapshot tells the peer that the service has a snapshot (snapshot) of its
// state that includes every entry up to and including index. The peer should
// save the snapshot with its state (Persister.Save) and drop the entries it
// covers, keeping what it needs to check the entry after it (the index and
// term of the last entry covered).
func (rf *Raft) Snapshot(index int, snapshot []byte) {
	// TODO(2D)
}

// CondInstallSnapshot is kept for services written for an older version of
// the lab, which asked Raft before installing a snapshot received on
// applyCh. A service may always install such a snapshot now, so it returns
// true.
func (rf *Raft) CondInstallSnapshot(lastIncludedTerm int, lastIncludedIndex int, snapshot []byte) bool {
	return true
}

// InstallSnapshot is the handler of the InstallSnapshot RPC (Figure 13):
// labrpc calls it when a leader sends this peer its snapshot.
func (rf *Raft) InstallSnapshot(args *InstallSnapshotArgs, reply *InstallSnapshotReply) {
	// TODO(2D): follow "InstallSnapshot RPC, Receiver implementation" of
	// Figure 13 (steps 2 to 4 do not apply: the snapshot comes whole).
	// Hand the snapshot to the service on applyCh (SnapshotValid) from the
	// goroutine that applies entries, so that it arrives in log order.
}
