package raft

// Pieces of the tests in test_test.go that are long enough to deserve a name.

import (
	"fmt"
	"math/rand"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rpcsTo returns the number of RPCs delivered to peers 0..servers-1.
func (cfg *config) rpcsTo(servers int) int {
	n := 0
	for j := 0; j < servers; j++ {
		n += cfg.rpcCount(j)
	}
	return n
}

// allTerms returns every running peer's current term (-1 for a crashed one).
func (cfg *config) allTerms() []int {
	cfg.mu.Lock()
	rafts := append([]*Raft(nil), cfg.rafts...)
	cfg.mu.Unlock()
	terms := make([]int, len(rafts))
	for i, rf := range rafts {
		terms[i] = -1
		if rf != nil {
			terms[i], _ = rf.GetState()
		}
	}
	return terms
}

// crashAll crashes every peer.
func (cfg *config) crashAll() {
	for i := 0; i < cfg.n; i++ {
		cfg.crash1(i)
	}
}

// restartAll restarts and connects every peer.
func (cfg *config) restartAll() {
	for i := 0; i < cfg.n; i++ {
		cfg.start1(i)
		cfg.connect(i)
	}
}

// concurrentStartsRound is one attempt of TestConcurrentStarts2B: five
// concurrent Starts on the leader, all of which must commit unless the term
// changes. It returns false when the term changed and the round must be
// tried again.
func concurrentStartsRound(cfg *config, servers int) bool {
	t := cfg.t
	leader := cfg.checkOneLeader()
	_, term, ok := cfg.rafts[leader].Start(1)
	if !ok {
		// leader moved on really quickly
		return false
	}

	iters := 5
	var wg sync.WaitGroup
	is := make(chan int, iters)
	for ii := 0; ii < iters; ii++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			i, term1, ok := cfg.rafts[leader].Start(100 + i)
			if term1 != term || !ok {
				return
			}
			is <- i
		}(ii)
	}
	wg.Wait()
	close(is)

	for j := 0; j < servers; j++ {
		if t, _ := cfg.rafts[j].GetState(); t != term {
			// term changed -- can't expect low RPC counts
			return false
		}
	}

	cmds := []int{}
	for index := range is {
		cmd := cfg.wait(index, servers, term)
		ix, ok := cmd.(int)
		if !ok {
			t.Fatalf("value %v is not an int", cmd)
		}
		if ix == -1 {
			// peers have moved on to later terms so we can't
			// expect all Start()s to have succeeded
			return false
		}
		cmds = append(cmds, ix)
	}

	for ii := 0; ii < iters; ii++ {
		x := 100 + ii
		found := false
		for j := 0; j < len(cmds); j++ {
			if cmds[j] == x {
				found = true
			}
		}
		if !found {
			t.Fatalf("cmd %v missing in %v", x, cmds)
		}
	}
	return true
}

// countAgreementRound is one attempt of TestCount2B's agreement part: eleven
// Starts on the leader in one term, ten of them waited for on every peer, in
// at most (10+1+3)*3 RPCs. It returns the RPC total afterwards and false if
// the term changed (the round must be tried again).
func countAgreementRound(cfg *config, servers int) (int, bool) {
	t := cfg.t
	leader := cfg.checkOneLeader()
	total1 := cfg.rpcsTo(servers)

	iters := 10
	starti, term, ok := cfg.rafts[leader].Start(1)
	if !ok {
		// leader moved on really quickly
		return 0, false
	}
	cmds := []int{}
	for i := 1; i < iters+2; i++ {
		x := int(rand.Int31())
		cmds = append(cmds, x)
		index1, term1, ok := cfg.rafts[leader].Start(x)
		if term1 != term || !ok {
			// Term changed while starting, or no longer the leader.
			return 0, false
		}
		if starti+i != index1 {
			t.Fatalf("Start() failed")
		}
	}

	for i := 1; i < iters+1; i++ {
		cmd := cfg.wait(starti+i, servers, term)
		if ix, ok := cmd.(int); !ok || ix != cmds[i-1] {
			if ok && ix == -1 {
				// term changed -- try again
				return 0, false
			}
			t.Fatalf("wrong value %v committed for index %v; expected %v\n", cmd, starti+i, cmds)
		}
	}

	changed := false
	total2 := 0
	for j := 0; j < servers; j++ {
		if t, _ := cfg.rafts[j].GetState(); t != term {
			// term changed -- can't expect low RPC counts
			changed = true
		}
		total2 += cfg.rpcCount(j)
	}
	if changed {
		return total2, false
	}

	if total2-total1 > (iters+1+3)*3 {
		t.Fatalf("too many RPCs (%v) for %v entries\n", total2-total1, iters)
	}
	return total2, true
}

// checkHeartbeatRate holds an idle cluster to the heartbeat rate every
// tester relies on: a leader sends at most 10 heartbeats per second (SPEC
// 4.1), so over idle time each follower receives at most 10 per second, plus
// two for the interval's ends and a last commit-index update. It applies only
// when no peer's term changed (terms taken before the idle period), since an
// election legitimately costs more.
func checkHeartbeatRate(cfg *config, servers int, rpcs int, idle time.Duration, terms []int) {
	if !reflect.DeepEqual(terms, cfg.allTerms()) {
		return
	}
	perFollower := int(idle.Seconds()*10) + 2
	limit := (servers - 1) * perFollower
	if rpcs > limit {
		cfg.t.Fatalf("too many RPCs (%v) for %.2f seconds of idleness: more than 10 heartbeats per second per follower (at most %v)",
			rpcs, idle.Seconds(), limit)
	}
}

// figure8Sleep sleeps as the Figure 8 tests do between Start and crash: mostly
// 0-12 ms (the leader crashes before replicating), one time in ten up to half
// an election timeout (the entry may commit first).
func figure8Sleep() {
	if (rand.Int() % 1000) < 100 {
		ms := rand.Int63() % (int64(RaftElectionTimeout/time.Millisecond) / 2)
		time.Sleep(time.Duration(ms) * time.Millisecond)
	} else {
		ms := (rand.Int63() % 13)
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
}

// churnResult is what a churn client reports: the values it saw committed,
// or the error that stopped it.
type churnResult struct {
	values []int
	err    error
}

// churnClient keeps offering random values to every running peer until stop
// is set, and collects the values it saw committed at the index a leader
// gave them.
func churnClient(cfg *config, me int, stop *int32, ch chan<- churnResult) {
	values := []int{}
	for atomic.LoadInt32(stop) == 0 {
		x := rand.Int()
		index := -1
		ok := false
		for i := 0; i < cfg.n; i++ {
			// try them all, maybe one of them is a leader
			cfg.mu.Lock()
			rf := cfg.rafts[i]
			cfg.mu.Unlock()
			if rf != nil {
				index1, _, ok1 := rf.Start(x)
				if ok1 {
					ok = ok1
					index = index1
				}
			}
		}
		if !ok {
			time.Sleep(time.Duration(79+me*17) * time.Millisecond)
			continue
		}
		// maybe leader will commit our value, maybe not.
		// but don't wait forever.
		for _, to := range []int{10, 20, 50, 100, 200} {
			nd, cmd, err := cfg.nCommittedErr(index)
			if err != nil {
				ch <- churnResult{err: err}
				return
			}
			if nd > 0 {
				xx, isInt := cmd.(int)
				if !isInt {
					ch <- churnResult{err: fmt.Errorf("wrong command type %T", cmd)}
					return
				}
				if xx == x {
					values = append(values, x)
				}
				break
			}
			time.Sleep(time.Duration(to) * time.Millisecond)
		}
	}
	ch <- churnResult{values: values}
}

// churnRounds disconnects, crashes and restarts random peers for 20 rounds
// of 700 ms.
func churnRounds(cfg *config, servers int) {
	for iters := 0; iters < 20; iters++ {
		if (rand.Int() % 1000) < 200 {
			i := rand.Int() % servers
			cfg.disconnect(i)
		}

		if (rand.Int() % 1000) < 500 {
			i := rand.Int() % servers
			if cfg.rafts[i] == nil {
				cfg.start1(i)
			}
			cfg.connect(i)
		}

		if (rand.Int() % 1000) < 200 {
			i := rand.Int() % servers
			if cfg.rafts[i] != nil {
				cfg.crash1(i)
			}
		}

		// Make crash/restart infrequent enough that the peers can often
		// keep up, but not so infrequent that everything has settled
		// down from one change to the next. Pick a value smaller than
		// the election timeout, but not hugely smaller.
		time.Sleep((RaftElectionTimeout * 7) / 10)
	}
}

// internalChurn is the churn test: three clients Start values on all peers
// while peers are disconnected, crashed and restarted; afterwards every value
// a client saw committed must be in the final, fully agreed log.
func internalChurn(t *testing.T, unreliable bool) {
	servers := 5
	cfg := make_config(t, servers, unreliable, false)
	defer cfg.cleanup()

	if unreliable {
		cfg.begin("Test (2C): unreliable churn")
	} else {
		cfg.begin("Test (2C): churn")
	}

	stop := int32(0)
	ncli := 3
	cha := []chan churnResult{}
	for i := 0; i < ncli; i++ {
		cha = append(cha, make(chan churnResult, 1))
		go churnClient(cfg, i, &stop, cha[i])
	}

	churnRounds(cfg, servers)

	time.Sleep(RaftElectionTimeout)
	cfg.setunreliable(false)
	for i := 0; i < servers; i++ {
		if cfg.rafts[i] == nil {
			cfg.start1(i)
		}
		cfg.connect(i)
	}

	atomic.StoreInt32(&stop, 1)

	values := []int{}
	for i := 0; i < ncli; i++ {
		res := <-cha[i]
		if res.err != nil {
			t.Fatalf("client failed: %v", res.err)
		}
		values = append(values, res.values...)
	}

	time.Sleep(RaftElectionTimeout)

	lastIndex := cfg.one(rand.Int(), servers, true)

	really := map[int]bool{}
	for index := 1; index <= lastIndex; index++ {
		v := cfg.wait(index, servers, -1)
		vi, ok := v.(int)
		if !ok {
			t.Fatalf("not an int")
		}
		really[vi] = true
	}

	for _, v1 := range values {
		if !really[v1] {
			t.Fatalf("didn't find a value")
		}
	}

	cfg.end()
}

// maxRepairRPCsPerPeer bounds the RPCs TestBackup2B's two stale peers may
// each receive from rejoining until both hold the new group's first entry:
// an election (a RequestVote or two), heartbeats, and a few AppendEntries to
// find where their 50 divergent entries begin. The optimisation of §5.3
// rejects once per conflicting term; a leader that steps nextIndex back one
// entry per rejection needs more than 50.
const maxRepairRPCsPerPeer = 40

// checkRepairRPCs fails the test if one of the stale peers received more
// than maxRepairRPCsPerPeer RPCs since rpcsBefore was taken.
func checkRepairRPCs(cfg *config, stale []int, rpcsBefore []int) {
	cfg.t.Helper()
	for k, s := range stale {
		used := cfg.rpcCount(s) - rpcsBefore[k]
		if used > maxRepairRPCsPerPeer {
			cfg.t.Fatalf("S%d received %d RPCs before its divergent entries were replaced; want at most %d "+
				"(is nextIndex decremented one entry at a time?)", s, used, maxRepairRPCsPerPeer)
		}
	}
}
