package raftkv

// Debug output: when the environment variable KV_DEBUG is set (to anything
// but 0), debugf prints lines in the layout cmd/raftlog reads, so that they
// can be laid out beside Raft's (RAFT_DEBUG):
//
//	KV_DEBUG=1 RAFT_DEBUG=1 go test -run TestBasic3A ./raftkv 2>&1 | go run ./cmd/raftlog
//
//	001532 S3 T2 kvserver  KVAPL applied Append to "k" at index 9
//	001533 S3 T- clerk     CLERK Get "k": wrong leader, trying S4
//
// A server line names the server and, if known, its term; a clerk line
// names the server it talks to, and has no term (T-).

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

var (
	debugEpoch = time.Now()
	// KV_DEBUG is read at the first debug line, inside a test, so that go
	// test's cache keys on it (see raft/debug.go).
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
		v := os.Getenv("KV_DEBUG")
		debugOn = v != "" && v != "0"
	})
	return debugOn
}

// noTerm is the term to give debugf when the line has none (clerk lines).
const noTerm = -1

// debugf prints one debug line if KV_DEBUG is set. server is the server the
// line is about; role is "kvserver" or "clerk"; topic names what the line
// is about, one of the topics cmd/raftlog knows: KVGET, KVPUT, KVAPL
// (apply), KVSNP (snapshots), CLERK.
func debugf(server int, term int, role string, topic string, format string, args ...interface{}) {
	if !debugEnabled() {
		return
	}
	termText := "-"
	if term != noTerm {
		termText = strconv.Itoa(term)
	}
	ms := debugMillis()
	fmt.Fprintf(os.Stderr, "%06d S%d T%s %-9s %-5s %s\n", ms, server, termText, role, topic, fmt.Sprintf(format, args...))
}
