package raft

// Tests of leadership transfer (dissertation §3.10, transfer.go) on the
// miniCluster harness: the transfer completes within an election timeout,
// Start is refused while it lasts, a transfer that cannot complete is
// abandoned, and no command is lost or applied twice on the way.

import (
	"errors"
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// appliedCommands records the commands each peer applies, by index.
type appliedCommands struct {
	cmds [][]interface{} // per peer: cmds[i][k] was applied at index k+1
}

// recordApplied starts recording what c's peers apply. Call it before
// any command is proposed.
func recordApplied(t *testing.T, c *miniCluster) *appliedCommands {
	a := &appliedCommands{cmds: make([][]interface{}, len(c.rafts))}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onApply = func(i int, m ApplyMsg) {
		switch {
		case m.SnapshotValid:
			t.Errorf("peer %d applied a snapshot; these tests take none", i)
		case m.CommandIndex != len(a.cmds[i])+1:
			t.Errorf("peer %d applied index %d after %d", i, m.CommandIndex, len(a.cmds[i]))
		default:
			a.cmds[i] = append(a.cmds[i], m.Command)
		}
	}
	return a
}

// check fails the test unless the peers in live have applied the same
// command at every index they share, none twice, and each of committed.
func (a *appliedCommands) check(t *testing.T, c *miniCluster, live []int, committed []interface{}) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var longest []interface{}
	for _, i := range live {
		seen := map[interface{}]int{}
		for k, cmd := range a.cmds[i] {
			if prev, dup := seen[cmd]; dup {
				t.Fatalf("peer %d applied %v twice, at indices %d and %d", i, cmd, prev+1, k+1)
			}
			seen[cmd] = k
			if k < len(longest) && longest[k] != cmd {
				t.Fatalf("peer %d applied %v at index %d, another peer %v", i, cmd, k+1, longest[k])
			}
		}
		if len(a.cmds[i]) > len(longest) {
			longest = a.cmds[i]
		}
		for _, cmd := range committed {
			if _, ok := seen[cmd]; !ok {
				t.Fatalf("peer %d lost committed command %v (applied %v)", i, cmd, a.cmds[i])
			}
		}
	}
}

// finishTransferTest commits one last command through a leader among live
// (so that entries of earlier terms commit too), waits until every peer in
// live has applied it, and checks the applied commands.
func finishTransferTest(t *testing.T, c *miniCluster, a *appliedCommands, live []int, committed []interface{}) {
	t.Helper()
	index, cmd := commitAmong(t, c, a, live, "final")
	for _, i := range live {
		if !c.awaitApplied(i, index) {
			t.Fatalf("peer %d did not apply index %d within 5 s", i, index)
		}
	}
	a.check(t, c, live, append(committed, cmd))
}

// commitAmong proposes a command named after prefix to the peer of live
// that leads in the highest term (not a cut-off leader of an older one),
// until one applies it (within 15 s), and returns its index and the
// command. Each try proposes a new command: one whose fate was unknown may
// still commit later, and must not then appear twice.
func commitAmong(t *testing.T, c *miniCluster, a *appliedCommands, live []int, prefix string) (int, string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for try := 0; time.Now().Before(deadline); try++ {
		cmd := fmt.Sprintf("%s-%d", prefix, try)
		l, _ := leaderAmong(t, c, live)
		if index, _, ok := c.rafts[l].Start(cmd); ok && c.awaitApplied(l, index) && a.at(c, l, index) == cmd {
			return index, cmd
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no peer of %v committed a command %s-* within 15 s", live, prefix)
	return 0, ""
}

// at returns the command peer i applied at index, or nil.
func (a *appliedCommands) at(c *miniCluster, i, index int) interface{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if index < 1 || index > len(a.cmds[i]) {
		return nil
	}
	return a.cmds[i][index-1]
}

// awaitLeadership polls peer i for up to limit and returns its term once it
// leads in a term above term0, or 0.
func awaitLeadership(c *miniCluster, i, term0 int, limit time.Duration) int {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if term, isLeader := c.rafts[i].GetState(); isLeader && term > term0 {
			return term
		}
	}
	return 0
}

// transferSetup starts an n-peer cluster that records what it applies and
// commits cmds 1..k through its leader; it returns the leader.
func transferSetup(t *testing.T, n, k int) (*miniCluster, *appliedCommands, int, []interface{}) {
	c := newMiniCluster(t, n, 0)
	a := recordApplied(t, c)
	l := c.leader()
	var committed []interface{}
	for cmd := 1; cmd <= k; cmd++ {
		if !c.commit(l, cmd) {
			c.shutdown()
			t.Fatalf("leader %d did not commit %d", l, cmd)
		}
		committed = append(committed, cmd)
	}
	return c, a, l, committed
}

func allPeers(n int) []int {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// TestTransferLeadership: a transfer to an up-to-date follower makes it
// leader in a higher term within an election timeout, and the old leader
// steps down.
func TestTransferLeadership(t *testing.T) {
	c, a, l, committed := transferSetup(t, 3, 5)
	defer c.shutdown()
	term0, _ := c.rafts[l].GetState()
	target := (l + 1) % 3
	if err := c.rafts[l].TransferLeadership(target); err != nil {
		t.Fatalf("TransferLeadership(%d) on leader %d: %v", target, l, err)
	}
	if awaitLeadership(c, target, term0, transferTimeout) == 0 {
		t.Fatalf("peer %d did not lead in a term above %d within %v of the transfer", target, term0, transferTimeout)
	}
	for deadline := time.Now().Add(time.Second); ; time.Sleep(time.Millisecond) {
		if _, isLeader := c.rafts[l].GetState(); !isLeader {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("old leader %d still leads 1 s after peer %d won", l, target)
		}
	}
	finishTransferTest(t, c, a, allPeers(3), committed)
}

// TestTransferWithLeaseReads: with lease reads on (lease.go), peers refuse
// votes for an election timeout after hearing from a leader; a transfer's
// election is exempt, so it still completes within an election timeout
// (with 5 peers it needs a follower's vote, not only the old leader's).
// The old leader gave up its lease for the term when it sent TimeoutNow:
// the target's election may win before that lease would have run out.
func TestTransferWithLeaseReads(t *testing.T) {
	c, a, l, committed := transferSetup(t, 5, 5)
	defer c.shutdown()
	for _, rf := range c.rafts {
		rf.SetLeaseReads(true)
	}
	term0, _ := c.rafts[l].GetState()
	target := (l + 1) % 5
	if err := c.rafts[l].TransferLeadership(target); err != nil {
		t.Fatalf("TransferLeadership(%d) on leader %d: %v", target, l, err)
	}
	if awaitLeadership(c, target, term0, transferTimeout) == 0 {
		t.Fatalf("with lease reads on, peer %d did not lead in a term above %d within %v of the transfer",
			target, term0, transferTimeout)
	}
	c.rafts[l].mu.Lock()
	term, leading, leaseEnded := c.rafts[l].currentTerm, c.rafts[l].role == leader, c.rafts[l].lead.leaseEnded
	c.rafts[l].mu.Unlock()
	if term == term0 && leading && !leaseEnded {
		t.Fatalf("old leader %d sent TimeoutNow in term %d but still counts its lease", l, term0)
	}
	finishTransferTest(t, c, a, allPeers(5), committed)
}

// TestTransferCatchesUpTarget: a target that is behind (it missed more
// entries than one AppendEntries carries) is caught up before it gets
// TimeoutNow, so it wins: with TimeoutNow sent at once its log would be
// behind the voters' and it would lose.
func TestTransferCatchesUpTarget(t *testing.T) {
	c, a, l, committed := transferSetup(t, 3, 3)
	defer c.shutdown()
	target := (l + 1) % 3
	c.setConnected(target, false)
	last := 0
	for k := 0; k < maxEntriesPerAppend+maxEntriesPerAppend/2; k++ {
		cmd := fmt.Sprintf("behind-%d", k)
		index, _, ok := c.rafts[l].Start(cmd)
		if !ok {
			t.Fatalf("leader %d refused command %d", l, k)
		}
		last = index
		committed = append(committed, cmd)
	}
	if !c.awaitApplied(l, last) {
		t.Fatalf("leader %d did not commit index %d within 5 s", l, last)
	}
	term0, _ := c.rafts[l].GetState()
	c.setConnected(target, true)
	if err := c.rafts[l].TransferLeadership(target); err != nil {
		t.Fatalf("TransferLeadership(%d) on leader %d: %v", target, l, err)
	}
	if awaitLeadership(c, target, term0, transferTimeout) == 0 {
		t.Fatalf("peer %d, %d entries behind, did not lead in a term above %d within %v of the transfer",
			target, last-3, term0, transferTimeout)
	}
	finishTransferTest(t, c, a, allPeers(3), committed)
}

// TestTransferRefusesStart: while a transfer lasts the leader refuses
// commands and further transfers; a transfer to a target that is cut off
// or crashed cannot complete, and the old leader accepts commands again,
// in its term, once an election timeout has passed.
func TestTransferRefusesStart(t *testing.T) {
	for _, crash := range []bool{false, true} {
		name := map[bool]string{false: "partitioned", true: "crashed"}[crash]
		t.Run(name, func(t *testing.T) {
			c, a, l, committed := transferSetup(t, 3, 3)
			defer c.shutdown()
			target, other := (l+1)%3, (l+2)%3
			c.setConnected(target, false)
			if crash {
				c.rafts[target].Kill()
			}
			term0, _ := c.rafts[l].GetState()
			begin := time.Now()
			if err := c.rafts[l].TransferLeadership(target); err != nil {
				t.Fatalf("TransferLeadership(%d) on leader %d: %v", target, l, err)
			}
			assertTransferring(t, c, l, other)
			index, resumed := awaitResumed(t, c, l, term0, begin)
			if !c.awaitApplied(l, index) {
				t.Fatalf("leader %d did not commit its command at %d after resuming", l, index)
			}
			committed = append(committed, "resumed")
			t.Logf("leader %d resumed %v after the transfer began", l, resumed.Round(time.Millisecond))
			live := []int{l, other}
			if !crash {
				c.setConnected(target, true)
				live = allPeers(3)
			}
			finishTransferTest(t, c, a, live, committed)
		})
	}
}

// assertTransferring checks what leader l does while its transfer lasts:
// it still leads, but refuses Start and another transfer.
func assertTransferring(t *testing.T, c *miniCluster, l, other int) {
	t.Helper()
	if _, _, ok := c.rafts[l].Start("during"); ok {
		t.Fatalf("leader %d accepted a command during its transfer", l)
	}
	if err := c.rafts[l].TransferLeadership(other); !errors.Is(err, ErrTransferInProgress) {
		t.Fatalf("second TransferLeadership during the first: %v, want ErrTransferInProgress", err)
	}
	if _, isLeader := c.rafts[l].GetState(); !isLeader {
		t.Fatalf("leader %d stopped leading during a transfer to a cut-off peer", l)
	}
}

// awaitResumed proposes "resumed" to leader l until it accepts (up to 5 s),
// checks that this happened in term0 and not before the transfer's
// deadline, and returns its index and when it was accepted.
func awaitResumed(t *testing.T, c *miniCluster, l, term0 int, begin time.Time) (int, time.Duration) {
	t.Helper()
	for deadline := begin.Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		index, term, ok := c.rafts[l].Start("resumed")
		if !ok {
			continue
		}
		took := time.Since(begin)
		if term != term0 || took < transferTimeout {
			t.Fatalf("leader %d accepted a command in term %d after %v; want term %d, after %v",
				l, term, took, term0, transferTimeout)
		}
		return index, took
	}
	t.Fatalf("leader %d did not accept commands again within 5 s of a transfer that could not complete", l)
	return 0, 0
}

// TestTransferBadInput: TransferLeadership refuses itself, peers that do
// not exist, a peer that does not lead and a killed peer, and changes
// nothing (the leader still accepts commands).
func TestTransferBadInput(t *testing.T) {
	c, _, l, _ := transferSetup(t, 3, 1)
	defer c.shutdown()
	follower := (l + 1) % 3
	for _, server := range []int{l, -1, 3} {
		if err := c.rafts[l].TransferLeadership(server); err == nil {
			t.Fatalf("TransferLeadership(%d) on leader %d of 3 peers: no error", server, l)
		}
	}
	if !c.commit(l, "still leading") {
		t.Fatalf("leader %d does not commit after refused transfers", l)
	}
	if err := c.rafts[follower].TransferLeadership(l); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("TransferLeadership on follower %d: %v, want ErrNotLeader", follower, err)
	}
	c.rafts[l].Kill()
	if err := c.rafts[l].TransferLeadership(follower); !errors.Is(err, ErrKilled) {
		t.Fatalf("TransferLeadership after Kill: %v, want ErrKilled", err)
	}
}

// transferFaults are the faults TestTransferUnderFaults injects, one per
// round, just after a transfer begins; the crashes come last, so that a
// majority stays connected while one more peer is cut off.
var transferFaults = []string{
	"none", "cut target", "cut bystander", "cut leader", "cut target",
	"none", "crash target", "crash bystander",
}

// TestTransferUnderFaults: transfers on a 5-peer cluster while the target,
// the leader or a bystander is cut off or crashes just before or just after
// the transfer begins. Each ends in one of three ways: the target leads in a higher term;
// the old leader accepts commands again, in its term, once the transfer's
// election timeout has passed (never before); or the old leader no longer
// leads (a higher term, or check-quorum). A leader never keeps refusing
// commands, a transfer to a reachable follower of the leader completes, and
// no committed command is lost or applied twice.
func TestTransferUnderFaults(t *testing.T) {
	c, a, _, committed := transferSetup(t, 5, 1)
	defer c.shutdown()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	live := allPeers(5)
	outcomes := map[string]int{}
	for round, fault := range transferFaults {
		l, term0, cmds := settle(t, c, a, live, round)
		committed = append(committed, cmds...)
		var outcome string
		outcome, live = transferRound(t, c, live, l, term0, round, fault, rng)
		outcomes[outcome]++
		t.Logf("round %d, %s: %s", round, fault, outcome)
	}
	t.Logf("outcomes: %v", outcomes)
	finishTransferTest(t, c, a, live, committed)
}

// settle waits until the live peers follow one leader: every one of them
// in the leader's term, having applied a command committed through it. A
// transfer to a peer that follows the leader must complete; one that a
// previous round left campaigning in a higher term (it got TimeoutNow, then
// was cut off) deposes the leader when it returns, as in any election. It
// returns the leader, its term and the commands committed on the way.
func settle(t *testing.T, c *miniCluster, a *appliedCommands, live []int, round int) (int, int, []interface{}) {
	t.Helper()
	var committed []interface{}
	for try := 0; try < 20; try++ {
		index, cmd := commitAmong(t, c, a, live, fmt.Sprintf("round-%d-%d", round, try))
		committed = append(committed, cmd)
		l, term := leaderAmong(t, c, live)
		settled := true
		for _, i := range live {
			peerTerm, _ := c.rafts[i].GetState()
			settled = settled && c.awaitApplied(i, index) && peerTerm == term
		}
		if l2, term2 := leaderAmong(t, c, live); settled && l2 == l && term2 == term {
			return l, term, committed
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("round %d: the live peers %v did not settle under one leader", round, live)
	return 0, 0, nil
}

// transferRound runs one round of TestTransferUnderFaults: a transfer from
// leader l (of term0) to another live peer, a fault injected just before or
// just after it begins, and the outcome awaited. It heals partitions before
// it returns, with the peers still alive.
func transferRound(t *testing.T, c *miniCluster, live []int, l, term0, round int, fault string, rng *rand.Rand) (string, []int) {
	others := without(live, l)
	target := others[rng.Intn(len(others))]
	bystanders := without(others, target)
	victim := map[string]int{"cut target": target, "crash target": target, "cut leader": l, "none": -1}[fault]
	if fault == "cut bystander" || fault == "crash bystander" {
		victim = bystanders[rng.Intn(len(bystanders))]
	}
	// Half the time the fault comes first, else 0-500 us after the call:
	// a transfer to a caught-up target takes well under a millisecond.
	faultFirst := rng.Intn(2) == 0
	begin := time.Now()
	if !faultFirst {
		if err := c.rafts[l].TransferLeadership(target); err != nil {
			t.Fatalf("round %d: TransferLeadership(%d) on leader %d: %v", round, target, l, err)
		}
		time.Sleep(time.Duration(rng.Intn(500)) * time.Microsecond)
	}
	if victim >= 0 {
		c.setConnected(victim, false)
	}
	if fault == "crash target" || fault == "crash bystander" {
		c.rafts[victim].Kill()
		live = without(live, victim)
	}
	if faultFirst {
		begin = time.Now()
		if err := c.rafts[l].TransferLeadership(target); err != nil {
			t.Fatalf("round %d: TransferLeadership(%d) on leader %d: %v", round, target, l, err)
		}
	}
	outcome := awaitTransferOutcome(t, c, l, target, term0, begin, round)
	if victim >= 0 {
		c.setConnected(victim, true)
	}
	if victim != target && victim != l && outcome != "completed" {
		t.Fatalf("round %d (%s): a transfer to reachable peer %d did not complete: %s", round, fault, target, outcome)
	}
	return outcome, live
}

// awaitTransferOutcome watches leader l's transfer to target (begun at
// begin, in term0) until the target leads in a higher term, l accepts a
// command in term0 (it must not before transferTimeout), or l has not led
// for transferTimeout (the old leader steps down a little before the
// target wins). It fails the test if none happens within 3 s.
func awaitTransferOutcome(t *testing.T, c *miniCluster, l, target, term0 int, begin time.Time, round int) string {
	t.Helper()
	var deposedAt time.Time
	for deadline := begin.Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if term, isLeader := c.rafts[target].GetState(); isLeader && term > term0 {
			return "completed"
		}
		if term, isLeader := c.rafts[l].GetState(); !isLeader || term != term0 {
			if deposedAt.IsZero() {
				deposedAt = time.Now()
			}
			if time.Since(deposedAt) > transferTimeout {
				return "old leader deposed"
			}
			continue
		}
		if _, term, ok := c.rafts[l].Start(fmt.Sprintf("resumed-%d", round)); ok {
			if took := time.Since(begin); term != term0 || took < transferTimeout {
				t.Fatalf("round %d: leader %d accepted a command in term %d after %v; want term %d, after %v",
					round, l, term, took, term0, transferTimeout)
			}
			return "old leader resumed"
		}
	}
	t.Fatalf("round %d: leader %d still leads term %d but refuses commands 3 s after its transfer to %d began",
		round, l, term0, target)
	return ""
}

// leaderAmong waits up to 10 s for a peer of live that leads, and returns
// the one in the highest term, with that term.
func leaderAmong(t *testing.T, c *miniCluster, live []int) (int, int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		best, bestTerm := -1, 0
		for _, i := range live {
			if term, isLeader := c.rafts[i].GetState(); isLeader && term > bestTerm {
				best, bestTerm = i, term
			}
		}
		if best >= 0 {
			return best, bestTerm
		}
	}
	t.Fatalf("no leader among %v within 10 s", live)
	return -1, 0
}

// without returns peers less p.
func without(peers []int, p int) []int {
	var rest []int
	for _, q := range peers {
		if q != p {
			rest = append(rest, q)
		}
	}
	return rest
}
