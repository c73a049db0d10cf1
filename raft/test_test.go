package raft

// The Raft tests, in the order and with the titles of the 6.824 lab:
// 2A leader election, 2B log agreement, 2C persistence, 2D snapshots.
// Run one part with `go test -run 2A ./raft`.
//
// The tests use the harness in config.go; helpers that are only about the
// tests follow them at the end of this file. This file and config.go are
// two of the five a course may replace with its own copies
// (docs/course-files.md), so nothing outside them depends on what they define.

import (
	"fmt"
	"math/rand"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestInitialElection2A(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2A): initial election")

	// is a leader elected?
	cfg.checkOneLeader()

	// sleep a bit to avoid racing with followers learning of the
	// election, then check that all peers agree on the term.
	time.Sleep(50 * time.Millisecond)
	term1 := cfg.checkTerms()
	if term1 < 1 {
		t.Fatalf("term is %v, but should be at least 1", term1)
	}

	// does the leader+term stay the same if there is no network failure?
	time.Sleep(2 * RaftElectionTimeout)
	term2 := cfg.checkTerms()
	if term1 != term2 {
		fmt.Printf("warning: term changed even though there were no failures\n")
	}

	// there should still be a leader.
	cfg.checkOneLeader()

	cfg.end()
}

func TestReElection2A(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2A): election after network failure")

	leader1 := cfg.checkOneLeader()

	// if the leader disconnects, a new one should be elected.
	cfg.disconnect(leader1)
	cfg.checkOneLeader()

	// if the old leader rejoins, that shouldn't
	// disturb the new leader.
	cfg.connect(leader1)
	leader2 := cfg.checkOneLeader()

	// if there's no quorum, no leader should
	// be elected.
	cfg.disconnect(leader2)
	cfg.disconnect((leader2 + 1) % servers)
	time.Sleep(2 * RaftElectionTimeout)
	cfg.checkNoLeader()

	// if a quorum arises, it should elect a leader.
	cfg.connect((leader2 + 1) % servers)
	cfg.checkOneLeader()

	// re-join of last node shouldn't prevent leader from existing.
	cfg.connect(leader2)
	cfg.checkOneLeader()

	cfg.end()
}

func TestManyElections2A(t *testing.T) {
	servers := 7
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2A): multiple elections")

	cfg.checkOneLeader()

	iters := 10
	for ii := 0; ii < iters; ii++ {
		// disconnect three nodes
		i1 := rand.Int() % servers
		i2 := rand.Int() % servers
		i3 := rand.Int() % servers
		cfg.disconnect(i1)
		cfg.disconnect(i2)
		cfg.disconnect(i3)

		// either the current leader should still be alive,
		// or the remaining four should elect a new one.
		cfg.checkOneLeader()

		cfg.connect(i1)
		cfg.connect(i2)
		cfg.connect(i3)
	}

	cfg.checkOneLeader()

	cfg.end()
}

func TestBasicAgree2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): basic agreement")

	iters := 3
	for index := 1; index < iters+1; index++ {
		nd, _ := cfg.nCommitted(index)
		if nd > 0 {
			t.Fatalf("some have committed before Start()")
		}

		xindex := cfg.one(index*100, servers, false)
		if xindex != index {
			t.Fatalf("got index %v but expected %v", xindex, index)
		}
	}

	cfg.end()
}

// TestRPCBytes2B checks that each command is sent to each peer only once.
func TestRPCBytes2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): RPC byte count")

	cfg.one(99, servers, false)
	bytes0 := cfg.bytesTotal()

	iters := 10
	var sent int64
	for index := 2; index < iters+2; index++ {
		cmd := randstring(5000)
		xindex := cfg.one(cmd, servers, false)
		if xindex != index {
			t.Fatalf("got index %v but expected %v", xindex, index)
		}
		sent += int64(len(cmd))
	}

	bytes1 := cfg.bytesTotal()
	got := bytes1 - bytes0
	expected := int64(servers) * sent
	if got > expected+50000 {
		t.Fatalf("too many RPC bytes; got %v, expected %v", got, expected)
	}

	cfg.end()
}

// TestFollowerFailure2B checks agreement as followers fail one by one.
func TestFollowerFailure2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): test progressive failure of followers")

	cfg.one(101, servers, false)

	// disconnect one follower from the network.
	leader1 := cfg.checkOneLeader()
	cfg.disconnect((leader1 + 1) % servers)

	// the leader and remaining follower should be
	// able to agree despite the disconnected follower.
	cfg.one(102, servers-1, false)
	time.Sleep(RaftElectionTimeout)
	cfg.one(103, servers-1, false)

	// disconnect the remaining follower
	leader2 := cfg.checkOneLeader()
	cfg.disconnect((leader2 + 1) % servers)
	cfg.disconnect((leader2 + 2) % servers)

	// submit a command.
	index, _, ok := cfg.rafts[leader2].Start(104)
	if !ok {
		t.Fatalf("leader rejected Start()")
	}
	if index != 4 {
		t.Fatalf("expected index 4, got %v", index)
	}

	time.Sleep(2 * RaftElectionTimeout)

	// check that command 104 did not commit.
	n, _ := cfg.nCommitted(index)
	if n > 0 {
		t.Fatalf("%v committed but no majority", n)
	}

	cfg.end()
}

// TestLeaderFailure2B checks that a new leader takes over after each leader
// failure, and that nothing commits once a majority is gone.
func TestLeaderFailure2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): test failure of leaders")

	cfg.one(101, servers, false)

	// disconnect the first leader.
	leader1 := cfg.checkOneLeader()
	cfg.disconnect(leader1)

	// the remaining followers should elect
	// a new leader.
	cfg.one(102, servers-1, false)
	time.Sleep(RaftElectionTimeout)
	cfg.one(103, servers-1, false)

	// disconnect the new leader.
	leader2 := cfg.checkOneLeader()
	cfg.disconnect(leader2)

	// submit a command to each server.
	for i := 0; i < servers; i++ {
		cfg.rafts[i].Start(104)
	}

	time.Sleep(2 * RaftElectionTimeout)

	// check that command 104 did not commit.
	n, _ := cfg.nCommitted(4)
	if n > 0 {
		t.Fatalf("%v committed but no majority", n)
	}

	cfg.end()
}

// TestFailAgree2B checks that a follower that was disconnected catches up
// when it reconnects.
func TestFailAgree2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): agreement despite follower disconnection")

	cfg.one(101, servers, false)

	// disconnect one follower from the network.
	leader := cfg.checkOneLeader()
	cfg.disconnect((leader + 1) % servers)

	// the leader and remaining follower should be
	// able to agree despite the disconnected follower.
	cfg.one(102, servers-1, false)
	cfg.one(103, servers-1, false)
	time.Sleep(RaftElectionTimeout)
	cfg.one(104, servers-1, false)
	cfg.one(105, servers-1, false)

	// re-connect
	cfg.connect((leader + 1) % servers)

	// the full set of servers should preserve
	// previous agreements, and be able to agree
	// on new commands.
	cfg.one(106, servers, true)
	time.Sleep(RaftElectionTimeout)
	cfg.one(107, servers, true)

	cfg.end()
}

func TestFailNoAgree2B(t *testing.T) {
	servers := 5
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): no agreement if too many followers disconnect")

	cfg.one(10, servers, false)

	// 3 of 5 followers disconnect
	leader := cfg.checkOneLeader()
	cfg.disconnect((leader + 1) % servers)
	cfg.disconnect((leader + 2) % servers)
	cfg.disconnect((leader + 3) % servers)

	index, _, ok := cfg.rafts[leader].Start(20)
	if !ok {
		t.Fatalf("leader rejected Start()")
	}
	if index != 2 {
		t.Fatalf("expected index 2, got %v", index)
	}

	time.Sleep(2 * RaftElectionTimeout)

	n, _ := cfg.nCommitted(index)
	if n > 0 {
		t.Fatalf("%v committed but no majority", n)
	}

	// repair
	cfg.connect((leader + 1) % servers)
	cfg.connect((leader + 2) % servers)
	cfg.connect((leader + 3) % servers)

	// the disconnected majority may have chosen a leader from
	// among their own ranks, forgetting index 2.
	leader2 := cfg.checkOneLeader()
	index2, _, ok2 := cfg.rafts[leader2].Start(30)
	if !ok2 {
		t.Fatalf("leader2 rejected Start()")
	}
	if index2 < 2 || index2 > 3 {
		t.Fatalf("unexpected index %v", index2)
	}

	cfg.one(1000, servers, true)

	cfg.end()
}

func TestConcurrentStarts2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): concurrent Start()s")

	success := false
	for try := 0; try < 5 && !success; try++ {
		if try > 0 {
			// give solution some time to settle
			time.Sleep(3 * time.Second)
		}
		success = concurrentStartsRound(cfg, servers)
	}

	if !success {
		t.Fatalf("term changed too often")
	}

	cfg.end()
}

// TestRejoin2B checks that a partitioned leader's uncommitted entries are
// discarded once it rejoins.
func TestRejoin2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): rejoin of partitioned leader")

	cfg.one(101, servers, true)

	// leader network failure
	leader1 := cfg.checkOneLeader()
	cfg.disconnect(leader1)

	// make old leader try to agree on some entries
	cfg.rafts[leader1].Start(102)
	cfg.rafts[leader1].Start(103)
	cfg.rafts[leader1].Start(104)

	// new leader commits, also for index=2
	cfg.one(103, 2, true)

	// new leader network failure
	leader2 := cfg.checkOneLeader()
	cfg.disconnect(leader2)

	// old leader connected again
	cfg.connect(leader1)

	cfg.one(104, 2, true)

	// all together now
	cfg.connect(leader2)

	cfg.one(105, servers, true)

	cfg.end()
}

// TestBackup2B gives followers long divergent suffixes, which the leader must
// repair quickly. On the reliable network even one entry per RPC is quick in
// time, so the first repair is also held to an RPC budget
// (checkRepairRPCs): one rejection per conflicting term, not per entry.
func TestBackup2B(t *testing.T) {
	servers := 5
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): leader backs up quickly over incorrect follower logs")

	cfg.one(rand.Int(), servers, true)

	// put leader and one follower in a partition
	leader1 := cfg.checkOneLeader()
	cfg.disconnect((leader1 + 2) % servers)
	cfg.disconnect((leader1 + 3) % servers)
	cfg.disconnect((leader1 + 4) % servers)

	// submit lots of commands that won't commit
	for i := 0; i < 50; i++ {
		cfg.rafts[leader1].Start(rand.Int())
	}

	time.Sleep(RaftElectionTimeout / 2)

	cfg.disconnect((leader1 + 0) % servers)
	cfg.disconnect((leader1 + 1) % servers)

	// allow other partition to recover
	cfg.connect((leader1 + 2) % servers)
	cfg.connect((leader1 + 3) % servers)
	cfg.connect((leader1 + 4) % servers)

	// lots of successful commands to new group.
	for i := 0; i < 50; i++ {
		cfg.one(rand.Int(), 3, true)
	}

	// now another partitioned leader and one follower
	leader2 := cfg.checkOneLeader()
	other := (leader1 + 2) % servers
	if leader2 == other {
		other = (leader2 + 1) % servers
	}
	cfg.disconnect(other)

	// lots more commands that won't commit
	for i := 0; i < 50; i++ {
		cfg.rafts[leader2].Start(rand.Int())
	}

	time.Sleep(RaftElectionTimeout / 2)

	// bring original leader back to life,
	for i := 0; i < servers; i++ {
		cfg.disconnect(i)
	}
	// Both peers of the first partition hold 50 entries of an old term
	// that the new group's leader does not have.
	stale := []int{(leader1 + 0) % servers, (leader1 + 1) % servers}
	rpcsBefore := []int{cfg.rpcCount(stale[0]), cfg.rpcCount(stale[1])}
	cfg.connect(stale[0])
	cfg.connect(stale[1])
	cfg.connect(other)

	// lots of successful commands to new group.
	for i := 0; i < 50; i++ {
		cfg.one(rand.Int(), 3, true)
		if i == 0 {
			checkRepairRPCs(cfg, stale, rpcsBefore)
		}
	}

	// now everyone
	for i := 0; i < servers; i++ {
		cfg.connect(i)
	}
	cfg.one(rand.Int(), servers, true)

	cfg.end()
}

// TestCount2B bounds the RPCs needed to elect a leader, to agree on ten
// entries, and to stay idle for a second.
func TestCount2B(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2B): RPC counts aren't too high")

	cfg.checkOneLeader()

	total1 := cfg.rpcsTo(servers)

	if total1 > 30 || total1 < 1 {
		t.Fatalf("too many or few RPCs (%v) to elect initial leader\n", total1)
	}

	var total2 int
	success := false
	for try := 0; try < 5 && !success; try++ {
		if try > 0 {
			// give solution some time to settle
			time.Sleep(3 * time.Second)
		}
		total2, success = countAgreementRound(cfg, servers)
	}

	if !success {
		t.Fatalf("term changed too often")
	}

	terms := cfg.allTerms()
	idleStart := time.Now()
	time.Sleep(RaftElectionTimeout)
	total3 := cfg.rpcsTo(servers)
	idle := time.Since(idleStart)

	if total3-total2 > 3*20 {
		t.Fatalf("too many RPCs (%v) for 1 second of idleness\n", total3-total2)
	}
	checkHeartbeatRate(cfg, servers, total3-total2, idle, terms)

	cfg.end()
}

func TestPersist12C(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2C): basic persistence")

	cfg.one(11, servers, true)

	// crash and re-start all
	for i := 0; i < servers; i++ {
		cfg.start1(i)
	}
	for i := 0; i < servers; i++ {
		cfg.disconnect(i)
		cfg.connect(i)
	}

	cfg.one(12, servers, true)

	leader1 := cfg.checkOneLeader()
	cfg.disconnect(leader1)
	cfg.start1(leader1)
	cfg.connect(leader1)

	cfg.one(13, servers, true)

	leader2 := cfg.checkOneLeader()
	cfg.disconnect(leader2)
	cfg.one(14, servers-1, true)
	cfg.start1(leader2)
	cfg.connect(leader2)

	cfg.wait(4, servers, -1) // wait for leader2 to join before killing i3

	i3 := (cfg.checkOneLeader() + 1) % servers
	cfg.disconnect(i3)
	cfg.one(15, servers-1, true)
	cfg.start1(i3)
	cfg.connect(i3)

	cfg.one(16, servers, true)

	cfg.end()
}

func TestPersist22C(t *testing.T) {
	servers := 5
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2C): more persistence")

	index := 1
	for iters := 0; iters < 5; iters++ {
		cfg.one(10+index, servers, true)
		index++

		leader1 := cfg.checkOneLeader()

		cfg.disconnect((leader1 + 1) % servers)
		cfg.disconnect((leader1 + 2) % servers)

		cfg.one(10+index, servers-2, true)
		index++

		cfg.disconnect((leader1 + 0) % servers)
		cfg.disconnect((leader1 + 3) % servers)
		cfg.disconnect((leader1 + 4) % servers)

		cfg.start1((leader1 + 1) % servers)
		cfg.start1((leader1 + 2) % servers)
		cfg.connect((leader1 + 1) % servers)
		cfg.connect((leader1 + 2) % servers)

		time.Sleep(RaftElectionTimeout)

		cfg.start1((leader1 + 3) % servers)
		cfg.connect((leader1 + 3) % servers)

		cfg.one(10+index, servers-2, true)
		index++

		cfg.connect((leader1 + 4) % servers)
		cfg.connect((leader1 + 0) % servers)
	}

	cfg.one(1000, servers, true)

	cfg.end()
}

func TestPersist32C(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2C): partitioned leader and one follower crash, leader restarts")

	cfg.one(101, 3, true)

	leader := cfg.checkOneLeader()
	cfg.disconnect((leader + 2) % servers)

	cfg.one(102, 2, true)

	cfg.crash1((leader + 0) % servers)
	cfg.crash1((leader + 1) % servers)
	cfg.connect((leader + 2) % servers)
	cfg.start1((leader + 0) % servers)
	cfg.connect((leader + 0) % servers)

	cfg.one(103, 2, true)

	cfg.start1((leader + 1) % servers)
	cfg.connect((leader + 1) % servers)

	cfg.one(104, servers, true)

	cfg.end()
}

// TestFigure82C tests the scenario of Figure 8 of the Raft paper (an entry
// from an earlier term must not be committed by counting replicas) as well
// as crash and restart. Leaders crash right after Start, sometimes before and
// sometimes after their new entries commit; whenever fewer than three peers
// are up a random one is restarted.
func TestFigure82C(t *testing.T) {
	servers := 5
	cfg := make_config(t, servers, false, false)
	defer cfg.cleanup()

	cfg.begin("Test (2C): Figure 8")

	cfg.one(rand.Int(), 1, true)

	nup := servers
	for iters := 0; iters < 1000; iters++ {
		leader := -1
		for i := 0; i < servers; i++ {
			if cfg.rafts[i] != nil {
				_, _, ok := cfg.rafts[i].Start(rand.Int())
				if ok {
					leader = i
				}
			}
		}

		figure8Sleep()

		if leader != -1 {
			cfg.crash1(leader)
			nup--
		}

		if nup < 3 {
			s := rand.Int() % servers
			if cfg.rafts[s] == nil {
				cfg.start1(s)
				cfg.connect(s)
				nup++
			}
		}
	}

	for i := 0; i < servers; i++ {
		if cfg.rafts[i] == nil {
			cfg.start1(i)
			cfg.connect(i)
		}
	}

	cfg.one(rand.Int(), servers, true)

	cfg.end()
}

func TestUnreliableAgree2C(t *testing.T) {
	servers := 5
	cfg := make_config(t, servers, true, false)
	defer cfg.cleanup()

	cfg.begin("Test (2C): unreliable agreement")

	var wg sync.WaitGroup
	errs := make(chan error, 4*50)

	for iters := 1; iters < 50; iters++ {
		for j := 0; j < 4; j++ {
			wg.Add(1)
			go func(iters, j int) {
				defer wg.Done()
				if _, err := cfg.tryOne((100*iters)+j, 1, true); err != nil {
					errs <- err
				}
			}(iters, j)
		}
		cfg.one(iters, 1, true)
	}

	cfg.setunreliable(false)

	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	cfg.one(100, servers, true)

	cfg.end()
}

// TestFigure8Unreliable2C is Figure 8 on an unreliable network, with leaders
// disconnected instead of crashed and, after 200 rounds, replies held back for
// up to seconds, so that stale RPCs and replies arrive out of order.
func TestFigure8Unreliable2C(t *testing.T) {
	servers := 5
	cfg := make_config(t, servers, true, false)
	defer cfg.cleanup()

	cfg.begin("Test (2C): Figure 8 (unreliable)")

	cfg.one(rand.Int()%10000, 1, true)

	nup := servers
	for iters := 0; iters < 1000; iters++ {
		if iters == 200 {
			cfg.setlongreordering(true)
		}
		leader := -1
		for i := 0; i < servers; i++ {
			_, _, ok := cfg.rafts[i].Start(rand.Int() % 10000)
			if ok && cfg.connected[i] {
				leader = i
			}
		}

		figure8Sleep()

		if leader != -1 && (rand.Int()%1000) < int(RaftElectionTimeout/time.Millisecond)/2 {
			cfg.disconnect(leader)
			nup--
		}

		if nup < 3 {
			s := rand.Int() % servers
			if !cfg.connected[s] {
				cfg.connect(s)
				nup++
			}
		}
	}

	for i := 0; i < servers; i++ {
		if !cfg.connected[i] {
			cfg.connect(i)
		}
	}

	cfg.one(rand.Int()%10000, servers, true)

	cfg.end()
}

func TestReliableChurn2C(t *testing.T) {
	internalChurn(t, false)
}

func TestUnreliableChurn2C(t *testing.T) {
	internalChurn(t, true)
}

// MAXLOGSIZE bounds the persisted Raft state (bytes) in the 2D tests: the
// log must be trimmed after every snapshot.
const MAXLOGSIZE = 2000

// snapcommon runs 30 rounds of bursts of Starts with snapshots every
// SnapShotInterval entries, checking LogSize each round. With disconnect a
// peer misses entries that are snapshotted meanwhile and must catch up by
// InstallSnapshot; with crash it restarts from its own snapshot.
func snapcommon(t *testing.T, name string, disconnect bool, reliable bool, crash bool) {
	iters := 30
	servers := 3
	cfg := make_config(t, servers, !reliable, true)
	defer cfg.cleanup()

	cfg.begin(name)

	cfg.one(rand.Int(), servers, true)
	leader1 := cfg.checkOneLeader()

	for i := 0; i < iters; i++ {
		victim := (leader1 + 1) % servers
		sender := leader1
		if i%3 == 1 {
			sender = (leader1 + 1) % servers
			victim = leader1
		}

		if disconnect {
			cfg.disconnect(victim)
			cfg.one(rand.Int(), servers-1, true)
		}
		if crash {
			cfg.crash1(victim)
			cfg.one(rand.Int(), servers-1, true)
		}

		// perhaps send enough to get a snapshot
		nn := (SnapShotInterval / 2) + (rand.Int() % SnapShotInterval)
		for i := 0; i < nn; i++ {
			cfg.rafts[sender].Start(rand.Int())
		}

		// let applier threads catch up with the Start()'s
		if !disconnect && !crash {
			// make sure all followers have caught up, so that
			// an InstallSnapshot RPC isn't required for
			// TestSnapshotBasic2D().
			cfg.one(rand.Int(), servers, true)
		} else {
			cfg.one(rand.Int(), servers-1, true)
		}

		if size := cfg.LogSize(); size >= MAXLOGSIZE {
			cfg.t.Fatalf("Log size too large: %v bytes (limit %v)", size, MAXLOGSIZE)
		}
		if disconnect {
			// reconnect a follower, who maybe behind and
			// needs to receive a snapshot to catch up.
			cfg.connect(victim)
			cfg.one(rand.Int(), servers, true)
			leader1 = cfg.checkOneLeader()
		}
		if crash {
			cfg.start1(victim)
			cfg.connect(victim)
			cfg.one(rand.Int(), servers, true)
			leader1 = cfg.checkOneLeader()
		}
	}
	cfg.end()
}

func TestSnapshotBasic2D(t *testing.T) {
	snapcommon(t, "Test (2D): snapshots basic", false, true, false)
}

func TestSnapshotInstall2D(t *testing.T) {
	snapcommon(t, "Test (2D): install snapshots (disconnect)", true, true, false)
}

func TestSnapshotInstallUnreliable2D(t *testing.T) {
	snapcommon(t, "Test (2D): install snapshots (disconnect+unreliable)",
		true, false, false)
}

func TestSnapshotInstallCrash2D(t *testing.T) {
	snapcommon(t, "Test (2D): install snapshots (crash)", false, true, true)
}

func TestSnapshotInstallUnCrash2D(t *testing.T) {
	snapcommon(t, "Test (2D): install snapshots (unreliable+crash)", false, false, true)
}

// TestSnapshotAllCrash2D checks that peers persist their snapshots and
// restart from them together with the rest of the log: after all crash, the
// next entry goes after everything committed before.
func TestSnapshotAllCrash2D(t *testing.T) {
	servers := 3
	iters := 5
	cfg := make_config(t, servers, false, true)
	defer cfg.cleanup()

	cfg.begin("Test (2D): crash and restart all servers")

	cfg.one(rand.Int(), servers, true)

	for i := 0; i < iters; i++ {
		// perhaps enough to get a snapshot
		nn := (SnapShotInterval / 2) + (rand.Int() % SnapShotInterval)
		for i := 0; i < nn; i++ {
			cfg.one(rand.Int(), servers, true)
		}

		index1 := cfg.one(rand.Int(), servers, true)

		cfg.crashAll()
		cfg.restartAll()

		index2 := cfg.one(rand.Int(), servers, true)
		if index2 < index1+1 {
			t.Fatalf("index decreased from %v to %v", index1, index2)
		}
	}
	cfg.end()
}

// TestSnapshotInit2D checks that peers initialise their in-memory copy of the
// snapshot at restart, so that later writes of their persistent state do not
// lose it.
func TestSnapshotInit2D(t *testing.T) {
	servers := 3
	cfg := make_config(t, servers, false, true)
	defer cfg.cleanup()

	cfg.begin("Test (2D): snapshot initialization after crash")
	cfg.one(rand.Int(), servers, true)

	// enough ops to make a snapshot
	nn := SnapShotInterval + 1
	for i := 0; i < nn; i++ {
		cfg.one(rand.Int(), servers, true)
	}

	cfg.crashAll()
	cfg.restartAll()

	// a single op, to get something to be written back to persistent storage.
	cfg.one(rand.Int(), servers, true)

	cfg.crashAll()
	cfg.restartAll()

	// do another op to trigger potential bug
	cfg.one(rand.Int(), servers, true)
	cfg.end()
}

// Pieces of the tests above that are long enough to deserve a name.

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
// tester relies on: a leader sends at most 10 heartbeats per second (the
// testers' rule), so over idle time each follower receives at most 10 per second, plus
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
