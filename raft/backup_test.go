package raft

import (
	"testing"
	"time"
)

// How a leader repairs a follower whose log has a long divergent suffix: a
// single stale peer with 300 uncommitted entries of an old term, against
// TestBackup2B's 50. The test counts the RPCs the repair takes, since a
// leader stepping nextIndex back one entry per rejection is still quick in
// time when it retries at once. It runs on harness_test.go's cluster, apart
// from the course's tester files.

// divergentEntries is the length of the divergent suffix. A leader that
// decrements nextIndex one entry per rejected AppendEntries needs about this
// many RPCs to repair it.
const divergentEntries = 300

// maxRepairRPCs bounds the RPCs the stale peer may receive from rejoining
// until it has applied the new leader's entries: an election (a RequestVote
// or two), heartbeats, and a few AppendEntries to find the point where the
// logs agree (the optimisation of §5.3 rejects once per conflicting term,
// and the divergent suffix is all of one term).
const maxRepairRPCs = 60

// TestBackupFewRPCs2B: a peer holding a long suffix of uncommitted entries
// of an old term rejoins a leader whose nextIndex for it is far beyond the
// point where their logs agree. The leader must find that point in a few
// RPCs, not one per entry (§5.3, the optimisation at the end of the
// section).
func TestBackupFewRPCs2B(t *testing.T) {
	c := newMiniCluster(t, 3, 0)
	defer c.shutdown()
	if !c.commit(c.leader(), "first") {
		t.Fatal("the first command did not commit on a quiet network")
	}

	// The leader, cut off alone, appends a long suffix that never commits.
	stale := c.leader()
	c.setConnected(stale, false)
	for i := 0; i < divergentEntries; i++ {
		c.rafts[stale].Start(i)
	}

	// The other two elect a leader and commit as long a suffix in a later
	// term; both apply it.
	leader := c.leaderOtherThan(stale)
	follower := 3 - stale - leader
	last, term := 0, 0
	for i := 0; i < divergentEntries; i++ {
		index, tm, ok := c.rafts[leader].Start(i)
		if !ok || (term != 0 && tm != term) {
			t.Fatalf("S%d stopped leading while %d commands were started", leader, divergentEntries)
		}
		last, term = index, tm
	}
	for _, i := range []int{leader, follower} {
		if !c.awaitApplied(i, last) {
			t.Fatalf("S%d did not apply index %d on a quiet network", i, last)
		}
	}

	// The follower must win an election with that log, so its nextIndex
	// for the stale peer starts just past its last entry (the stale peer's
	// log is less up-to-date, so it cannot win).
	c.setConnected(leader, false)
	rpcs0 := c.net.GetCount(stale)
	c.setLink(stale, follower, true)
	select {
	case <-c.appliedCh(stale, last):
	case <-time.After(10 * time.Second):
		t.Fatalf("S%d did not apply index %d within 10 s of rejoining", stale, last)
	}
	used := c.net.GetCount(stale) - rpcs0
	if used > maxRepairRPCs {
		t.Fatalf("the stale peer received %d RPCs before it applied the new leader's %d entries; want at most %d "+
			"(is nextIndex decremented one entry at a time?)", used, divergentEntries, maxRepairRPCs)
	}
	t.Logf("the stale peer received %d RPCs before it applied index %d", used, last)

	c.setConnected(stale, true)
	c.setConnected(leader, true)
	if !c.commit(c.leaderOtherThan(-1), "last") {
		t.Fatal("no command committed once every peer was back")
	}
}

// setLink enables or disables the links both ways between peers i and j.
func (c *miniCluster) setLink(i, j int, enabled bool) {
	c.net.Enable(c.endName(i, j), enabled)
	c.net.Enable(c.endName(j, i), enabled)
}

// leaderOtherThan waits up to 10 s for a peer other than not that believes
// it leads in a term above every other peer's.
func (c *miniCluster) leaderOtherThan(not int) int {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		best, bestTerm := -1, -1
		for i, rf := range c.rafts {
			term, isLeader := rf.GetState()
			if i != not && isLeader && term > bestTerm {
				best, bestTerm = i, term
			}
		}
		if best >= 0 {
			return best
		}
	}
	c.tb.Fatalf("no leader other than S%d within 10 s", not)
	return -1
}
