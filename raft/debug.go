package raft

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Debug output is off unless the environment variable RAFT_DEBUG is set to
// something other than "" or "0". Each line has the layout cmd/raftlog
// parses:
//
//	001234 S1 T3 leader    LOG   sent 5 entries to S2
//
// milliseconds since the process started (in virtual time: since the test
// started), peer, term, role, topic, message.

// Debug topics: four or five upper-case letters each.
const (
	topicTimer    = "TIMR"
	topicVote     = "VOTE"
	topicLeader   = "LEAD"
	topicTerm     = "TERM"
	topicLog      = "LOG"
	topicCommit   = "CMIT"
	topicApply    = "APLY"
	topicPersist  = "PERS"
	topicSnapshot = "SNAP"
	topicDrop     = "DROP"
	topicWarn     = "WARN"
	topicRead     = "READ"
)

var (
	debugStart = time.Now()
	// debugOnce reads RAFT_DEBUG at the first debug line rather than at
	// package init: go test records the variables a test reads only once
	// the test has started, and keys its cache on them, so a run with
	// RAFT_DEBUG=1 is never answered from the cache of a plain run.
	debugOnce sync.Once
	debugOn   bool
)

// bubbleEpoch is where the clock starts in virtual time: a testing/synctest
// bubble's clock reads midnight UTC 2000-01-01 when each test starts there,
// long before debugStart.
var bubbleEpoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// debugMillis returns the milliseconds of a debug line's first column: since
// the process started, or, in virtual time, since the test started.
func debugMillis() int64 {
	if now := time.Now().Round(0); now.Before(debugStart.Round(0)) {
		return now.Sub(bubbleEpoch).Milliseconds()
	}
	return time.Since(debugStart).Milliseconds()
}

func debugSetting(v string) bool { return v != "" && v != "0" }

// debugEnabled tells whether RAFT_DEBUG asks for debug lines.
func debugEnabled() bool {
	debugOnce.Do(func() { debugOn = debugSetting(os.Getenv("RAFT_DEBUG")) })
	return debugOn
}

// dlog prints one debug line about this peer. Caller holds rf.mu (the line
// shows currentTerm and role).
func (rf *Raft) dlog(topic string, format string, args ...interface{}) {
	if !debugEnabled() {
		return
	}
	ms := debugMillis()
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(os.Stderr, "%06d S%d T%d %-9s %-5s %s\n", ms, rf.me, rf.currentTerm, rf.role, topic, msg)
}
