// Package debugclock is the clock of the debug lines that raft, raftkv and
// their testers print (RAFT_DEBUG, KV_DEBUG): milliseconds since the process
// started, or, when a test runs in virtual time, since that test started.
package debugclock

import "time"

// start is the origin in real time: the process start.
var start = time.Now()

// bubbleEpoch is where the clock of a testing/synctest bubble starts, anew
// for every test run in one: midnight UTC 2000-01-01 (the package's
// documented behaviour), long before any process start.
var bubbleEpoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Millis returns the milliseconds of the debug lines' first column. In a
// bubble the wall clock reads earlier than start, so the time since the
// bubble's epoch, the test's own virtual time, is given instead of a
// negative number.
func Millis() int64 {
	now := time.Now()
	if now.Round(0).Before(start.Round(0)) {
		return now.Round(0).Sub(bubbleEpoch).Milliseconds()
	}
	return now.Sub(start).Milliseconds()
}
