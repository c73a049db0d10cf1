//go:build go1.25

//go:debug asynctimerchan=0
//go:debug randseednop=0

package virtualtest

import (
	"testing"
	"time"
)

// TestRunTakesNoRealTimeToWait checks the point of it all: an hour of
// waiting in virtual time passes in far less real time, and the tester
// hook is given the run's seed first.
func TestRunTakesNoRealTimeToWait(t *testing.T) {
	var gotSeed int64
	start := time.Now()
	Run(t, func(t *testing.T) { time.Sleep(time.Hour) }, func(seed int64) { gotSeed = seed })
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("an hour of virtual sleep took %v of real time", took)
	}
	if gotSeed == 0 {
		t.Errorf("the tester hook got no seed")
	}
}
