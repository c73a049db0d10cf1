package debugline

import "time"

// start is the origin of the millisecond column.
var start = time.Now()

// bubbleEpoch is where the clock starts in virtual time: a testing/synctest
// bubble's clock reads midnight UTC 2000-01-01 when each test starts there,
// long before start.
var bubbleEpoch = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Millis returns the milliseconds of a line's first column: since the
// process started, or, in virtual time, since the test started.
func Millis() int64 {
	return millisAt(time.Now())
}

func millisAt(now time.Time) int64 {
	if now = now.Round(0); now.Before(start.Round(0)) {
		return now.Sub(bubbleEpoch).Milliseconds()
	}
	return now.Sub(start).Milliseconds()
}
