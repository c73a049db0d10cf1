package raftkv

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Debug topics (COMMON layout: 4-5 upper-case letters).
const (
	topicGet    = "KVGET"
	topicPut    = "KVPUT"
	topicApply  = "KVAPL"
	topicSnap   = "KVSNP"
	topicClerk  = "CLERK"
	roleServer  = "kvserver"
	roleClerk   = "clerk"
	unknownTerm = -1
)

// debugOnce reads KV_DEBUG (on: anything but "" or "0") at the first debug
// line rather than at package init: go test records the variables a test
// reads only once the test has started, and keys its cache on them, so a
// run with KV_DEBUG=1 is never answered from the cache of a plain run.
var (
	debugOnce sync.Once
	debugOn   bool
)

// debugEnabled tells whether KV_DEBUG asks for debug lines.
func debugEnabled() bool {
	debugOnce.Do(func() { debugOn = debugSetting(os.Getenv("KV_DEBUG")) })
	return debugOn
}

// debugStart is the origin of the millisecond column.
var debugStart = time.Now()

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

func debugSetting(v string) bool {
	return v != "" && v != "0"
}

// debugf writes one line in the layout shared with the raft package:
//
//	000123 S1 T4 kvserver  KVAPL applied Append k=0 at 17
//
// term unknownTerm prints as "T-". Off unless KV_DEBUG is set.
func debugf(peer, term int, role, topic, format string, args ...interface{}) {
	if !debugEnabled() {
		return
	}
	fmt.Fprint(os.Stderr, formatDebugLine(time.Duration(debugMillis())*time.Millisecond, peer, term, role, topic,
		fmt.Sprintf(format, args...)))
}

func formatDebugLine(since time.Duration, peer, term int, role, topic, msg string) string {
	t := "T-"
	if term != unknownTerm {
		t = fmt.Sprintf("T%d", term)
	}
	return fmt.Sprintf("%06d S%d %s %-9s %-5s %s\n", since.Milliseconds(), peer, t, role, topic, msg)
}
