package raft

// The arguments and replies of Raft's three RPCs. The field names are those
// of Figure 2 (RequestVote, AppendEntries) and Figure 13 (InstallSnapshot):
// keep them, because the tester's paper tests build these structs to talk
// to your peer. You may add fields (for example to let a leader back up
// over a follower's conflicting entries faster, see the end of §5.3).
//
// Every field must be exported (start with a capital letter): labgob, which
// carries RPCs over the simulated network, cannot see the others and warns
// about them.

// LogEntry is one entry of the log: a command for the service and the term
// in which a leader received it (§5.3).
type LogEntry struct {
	Term    int
	Command interface{}
}

// RequestVoteArgs is what a candidate sends when it asks for a vote (§5.2).
type RequestVoteArgs struct {
	Term         int // the candidate's term
	CandidateId  int // who is asking
	LastLogIndex int // index of the candidate's last entry (§5.4.1)
	LastLogTerm  int // term of that entry (§5.4.1)
}

// RequestVoteReply is a voter's answer.
type RequestVoteReply struct {
	Term        int  // the voter's currentTerm, so a stale candidate learns of it
	VoteGranted bool // whether the voter gave the candidate its vote
}

// AppendEntriesArgs is what a leader sends to replicate entries (§5.3); with
// no entries it is a heartbeat (§5.2).
type AppendEntriesArgs struct {
	Term         int        // the leader's term
	LeaderId     int        // lets a follower tell clients where the leader is
	PrevLogIndex int        // index of the entry just before Entries
	PrevLogTerm  int        // term of the entry at PrevLogIndex
	Entries      []LogEntry // entries to store; empty for a heartbeat
	LeaderCommit int        // the leader's commitIndex
}

// AppendEntriesReply is a follower's answer.
type AppendEntriesReply struct {
	Term    int  // the follower's currentTerm, so a stale leader learns of it
	Success bool // whether the follower's log held an entry matching PrevLogIndex and PrevLogTerm
}

// InstallSnapshotArgs is what a leader sends to a follower that needs
// entries the leader has already replaced by a snapshot (§7, Figure 13).
// Send the whole snapshot in one RPC: Figure 13's offset and done fields are
// not needed here.
type InstallSnapshotArgs struct {
	Term              int    // the leader's term
	LeaderId          int    // lets a follower tell clients where the leader is
	LastIncludedIndex int    // the snapshot stands for every entry up to and including this index
	LastIncludedTerm  int    // term of the entry at LastIncludedIndex
	Data              []byte // the snapshot itself, as the service encoded it
}

// InstallSnapshotReply is a follower's answer.
type InstallSnapshotReply struct {
	Term int // the follower's currentTerm, so a stale leader learns of it
}
