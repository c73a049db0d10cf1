package raft

import (
	"sort"
	"testing"
	"testing/quick"
	"time"
)

func TestHasQuorum(t *testing.T) {
	cases := []struct {
		name string
		has  []bool
		want bool
	}{
		{"one of one", []bool{true}, true},
		{"none of one", []bool{false}, false},
		{"two of three", []bool{true, false, true}, true},
		{"one of three", []bool{false, false, true}, false},
		{"two of four", []bool{true, true, false, false}, false},
		{"three of four", []bool{true, true, false, true}, true},
		{"three of five", []bool{true, false, true, false, true}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := hasQuorum(firstPeers(len(c.has)), func(peer int) bool { return c.has[peer] }); got != c.want {
				t.Errorf("hasQuorum(%v) = %v, want %v", c.has, got, c.want)
			}
		})
	}
}

// TestQuorumValueOfTimes checks quorumValue on times, as the lease uses it,
// against sorting: the majority-th latest time.
func TestQuorumValueOfTimes(t *testing.T) {
	base := time.Now()
	f := func(offsets []uint16) bool {
		if len(offsets) == 0 {
			return true
		}
		times := make([]time.Time, len(offsets))
		for i, o := range offsets {
			times[i] = base.Add(time.Duration(o) * time.Millisecond)
		}
		got := quorumValue(firstPeers(len(times)), func(peer int) time.Time { return times[peer] }, time.Time.Before)
		sorted := append([]time.Time(nil), times...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].After(sorted[j]) })
		return got.Equal(sorted[majorityOf(len(sorted))-1])
	}
	if err := quick.Check(f, nil); err != nil {
		t.Fatal(err)
	}
}
