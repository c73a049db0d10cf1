package raft

import (
	"testing"
	"time"
)

// TestPausedClusterKeepsLeader: a pause of the whole process (a loaded
// machine deschedules it now and then) is not a leader failure. The test
// plays one by holding every peer's mutex for longer than the longest
// election timeout: no tick, handler or reply runs meanwhile, as in a
// process stopped by the OS. Afterwards the leader must keep leading its
// term: every peer missed the same time, and its heartbeats go out on its
// next tick.
func TestPausedClusterKeepsLeader(t *testing.T) {
	c := newMiniCluster(t, 3, 0)
	defer c.shutdown()
	l := c.leader()
	if !c.commit(l, "settled") {
		t.Fatalf("S%d could not commit a first command", l)
	}
	term, _ := c.rafts[l].GetState()
	for _, rf := range c.rafts {
		rf.mu.Lock()
	}
	time.Sleep(electionTimeoutMax + 200*time.Millisecond) // the pause is what is tested
	for _, rf := range c.rafts {
		rf.mu.Unlock()
	}
	deposed, raised, what := watchLeadership(c, l, term, electionTimeoutMax)
	if deposed || raised {
		t.Fatalf("after a pause of every peer: %s; want S%d still leading term %d", what, l, term)
	}
}
