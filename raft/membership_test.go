package raft

// Membership changes (dissertation §4): each test restates a rule of the
// chapter and checks it on a cluster of real peers over labrpc
// (membership_harness_test.go).

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// §4.2.1: a new server joins as a learner, catches up (here: by snapshot,
// since the leader's log is compacted) and only then becomes a voter; as
// a voter it is needed for, and takes part in, elections.
func TestAddServerCatchesUpBySnapshotThenVotes(t *testing.T) {
	c := newMemberCluster(t, 5, Options{})
	c.bootstrap(0, 1, 2)
	for i := 0; i < 30; i++ {
		c.commit(fmt.Sprint("x", i), 0, 1, 2)
	}
	c.start(3, nil) // joins: no initial configuration
	l := c.leader()
	if err := c.raft(l).AddServer(members(3)[0]); err != nil {
		t.Fatalf("AddServer(3) = %v; want nil", err)
	}
	c.awaitConfig([]int{0, 1, 2, 3}, 0, 1, 2)
	c.commit("after-add", 0, 1, 2, 3)
	c.mu.Lock()
	snapshots := c.snapshots[3]
	c.mu.Unlock()
	if snapshots == 0 {
		t.Fatalf("server 3 caught up without a snapshot; the test needs one")
	}
	// With 4 voters a majority is 3: without the old leader, server 3's
	// vote is needed to elect a leader and its copy to commit.
	c.crash(l)
	rest := withoutID([]int{0, 1, 2, 3}, l)
	c.leader(rest...)
	c.commit("after-crash", rest...)
}

// §4.2.1: a new server that does not answer is not added; the leader
// gives up after a bounded time, takes the learner out again, and the
// cluster goes on. With one voter down the learner's configuration still
// commits: a learner counts for no majority.
func TestAddServerFailsWhenNewServerUnreachable(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	down := withoutID([]int{0, 1, 2}, l)[0]
	c.crash(down)
	up := withoutID([]int{0, 1, 2}, down)
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- c.raft(l).AddServer(members(7)[0]) }() // no server 7 runs
	select {
	case err := <-done:
		if !errors.Is(err, ErrCatchUpTooSlow) {
			t.Fatalf("AddServer of an unreachable server = %v; want ErrCatchUpTooSlow", err)
		}
	case <-time.After(3 * catchUpStallLimit):
		t.Fatalf("AddServer of an unreachable server, with 2 of 3 voters up, still waiting after %v", time.Since(start))
	}
	c.awaitConfig([]int{0, 1, 2}, up...)
	c.commit("y", up...)
}

// §4.1: removing a follower takes effect when the entry is appended; the
// rest commit without it.
func TestRemoveFollower(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	f := withoutID([]int{0, 1, 2}, l)[0]
	if err := c.raft(l).RemoveServer(f); err != nil {
		t.Fatalf("RemoveServer(%d) = %v; want nil", f, err)
	}
	rest := withoutID([]int{0, 1, 2}, f)
	c.awaitConfig(rest, rest...)
	c.crash(f) // the removed server is no longer needed for anything
	c.commit("y", rest...)
}

// §4.2.2: a leader that removes itself goes on leading until the entry
// commits, without counting itself, then steps down; the others elect a
// leader among themselves and go on.
func TestRemoveLeader(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	if err := c.raft(l).RemoveServer(l); err != nil {
		t.Fatalf("RemoveServer(%d) on the leader = %v; want nil", l, err)
	}
	rest := withoutID([]int{0, 1, 2}, l)
	awaitNotLeader(t, c.raft(l))
	c.leader(rest...)
	c.awaitConfig(rest, rest...)
	c.commit("y", rest...)
	if _, isLeader := c.raft(l).GetState(); isLeader {
		t.Fatalf("the removed leader %d leads again", l)
	}
}

// awaitNotLeader waits up to 2 s for rf to stop leading.
func awaitNotLeader(t *testing.T, rf *Raft) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, isLeader := rf.GetState(); !isLeader {
			return
		}
	}
	t.Fatalf("a leader that removed itself still leads 2 s after the change committed")
}

// §4.1: a server uses the latest configuration in its log, committed or
// not. A leader cut off from the others appends a change, which cannot
// commit, and crashes; the others go on under the old configuration, and
// the old leader, restarted, falls back to it when the new leader's log
// replaces the uncommitted entry.
func TestChangeInterruptedByCrash(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	victim := withoutID([]int{0, 1, 2}, l)[0]
	c.setCut(l, true)
	done := make(chan error, 1)
	go func() { done <- c.raft(l).RemoveServer(victim) }()
	awaitConfigEntry(t, c.raft(l), victim)
	c.crash(l)
	if err := <-done; !errors.Is(err, ErrKilled) && !errors.Is(err, ErrLeadershipLost) {
		t.Fatalf("RemoveServer on a leader that crashed = %v; want ErrKilled or ErrLeadershipLost", err)
	}
	rest := withoutID([]int{0, 1, 2}, l)
	c.leader(rest...)
	c.commit("y", rest...)
	c.setCut(l, false)
	c.start(l, members(0, 1, 2))
	c.commit("z", 0, 1, 2)
	c.awaitConfig([]int{0, 1, 2}, 0, 1, 2)
}

// awaitConfigEntry waits until rf uses a configuration without id.
func awaitConfigEntry(t *testing.T, rf *Raft, id int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if v, _, _, _ := rf.Configuration(); memberIndex(v, id) < 0 {
			return
		}
	}
	t.Fatalf("the leader never appended the configuration without %d", id)
}

// §4.2.3: a removed server that never learns it was removed times out and
// campaigns; it must not disrupt the cluster: the leader's term holds.
// With pre-vote the others refuse its pre-votes; without, they ignore its
// RequestVotes while they hear from a leader.
func TestRemovedServerDoesNotDisrupt(t *testing.T) {
	removedServerCampaigns(t, Options{})
}

// The same without pre-vote: only the refusal of §4.2.3 protects the
// leader.
func TestRemovedServerDoesNotDisruptWithoutPreVote(t *testing.T) {
	removedServerCampaigns(t, Options{DisablePreVote: true})
}

// removedServerCampaigns removes a follower, which never hears of it,
// lets it campaign for a while and checks the leader's term held.
func removedServerCampaigns(t *testing.T, opts Options) {
	c := newMemberCluster(t, 0, opts)
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	f := withoutID([]int{0, 1, 2}, l)[0]
	if err := c.raft(l).RemoveServer(f); err != nil {
		t.Fatalf("RemoveServer(%d) = %v", f, err)
	}
	term, _ := c.raft(l).GetState()
	time.Sleep(4 * electionTimeoutMax) // f times out, several times
	if now, isLeader := c.raft(l).GetState(); !isLeader || now != term {
		t.Fatalf("leader %d: term %d, leading %v; want term %d kept while removed server %d campaigns", l, now, isLeader, term, f)
	}
	c.commit("y", withoutID([]int{0, 1, 2}, f)...)
}

// A server started to join (no initial configuration) waits to be added:
// it never campaigns, however long it hears nothing.
func TestJoiningServerNeverCampaigns(t *testing.T) {
	joiningServerWaits(t, Options{})
}

// The same without pre-vote, whose rounds would otherwise hide a
// campaign: a server that does not vote for itself gets no pre-vote, so
// with pre-vote on it never reaches the election that raises its term.
func TestJoiningServerNeverCampaignsWithoutPreVote(t *testing.T) {
	joiningServerWaits(t, Options{DisablePreVote: true})
}

func joiningServerWaits(t *testing.T, opts Options) {
	c := newMemberCluster(t, 0, opts)
	c.start(5, nil)
	time.Sleep(3 * electionTimeoutMax)
	if term, isLeader := c.raft(5).GetState(); term != 0 || isLeader {
		t.Fatalf("a joining server reached term %d (leading %v); want term 0: it must not campaign", term, isLeader)
	}
	if v, l, _, _ := c.raft(5).Configuration(); len(v)+len(l) != 0 {
		t.Fatalf("a joining server uses voters %v, learners %v; want none", v, l)
	}
}

// §4.1: the configuration survives restarts, from the log and from a
// snapshot (which carries the configuration as of its last index), and
// wins over the initial one given at restart.
func TestConfigurationSurvivesRestart(t *testing.T) {
	configurationAcrossRestart(t, 0)
}

// The same with snapshots every 3 entries: the changes end up in them.
func TestConfigurationSurvivesRestartFromSnapshot(t *testing.T) {
	configurationAcrossRestart(t, 3)
}

// configurationAcrossRestart adds server 3, removes server 1, restarts
// the rest with the stale initial configuration and checks they use the
// changed one.
func configurationAcrossRestart(t *testing.T, snapshotEvery int) {
	c := newMemberCluster(t, snapshotEvery, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	c.start(3, nil)
	if err := c.raft(c.leader()).AddServer(members(3)[0]); err != nil {
		t.Fatalf("AddServer(3) = %v", err)
	}
	if err := c.raft(c.leader()).RemoveServer(1); err != nil {
		t.Fatalf("RemoveServer(1) = %v", err)
	}
	for i := 0; i < 7; i++ {
		c.commit(fmt.Sprint("y", i), 0, 2, 3) // pushes the changes into the snapshots
	}
	for _, id := range []int{0, 1, 2, 3} {
		c.crash(id)
	}
	for _, id := range []int{0, 2, 3} {
		c.start(id, members(0, 1, 2)) // the stale initial configuration must lose
	}
	c.awaitConfig([]int{0, 2, 3}, 0, 2, 3)
	c.commit("z", 0, 2, 3)
}

// §4.1: one change at a time. While a new server catches up, another
// change is refused, and a configuration cannot be proposed through Start.
func TestOneChangeAtATime(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	l := c.leader()
	done := make(chan error, 1)
	go func() { done <- c.raft(l).AddServer(members(7)[0]) }() // unreachable: catches up for a while
	awaitLearner(t, c.raft(l), 7)
	if err := c.raft(l).RemoveServer(withoutID([]int{0, 1, 2}, l)[0]); !errors.Is(err, ErrChangeInProgress) {
		t.Fatalf("RemoveServer during an AddServer = %v; want ErrChangeInProgress", err)
	}
	if err := c.raft(l).AddServer(members(8)[0]); !errors.Is(err, ErrChangeInProgress) {
		t.Fatalf("AddServer during an AddServer = %v; want ErrChangeInProgress", err)
	}
	if _, _, ok := c.raft(l).Start(ConfigChange{Voters: members(l)}); ok {
		t.Fatalf("Start accepted a ConfigChange; only AddServer and RemoveServer may change the configuration")
	}
	if err := <-done; !errors.Is(err, ErrCatchUpTooSlow) {
		t.Fatalf("AddServer of an unreachable server = %v; want ErrCatchUpTooSlow", err)
	}
}

// awaitLearner waits until rf's configuration holds id as a learner.
func awaitLearner(t *testing.T, rf *Raft, id int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, l, _, _ := rf.Configuration(); memberIndex(l, id) >= 0 {
			return
		}
	}
	t.Fatalf("server %d never became a learner", id)
}

// withoutID returns ids without id.
func withoutID(ids []int, id int) []int {
	var out []int
	for _, i := range ids {
		if i != id {
			out = append(out, i)
		}
	}
	return out
}
