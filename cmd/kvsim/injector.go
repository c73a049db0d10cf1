package main

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"miniraftkv/linearizability"
)

// injector applies a fault schedule to a cluster as time passes, and
// remembers what is in force so it can be shown and undone.
type injector struct {
	c     *cluster
	steps []Step
	con   *console

	mu         sync.Mutex // protects the fields below
	injected   int        // faults started ("on" steps applied)
	byKind     map[StepKind]int
	minority   []int // the cut-off side of the current partition; nil when healed
	crashed    int   // server taken down by the last Crash, -1 if none
	unreliable bool
	reorder    bool
	faults     *faultLog // when each fault was in force, for the timeline
}

// newInjector returns an injector of steps into c; it records in rec, on
// the history's clock, when each fault was in force.
func newInjector(c *cluster, steps []Step, con *console, rec *linearizability.KvRecorder) *injector {
	return &injector{c: c, steps: steps, con: con, crashed: -1, byKind: make(map[StepKind]int),
		faults: newFaultLog(rec)}
}

// run applies the steps at their times (measured from start) until they
// run out or stop is closed.
func (inj *injector) run(start time.Time, stop <-chan struct{}) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for _, s := range inj.steps {
		timer.Reset(time.Until(start.Add(s.At)))
		select {
		case <-timer.C:
		case <-stop:
			return
		}
		inj.con.printf("%6.1fs  fault: %s\n", time.Since(start).Seconds(), inj.apply(s))
	}
}

// apply carries out one step and describes what it did.
func (inj *injector) apply(s Step) string {
	leader := -1
	if s.Kind == PartitionLeader || (s.Kind == Crash && s.AimAtLeader) {
		leader = inj.c.observe().leader
	}
	inj.mu.Lock()
	defer inj.mu.Unlock()
	switch s.Kind {
	case PartitionLeader:
		minority, majority := MinorityFor(leader, s.Order, inj.c.n)
		inj.c.partition(majority, minority)
		inj.minority = minority
		inj.faults.partition(minority, majority)
		inj.count(s.Kind)
		return fmt.Sprintf("partition %s | %s (leader %s in the minority)", servers(minority), servers(majority), server(leader))
	case Heal:
		inj.healLocked()
		return "heal the partition"
	case Crash:
		target := s.Server
		if s.AimAtLeader && leader >= 0 {
			target = leader
		}
		inj.c.crash(target)
		inj.crashed = target
		inj.faults.crash(target, target == leader)
		inj.count(s.Kind)
		return fmt.Sprintf("crash S%d%s", target, map[bool]string{true: " (the leader)"}[target == leader])
	case Restart:
		return inj.restartLocked()
	}
	return inj.setNetworkLocked(s.Kind)
}

func (inj *injector) count(k StepKind) {
	inj.injected++
	inj.byKind[k]++
}

// restartLocked restarts the crashed server. Caller holds inj.mu.
func (inj *injector) restartLocked() string {
	if inj.crashed < 0 {
		return "restart: nothing to restart"
	}
	s := inj.crashed
	inj.c.start(s)
	inj.crashed = -1
	inj.faults.end(server(s))
	return fmt.Sprintf("restart S%d from its persisted state", s)
}

// healLocked ends the partition. Caller holds inj.mu.
func (inj *injector) healLocked() {
	inj.c.heal()
	inj.minority = nil
	inj.faults.heal(inj.c.n)
}

// setNetworkLocked switches the network modes. Caller holds inj.mu.
func (inj *injector) setNetworkLocked(k StepKind) string {
	switch k {
	case UnreliableOn, UnreliableOff:
		inj.unreliable = k == UnreliableOn
		inj.c.net.Reliable(!inj.unreliable)
	case ReorderOn, ReorderOff:
		inj.reorder = k == ReorderOn
		inj.c.net.LongReordering(inj.reorder)
	}
	if k == UnreliableOn || k == ReorderOn {
		inj.count(k)
	}
	inj.faults.network(k)
	return k.String()
}

// restoreAll undoes every fault in force: heals, restarts, makes the network
// reliable and stops reordering, so that the clients can finish.
func (inj *injector) restoreAll() {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	inj.healLocked()
	if inj.crashed >= 0 {
		inj.restartLocked()
	}
	inj.setNetworkLocked(UnreliableOff)
	inj.setNetworkLocked(ReorderOff)
}

// faultState is what the progress line shows about the faults.
type faultState struct {
	injected   int
	minority   []int
	crashed    int
	unreliable bool
	reorder    bool
}

func (inj *injector) state() faultState {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	return faultState{injected: inj.injected, minority: inj.minority, crashed: inj.crashed,
		unreliable: inj.unreliable, reorder: inj.reorder}
}

// counts reports the faults injected by kind, for the summary.
func (inj *injector) counts() string {
	inj.mu.Lock()
	defer inj.mu.Unlock()
	return fmt.Sprintf("%d partitions, %d crashes, %d unreliable periods, %d reordering periods",
		inj.byKind[PartitionLeader], inj.byKind[Crash], inj.byKind[UnreliableOn], inj.byKind[ReorderOn])
}

func server(i int) string {
	if i < 0 {
		return "none"
	}
	return fmt.Sprintf("S%d", i)
}

func servers(list []int) string {
	names := make([]string, len(list))
	for k, i := range list {
		names[k] = server(i)
	}
	return "[" + strings.Join(names, " ") + "]"
}

// console serialises the lines of the progress reporter and the injector.
type console struct {
	mu  sync.Mutex
	out interface{ Write([]byte) (int, error) }
}

func (c *console) printf(format string, args ...interface{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, args...)
}
