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
	c, l, other := twoVotersLeaderCutOff(t)
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

// twoVotersLeaderCutOff starts voters 0 and 1, commits an entry, and cuts
// the leader l off from other.
func twoVotersLeaderCutOff(t *testing.T) (c *memberCluster, l, other int) {
	c = newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1)
	c.commit("x", 0, 1)
	l = c.leader()
	other = withoutID([]int{0, 1}, l)[0]
	c.setCut(l, true)
	return c, l, other
}

// The same without a crash: cut off, the leader steps down by check-quorum.
func TestRemovedLeaderStepsDownByCheckQuorumDoesNotWedge(t *testing.T) {
	c, l, other := twoVotersLeaderCutOff(t)
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

// A leader deposed while a new server catches up must not append the
// configuration that takes the learner out again: an entry of its
// currentTerm, now a newer leader's term, appended by a follower would
// break the Log Matching Property (§5.3). Found with AddServer calling
// removeMember after losing the leadership.
func TestDeposedLeaderDoesNotTakeLearnerOut(t *testing.T) {
	rf := idleMember(MakePersister(), 0, 0)
	defer rf.Kill()
	rf.mu.Lock()
	rf.becomeCandidate()
	rf.becomeLeader()
	rf.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- rf.AddServer(Member{ID: 5, Addr: "nowhere"}) }()
	awaitLearner(t, rf, 5)
	for _, _, _, committed := rf.Configuration(); !committed; _, _, _, committed = rf.Configuration() {
		time.Sleep(time.Millisecond) // a voter of one commits at once; then the catch-up runs
	}
	rf.mu.Lock()
	last := rf.log.lastIndex()
	rf.adoptHigherTerm(rf.currentTerm + 1)
	rf.mu.Unlock()
	if err := <-done; !errors.Is(err, ErrLeadershipLost) {
		t.Fatalf("AddServer on a leader deposed during the catch-up = %v; want ErrLeadershipLost", err)
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.log.lastIndex() != last {
		t.Fatalf("the deposed leader appended entries %d..%d in term %d", last+1, rf.log.lastIndex(), rf.currentTerm)
	}
}

// A leadership transfer is refused while a membership change runs, as a
// change is while a transfer does: the change's next entry, appended after
// TimeoutNow went out, would be lost when the target wins without it.
func TestNoTransferDuringChange(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	done := make(chan error, 1)
	go func() { done <- c.raft(l).AddServer(members(7)[0]) }() // nobody there: catching up lasts
	awaitLearner(t, c.raft(l), 7)
	if err := c.raft(l).TransferLeadership(withoutID([]int{0, 1, 2}, l)[0]); !errors.Is(err, ErrChangeInProgress) {
		t.Fatalf("TransferLeadership during AddServer = %v; want ErrChangeInProgress", err)
	}
	if err := <-done; !errors.Is(err, ErrCatchUpTooSlow) {
		t.Fatalf("AddServer of a server that is not there = %v; want ErrCatchUpTooSlow", err)
	}
}
