package raft

// Debug output: when the environment variable RAFT_DEBUG is set (to
// anything but 0), debugf prints lines that `go run ./cmd/raftlog` lays out
// in one column per peer:
//
//	RAFT_DEBUG=1 go test -run TestFigure82C ./raft 2>&1 | go run ./cmd/raftlog
//
// Each line reads: milliseconds since the program started (in virtual time:
// since the test started), peer, term,
// role, topic, message.
//
//	004213 S2 T7 leader    LOG   sending entries 12..15 to S0

import (
	"fmt"
	"os"
	"sync"
	"time"
)

var (
	debugEpoch = time.Now()
	// RAFT_DEBUG is read at the first debug line, inside a test, rather
	// than when the package starts: go test only keys its cache on the
	// variables a test reads, so a plain run's cached result is not
	// replayed when you ask for debug output, nor the other way round.
	debugOnce sync.Once
	debugOn   bool
)

// debugMillis returns the milliseconds of a debug line's first column:
// since the program started or, in virtual time (cmd/stress -virtual), since
// the test started: the clock of a testing/synctest bubble reads midnight
// UTC 2000-01-01 as each test starts.
func debugMillis() int64 {
	now := time.Now().Round(0)
	if now.Year() == 2000 {
		return now.Sub(time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)).Milliseconds()
	}
	return now.Sub(debugEpoch.Round(0)).Milliseconds()
}

func debugEnabled() bool {
	debugOnce.Do(func() {
		v := os.Getenv("RAFT_DEBUG")
		debugOn = v != "" && v != "0"
	})
	return debugOn
}

// debugf prints one debug line about this peer if RAFT_DEBUG is set. topic
// names what the line is about, one of the topics cmd/raftlog knows (it
// colours them, and its -topics filter accepts only them): TIMR timers,
// VOTE, LEAD, TERM, LOG replication, CMIT commit, APLY apply, PERS
// persistence, SNAP snapshots, DROP, WARN. Caller holds rf.mu.
func (rf *Raft) debugf(topic string, format string, args ...interface{}) {
	if !debugEnabled() {
		return
	}
	term, role := rf.debugState()
	ms := debugMillis()
	fmt.Fprintf(os.Stderr, "%06d S%d T%d %-9s %-5s %s\n", ms, rf.me, term, role, topic, fmt.Sprintf(format, args...))
}

// debugState returns the term and the role (follower, candidate or leader,
// in lower case) that debug lines show. Caller holds rf.mu.
func (rf *Raft) debugState() (int, string) {
	// TODO(2A): return currentTerm and your role's name.
	return 0, "follower"
}
