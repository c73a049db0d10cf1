package main

import (
	"math/rand"
	"reflect"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	cases := []struct {
		in   string
		want FaultSet
	}{
		{"all", FaultSet{true, true, true, true}},
		{"none", FaultSet{}},
		{"", FaultSet{}},
		{"partition,crash", FaultSet{Partition: true, Crash: true}},
		{" Unreliable , reorder ", FaultSet{Unreliable: true, Reorder: true}},
	}
	for _, c := range cases {
		got, err := ParseFaults(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseFaults(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	if _, err := ParseFaults("partition,flood"); err == nil {
		t.Errorf("ParseFaults accepted an unknown fault")
	}
	if s := (FaultSet{Crash: true, Reorder: true}).String(); s != "crash,reorder" {
		t.Errorf("String() = %q", s)
	}
}

func TestMakeScheduleIsRepeatable(t *testing.T) {
	all := FaultSet{true, true, true, true}
	a := MakeSchedule(rand.New(rand.NewSource(7)), all, 5, 20*time.Second)
	b := MakeSchedule(rand.New(rand.NewSource(7)), all, 5, 20*time.Second)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different schedules")
	}
	c := MakeSchedule(rand.New(rand.NewSource(8)), all, 5, 20*time.Second)
	if reflect.DeepEqual(a, c) {
		t.Errorf("different seeds gave the same schedule")
	}
}

// TestMakeScheduleShape checks that every kind alternates on/off, starts
// with "on", stays inside the run, and that the steps are in time order.
func TestMakeScheduleShape(t *testing.T) {
	steps := MakeSchedule(rand.New(rand.NewSource(1)), FaultSet{true, true, true, true}, 5, 30*time.Second)
	pairs := map[StepKind]StepKind{PartitionLeader: Heal, Crash: Restart, UnreliableOn: UnreliableOff, ReorderOn: ReorderOff}
	offOf := map[StepKind]StepKind{}
	for on, off := range pairs {
		offOf[off] = on
	}
	inForce := map[StepKind]bool{}
	seen := map[StepKind]int{}
	for i, s := range steps {
		if i > 0 && s.At < steps[i-1].At {
			t.Fatalf("step %d at %v before step %d at %v", i, s.At, i-1, steps[i-1].At)
		}
		if s.At <= 0 || s.At >= 30*time.Second {
			t.Errorf("step %v at %v is outside the run", s.Kind, s.At)
		}
		if _, isOn := pairs[s.Kind]; isOn {
			if inForce[s.Kind] {
				t.Errorf("%v at %v while already in force", s.Kind, s.At)
			}
			inForce[s.Kind] = true
			seen[s.Kind]++
		} else {
			on := offOf[s.Kind]
			if !inForce[on] {
				t.Errorf("%v at %v without a preceding %v", s.Kind, s.At, on)
			}
			inForce[on] = false
		}
		if s.Kind == PartitionLeader && len(s.Order) != 5 {
			t.Errorf("partition step without a full server order: %v", s.Order)
		}
	}
	for on := range pairs {
		if seen[on] < 2 {
			t.Errorf("only %d %v steps in 30 s", seen[on], on)
		}
	}
}

func TestMakeScheduleHonoursFaultSet(t *testing.T) {
	if steps := MakeSchedule(rand.New(rand.NewSource(1)), FaultSet{}, 5, 20*time.Second); len(steps) != 0 {
		t.Errorf("no faults chosen but %d steps", len(steps))
	}
	for _, s := range MakeSchedule(rand.New(rand.NewSource(1)), FaultSet{Crash: true}, 5, 20*time.Second) {
		if s.Kind != Crash && s.Kind != Restart {
			t.Errorf("crash-only schedule has a %v step", s.Kind)
		}
	}
	if steps := MakeSchedule(rand.New(rand.NewSource(1)), FaultSet{Partition: true}, 1, 20*time.Second); len(steps) != 0 {
		t.Errorf("one server cannot be partitioned, but got %d steps", len(steps))
	}
}

func TestMinorityFor(t *testing.T) {
	cases := []struct {
		name          string
		leader, n     int
		order         []int
		minority, maj []int
	}{
		{"leader plus first other", 3, 5, []int{1, 3, 0, 2, 4}, []int{1, 3}, []int{0, 2, 4}},
		{"leader first in order", 3, 5, []int{3, 4, 0, 1, 2}, []int{3, 4}, []int{0, 1, 2}},
		{"no leader", -1, 5, []int{4, 2, 0, 1, 3}, []int{2, 4}, []int{0, 1, 3}},
		{"three servers", 0, 3, []int{2, 1, 0}, []int{0}, []int{1, 2}},
		{"seven servers", 6, 7, []int{0, 1, 2, 3, 4, 5, 6}, []int{0, 1, 6}, []int{2, 3, 4, 5}},
		{"two servers", 1, 2, []int{0, 1}, []int{1}, []int{0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			min, maj := MinorityFor(c.leader, c.order, c.n)
			if !reflect.DeepEqual(min, c.minority) || !reflect.DeepEqual(maj, c.maj) {
				t.Errorf("got %v | %v, want %v | %v", min, maj, c.minority, c.maj)
			}
		})
	}
}
