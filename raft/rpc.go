package raft

// The argument and reply types of the RPCs, named and laid out as in Figure 2
// (RequestVote, AppendEntries) and Figure 13 (InstallSnapshot), and of the
// pre-vote (§9.6) and leadership transfer (§3.10) of the Raft dissertation. All fields are exported so that
// labgob can encode them.

// RequestVoteArgs is sent by candidates to gather votes (§5.2).
type RequestVoteArgs struct {
	Term         int // candidate's term
	CandidateId  int // candidate requesting vote
	LastLogIndex int // index of candidate's last log entry (§5.4)
	LastLogTerm  int // term of candidate's last log entry (§5.4)

	// DisruptLeader goes beyond Figure 2: it marks the election of a
	// leadership transfer (dissertation §3.10), which the leader itself
	// asked for. Leader stickiness must not refuse such a vote (§4.2.3):
	// RequestVote (election.go) lets it through the vote refusal that
	// lease reads rest on (voteStickiness, lease.go).
	DisruptLeader bool
}

// RequestVoteReply answers a RequestVote.
type RequestVoteReply struct {
	Term        int  // currentTerm, for candidate to update itself
	VoteGranted bool // true means candidate received vote
}

// PreVoteArgs asks a peer whether it would vote for the sender in an
// election for Term (dissertation §9.6). The sender is still in Term-1: it
// changes neither its term nor its vote to ask, and the receiver changes
// nothing to answer. The fields are RequestVoteArgs's, with the same names,
// so a peer that only knows RequestVote's types can decode it.
type PreVoteArgs struct {
	Term         int // the term the sender would campaign in: its currentTerm + 1
	CandidateId  int // the would-be candidate
	LastLogIndex int // index of its last log entry (§5.4)
	LastLogTerm  int // term of its last log entry (§5.4)
}

// PreVoteReply answers a PreVote.
type PreVoteReply struct {
	Term        int  // the receiver's currentTerm, for the sender to update itself
	VoteGranted bool // true means the receiver would grant its vote
}

// TimeoutNowArgs is sent by a leader transferring its leadership
// (dissertation §3.10) to the target, once the target's log matches its
// own: start an election now.
type TimeoutNowArgs struct {
	Term     int // leader's term
	LeaderId int // the leader handing over
}

// TimeoutNowReply answers a TimeoutNow.
type TimeoutNowReply struct {
	Term int // the receiver's currentTerm, after starting its election
}

// AppendEntriesArgs is sent by the leader to replicate log entries (§5.3);
// with no entries it is a heartbeat (§5.2).
type AppendEntriesArgs struct {
	Term         int        // leader's term
	LeaderId     int        // so follower can redirect clients
	PrevLogIndex int        // index of log entry immediately preceding new ones
	PrevLogTerm  int        // term of the PrevLogIndex entry
	Entries      []LogEntry // log entries to store (empty for heartbeat); a copy, never the leader's live log
	LeaderCommit int        // leader's commitIndex
}

// AppendEntriesReply answers an AppendEntries. ConflictTerm and
// ConflictIndex go beyond Figure 2: they let the leader skip a whole
// conflicting term per round trip (the optimisation sketched at the end of
// §5.3).
type AppendEntriesReply struct {
	Term    int  // currentTerm, for leader to update itself
	Success bool // true if follower contained entry matching PrevLogIndex and PrevLogTerm

	// On failure: the term of the follower's entry at PrevLogIndex and the
	// first index it holds for that term, or ConflictTerm == 0 and
	// ConflictIndex == the follower's last index + 1 when its log is too
	// short to have an entry at PrevLogIndex.
	ConflictTerm  int
	ConflictIndex int
	// FollowerCommit is the follower's commitIndex: its log certainly
	// matches the leader's up to there (Leader Completeness, §5.4), so the
	// leader can resume just after it and be sure to succeed.
	FollowerCommit int
}

// InstallSnapshotArgs is sent by the leader to a follower that needs entries
// the leader has already discarded (Figure 13). The whole snapshot travels in
// one RPC, so Figure 13's offset and done fields are not needed.
type InstallSnapshotArgs struct {
	Term              int    // leader's term
	LeaderId          int    // so follower can redirect clients
	LastIncludedIndex int    // the snapshot replaces all entries up through and including this index
	LastIncludedTerm  int    // term of lastIncludedIndex
	Data              []byte // raw bytes of the snapshot

	// Beyond Figure 13, with changeable membership only: the cluster
	// configuration as of LastIncludedIndex and the index of the entry
	// that held it (dissertation §4.1; configuration.go).
	Configuration      *ConfigChange
	ConfigurationIndex int
}

// InstallSnapshotReply answers an InstallSnapshot.
type InstallSnapshotReply struct {
	Term int // currentTerm, for leader to update itself
}
