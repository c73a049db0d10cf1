package raft

import (
	"errors"
	"testing"
	"time"
)

// Regression tests for liveness bugs of membership changes: each names the
// bug it caught.

// A leader that appended its own removal (§4.2.2) and crashed before any
// other server had the entry must still let the cluster elect a leader:
// the others use the old configuration and need its vote, which its longer
// log makes it refuse to them; it must be able to campaign itself.
func TestRemovedLeaderCrashBeforeReplicatingDoesNotWedge(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1)
	c.commit("x", 0, 1)
	l := c.leader()
	other := withoutID([]int{0, 1}, l)[0]
	c.setCut(l, true)
	done := make(chan error, 1)
	go func() { done <- c.raft(l).RemoveServer(l) }()
	awaitConfigEntry(t, c.raft(l), l)
	c.crash(l)
	if err := <-done; !errors.Is(err, ErrKilled) && !errors.Is(err, ErrLeadershipLost) {
		t.Fatalf("RemoveServer on a leader that crashed = %v", err)
	}
	c.setCut(l, false)
	c.start(l, members(0, 1))
	// Either outcome of the change is fine, but a leader must be elected.
	c.leader(other)
	c.commit("y", other)
}

// The same without a crash: cut off, the leader steps down by check-quorum.
func TestRemovedLeaderStepsDownByCheckQuorumDoesNotWedge(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1)
	c.commit("x", 0, 1)
	l := c.leader()
	other := withoutID([]int{0, 1}, l)[0]
	c.setCut(l, true)
	if err := c.raft(l).RemoveServer(l); !errors.Is(err, ErrLeadershipLost) {
		t.Fatalf("RemoveServer(%d) on a leader cut off = %v; want ErrLeadershipLost", l, err)
	}
	c.setCut(l, false)
	c.leader(other)
	c.commit("y", other)
}

// A removal is refused when the voters left have no majority the leader
// heard from recently: with one of three servers down, removing another
// live one would leave a configuration that cannot commit anything, the
// removal included (etcd's strict reconfiguration check). Removing the
// server that is down is fine.
func TestRemovalThatLeavesNoLiveMajorityIsRefused(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	down, live := withoutID([]int{0, 1, 2}, l)[0], withoutID([]int{0, 1, 2}, l)[1]
	c.setCut(down, true)
	time.Sleep(quorumTimeout + 200*time.Millisecond) // the leader's news of down ages
	if err := c.raft(l).RemoveServer(live); !errors.Is(err, ErrRemovalLosesQuorum) {
		t.Fatalf("RemoveServer(%d) with %d down = %v; want ErrRemovalLosesQuorum", live, down, err)
	}
	if v, _, _ := c.configOf(l); len(v) != 3 {
		t.Fatalf("a refused removal changed the voters to %v", v)
	}
	if err := c.raft(l).RemoveServer(down); err != nil {
		t.Fatalf("RemoveServer(%d) of the server that is down = %v", down, err)
	}
	c.awaitConfig(withoutID([]int{0, 1, 2}, down), l, live)
}
