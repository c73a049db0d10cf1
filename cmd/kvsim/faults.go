package main

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"time"
)

// FaultSet says which kinds of fault to inject.
type FaultSet struct {
	Partition, Crash, Unreliable, Reorder bool
}

// faultNames lists the kinds in the order flags and summaries use.
var faultNames = []string{"partition", "crash", "unreliable", "reorder"}

// ParseFaults reads -faults: a comma list of partition, crash, unreliable,
// reorder; or all; or none.
func ParseFaults(list string) (FaultSet, error) {
	var fs FaultSet
	for _, name := range strings.Split(list, ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "all":
			fs = FaultSet{true, true, true, true}
		case "none", "":
		case "partition":
			fs.Partition = true
		case "crash":
			fs.Crash = true
		case "unreliable":
			fs.Unreliable = true
		case "reorder":
			fs.Reorder = true
		default:
			return FaultSet{}, fmt.Errorf("unknown fault %q in -faults %q: want %s, all or none",
				name, list, strings.Join(faultNames, ","))
		}
	}
	return fs, nil
}

// String lists the chosen kinds ("none" if none).
func (fs FaultSet) String() string {
	var on []string
	for i, yes := range []bool{fs.Partition, fs.Crash, fs.Unreliable, fs.Reorder} {
		if yes {
			on = append(on, faultNames[i])
		}
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, ",")
}

// StepKind is one action of the fault schedule.
type StepKind int

// The actions; each "on" action is later undone by its "off" partner.
const (
	PartitionLeader StepKind = iota // split with the current leader in the minority
	Heal                            // end the partition
	Crash                           // crash a server
	Restart                         // restart the server the previous Crash took down
	UnreliableOn
	UnreliableOff
	ReorderOn
	ReorderOff
)

var stepNames = [...]string{"partition", "heal", "crash", "restart",
	"unreliable on", "unreliable off", "reorder on", "reorder off"}

// String names the step as the fault lines print it.
func (k StepKind) String() string { return stepNames[k] }

// Step is one scheduled action. The random choices are made when the
// schedule is made, so that a seed repeats them.
type Step struct {
	At   time.Duration // since the start of the run
	Kind StepKind
	// Order ranks the servers for a PartitionLeader: the minority is the
	// leader (if there is one) plus the first others in this order.
	Order []int
	// For a Crash: the leader if AimAtLeader and there is one, else Server.
	AimAtLeader bool
	Server      int
}

// Timing of the schedule: each kind alternates "on" and "off" periods of
// random lengths in these ranges.
var periods = map[string][4]time.Duration{ // on min, on max, off min, off max
	"partition":  {1000 * time.Millisecond, 2000 * time.Millisecond, 500 * time.Millisecond, 1500 * time.Millisecond},
	"crash":      {1000 * time.Millisecond, 3000 * time.Millisecond, 1000 * time.Millisecond, 3000 * time.Millisecond},
	"unreliable": {2000 * time.Millisecond, 5000 * time.Millisecond, 2000 * time.Millisecond, 4000 * time.Millisecond},
	"reorder":    {1000 * time.Millisecond, 3000 * time.Millisecond, 3000 * time.Millisecond, 6000 * time.Millisecond},
}

// MakeSchedule draws the fault schedule for a run of the given duration on
// n servers from rng; the same seed gives the same schedule. Every "on"
// step inside the run is followed by its "off" step if that also falls
// inside; the injector undoes whatever is still in force at the end.
func MakeSchedule(rng *rand.Rand, faults FaultSet, n int, duration time.Duration) []Step {
	var steps []Step
	add := func(enabled bool, kind string, on func() Step, off StepKind) {
		if !enabled {
			return
		}
		p := periods[kind]
		t := between(rng, p[2], p[3]) // start after an "off" period: let a leader emerge
		for t < duration {
			s := on()
			s.At = t
			steps = append(steps, s)
			t += between(rng, p[0], p[1])
			if t >= duration {
				break
			}
			steps = append(steps, Step{At: t, Kind: off})
			t += between(rng, p[2], p[3])
		}
	}
	add(faults.Partition && n >= 2, "partition", func() Step { return Step{Kind: PartitionLeader, Order: rng.Perm(n)} }, Heal)
	add(faults.Crash, "crash", func() Step { return Step{Kind: Crash, AimAtLeader: rng.Intn(2) == 0, Server: rng.Intn(n)} }, Restart)
	add(faults.Unreliable, "unreliable", func() Step { return Step{Kind: UnreliableOn} }, UnreliableOff)
	add(faults.Reorder, "reorder", func() Step { return Step{Kind: ReorderOn} }, ReorderOff)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].At < steps[j].At })
	return steps
}

// between draws a duration uniformly from [lo, hi].
func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int63n(int64(hi-lo)+1))
}

// MinorityFor picks the minority side of a partition of n servers: the
// leader (if known, >= 0) and then the first servers in order, up to
// max(1, (n-1)/2) servers. The rest form the majority.
func MinorityFor(leader int, order []int, n int) (minority, majority []int) {
	size := max(1, (n-1)/2)
	in := make(map[int]bool)
	if leader >= 0 {
		in[leader] = true
	}
	for _, s := range order {
		if len(in) >= size {
			break
		}
		in[s] = true
	}
	for s := 0; s < n; s++ {
		if in[s] {
			minority = append(minority, s)
		} else {
			majority = append(majority, s)
		}
	}
	return minority, majority
}
