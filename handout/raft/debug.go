package raft

// Debug output: when the environment variable RAFT_DEBUG is set (to
// anything but 0), debugf prints lines that `go run ./cmd/raftlog` lays out
// in one column per peer:
//
//	RAFT_DEBUG=1 go test -run TestFigure82C ./raft 2>&1 | go run ./cmd/raftlog
//
// Each line reads: milliseconds since the program started, peer, term,
// role, topic, message.
//
//	004213 S2 T7 leader    LOG   sending entries 12..15 to S0

import (
	"fmt"
	"os"
	"time"
)

var (
	debugOn    = os.Getenv("RAFT_DEBUG") != "" && os.Getenv("RAFT_DEBUG") != "0"
	debugEpoch = time.Now()
)

// debugf prints one debug line about this peer if RAFT_DEBUG is set. topic
// names what the line is about in two to six upper-case letters, e.g. VOTE,
// TIMER, LOG, COMMIT, APPLY, PERS, SNAP; cmd/raftlog can show or hide lines
// by topic. Caller holds rf.mu.
func (rf *Raft) debugf(topic string, format string, args ...interface{}) {
	if !debugOn {
		return
	}
	term, role := rf.debugState()
	ms := int64(time.Since(debugEpoch) / time.Millisecond)
	fmt.Fprintf(os.Stderr, "%06d S%d T%d %-9s %-5s %s\n", ms, rf.me, term, role, topic, fmt.Sprintf(format, args...))
}

// debugState returns the term and the role (follower, candidate or leader,
// in lower case) that debug lines show. Caller holds rf.mu.
func (rf *Raft) debugState() (int, string) {
	// TODO(2A): return currentTerm and your role's name.
	return 0, "follower"
}
