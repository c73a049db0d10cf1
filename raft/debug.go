package raft

import "miniraftkv/internal/debugline"

// Debug output is off unless the environment variable RAFT_DEBUG is set to
// something other than "" or "0". Each line has the layout of package
// internal/debugline, which cmd/raftlog parses:
//
//	001234 S1 T3 leader    LOG   sent 5 entries to S2
//
// milliseconds since the process started (in virtual time: since the test
// started), peer, term, role, topic, message.

// Debug topics.
const (
	topicTimer    = debugline.Timer
	topicVote     = debugline.Vote
	topicLeader   = debugline.Leader
	topicTerm     = debugline.Term
	topicLog      = debugline.Log
	topicCommit   = debugline.Commit
	topicApply    = debugline.Apply
	topicPersist  = debugline.Persist
	topicSnapshot = debugline.Snapshot
	topicDrop     = debugline.Drop
	topicWarn     = debugline.Warn
	topicRead     = debugline.Read
)

// debug is RAFT_DEBUG.
var debug = debugline.NewSwitch("RAFT_DEBUG")

// dlog prints one debug line about this peer. Caller holds rf.mu (the line
// shows currentTerm and role).
func (rf *Raft) dlog(topic string, format string, args ...interface{}) {
	if !debug.On() {
		return
	}
	debugline.Print(rf.me, rf.currentTerm, rf.role.String(), topic, format, args...)
}
