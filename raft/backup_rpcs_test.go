package raft

// A cluster test of how a leader repairs a follower whose log has a long
// divergent suffix: a single stale peer with 300 uncommitted entries of an
// old term, against TestBackup2B's 50. Both count the RPCs the repair takes,
// since a leader stepping nextIndex back one entry per rejection is still
// quick in time when it retries at once.

import (
	"math/rand"
	"testing"
	"time"
)

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
// RPCs, not one per entry.
func TestBackupFewRPCs2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): leader backs up over a long divergent log in few RPCs")

	cfg.one(rand.Int(), servers, true)

	// The leader, cut off alone, appends a long suffix that never commits.
	stale := cfg.checkOneLeader()
	cfg.disconnect(stale)
	for i := 0; i < divergentEntries; i++ {
		cfg.rafts[stale].Start(rand.Int())
	}

	// The other two commit as long a suffix in a later term.
	cfg.one(rand.Int(), servers-1, true)
	leader := cfg.checkOneLeader()
	last := commitBurst(cfg, leader, divergentEntries-1)

	// The remaining peer must win an election with that log, so its
	// nextIndex for the stale peer starts just past its last entry (the
	// stale peer's log is less up-to-date, so it cannot win).
	cfg.disconnect(leader)
	rpcs0 := cfg.rpcCount(stale)
	cfg.connect(stale)
	waitApplied(cfg, stale, last, 10*time.Second)
	used := cfg.rpcCount(stale) - rpcs0
	if used > maxRepairRPCs {
		t.Fatalf("the stale peer received %d RPCs before it applied the new leader's %d entries; want at most %d "+
			"(is nextIndex decremented one entry at a time?)", used, divergentEntries, maxRepairRPCs)
	}
	t.Logf("the stale peer received %d RPCs before it applied index %d", used, last)

	cfg.connect(leader)
	cfg.one(rand.Int(), servers, true)

	cfg.end()
}

// commitBurst starts n commands on leader in one go and waits until the two
// connected peers have applied them; it returns the last one's index.
func commitBurst(cfg *config, leader int, n int) int {
	cfg.t.Helper()
	last, term := -1, -1
	for i := 0; i < n; i++ {
		index, t, ok := cfg.rafts[leader].Start(rand.Int())
		if !ok || (term != -1 && t != term) {
			cfg.t.Fatalf("S%d stopped leading while %d commands were started", leader, n)
		}
		last, term = index, t
	}
	if cfg.wait(last, 2, term) == -1 {
		cfg.t.Fatalf("the term moved on from %d while %d commands were committing on a quiet network", term, n)
	}
	return last
}

// waitApplied waits up to timeout for peer i to apply index.
func waitApplied(cfg *config, i int, index int, timeout time.Duration) {
	cfg.t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		cfg.mu.Lock()
		_, ok := cfg.logs[i][index]
		cfg.mu.Unlock()
		if ok {
			return
		}
	}
	cfg.t.Fatalf("S%d did not apply index %d within %v", i, index, timeout)
}
