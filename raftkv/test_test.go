package raftkv

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// crashPause is how long all servers stay down in a crash-restart round:
// long enough for clerk RPCs in flight to fail (labrpc notices a deleted
// server within about 100 ms).
const crashPause = 100 * time.Millisecond

// check fails the test unless a Get of key returns value.
func check(cfg *config, t *testing.T, ck *Clerk, key string, value string) {
	t.Helper()
	v := cfg.Get(ck, key, 0)
	if v != value {
		t.Fatalf("Get(%v): expected:\n%v\nreceived:\n%v", key, value, v)
	}
}

// spawnClients runs fn(cli, clerk) for clients 0..ncli-1 at once, each
// with a fresh clerk connected to every server, and waits for all of them.
// A client reports failure with t.Errorf and returns.
func spawnClients(cfg *config, ncli int, fn func(cli int, ck *Clerk)) {
	var wg sync.WaitGroup
	for cli := 0; cli < ncli; cli++ {
		wg.Add(1)
		go func(cli int) {
			defer wg.Done()
			ck := cfg.makeClient(cfg.All())
			defer cfg.deleteClient(ck)
			fn(cli, ck)
		}(cli)
	}
	wg.Wait()
}

// appendValue is the string client cli appends as its j-th append.
func appendValue(cli, j int) string {
	return "x " + strconv.Itoa(cli) + " " + strconv.Itoa(j) + " y"
}

// checkClntAppends checks that v holds client clnt's appends 0..count-1
// exactly once each and in order.
func checkClntAppends(t *testing.T, clnt int, v string, count int) {
	t.Helper()
	lastoff := -1
	for j := 0; j < count; j++ {
		wanted := appendValue(clnt, j)
		off := strings.Index(v, wanted)
		if off < 0 {
			t.Fatalf("%v missing element %v in Append result %v", clnt, wanted, v)
		}
		off1 := strings.LastIndex(v, wanted)
		if off1 != off {
			t.Fatalf("duplicate element %v in Append result", wanted)
		}
		if off <= lastoff {
			t.Fatalf("wrong order for element %v in Append result", wanted)
		}
		lastoff = off
	}
}

// checkConcurrentAppends checks that v holds, for each client i, its appends
// 0..counts[i]-1 exactly once each and in order.
func checkConcurrentAppends(t *testing.T, v string, counts []int) {
	t.Helper()
	for i := 0; i < len(counts); i++ {
		checkClntAppends(t, i, v, counts[i])
	}
}

// genericTitle builds the title of a GenericTest from its options.
func genericTitle(part string, nclients int, unreliable, crash, partitions bool, maxraftstate int, randomkeys bool) string {
	title := "Test: "
	if unreliable {
		title += "unreliable net, "
	}
	if crash {
		title += "restarts, "
	}
	if partitions {
		title += "partitions, "
	}
	if maxraftstate != -1 {
		title += "snapshots, "
	}
	if nclients > 1 {
		title += "many clients"
	} else {
		title += "one client"
	}
	if randomkeys {
		title += ", linearizability checks"
	}
	return title + " (" + part + ")"
}

// runPartitioner re-partitions the servers every 1-1.2 s, each time with
// the current leader in the minority, until stop is closed.
func (cfg *config) runPartitioner(stop <-chan struct{}, finished chan<- struct{}) {
	defer close(finished)
	for {
		pause := electionTimeout + time.Duration(rand.Int63n(int64(200*time.Millisecond)))
		select {
		case <-stop:
			return
		case <-time.After(pause):
		}
		cfg.partition(cfg.random_partition())
	}
}

// genericClient is one client of a GenericTest round: until done, it
// appends to (50%) or reads (50%) its own key, checking every read, or with
// randomkeys does the same on random keys with some Puts and no read checks.
// It returns how many appends/puts it made.
func genericClient(cfg *config, t *testing.T, cli int, ck *Clerk, nclients int, randomkeys bool, done *int32) int {
	j := 0
	last := "" // expected value of the client's own key
	if !randomkeys {
		cfg.Put(ck, strconv.Itoa(cli), last, cli)
	}
	for atomic.LoadInt32(done) == 0 {
		key := strconv.Itoa(cli)
		if randomkeys {
			key = strconv.Itoa(rand.Intn(nclients))
		}
		nv := appendValue(cli, j)
		switch r := rand.Intn(1000); {
		case r < 500:
			cfg.Append(ck, key, nv, cli)
			last += nv
			j++
		case randomkeys && r < 600:
			cfg.Put(ck, key, nv, cli)
			j++
		default:
			v := cfg.Get(ck, key, cli)
			if !randomkeys && v != last {
				t.Errorf("get wrong value, key %v, wanted:\n%v\n, got\n%v", key, last, v)
				return j
			}
		}
	}
	return j
}

// GenericTest: nclients clients loop for 5 s doing 50% Appends and 50%
// Gets, in 3 rounds, with an optional unreliable net, a partitioner, and a
// crash-restart of every server after each round. After each round every
// client's appends must be present exactly once and in order, and raft
// state and snapshots must respect maxraftstate.
func GenericTest(t *testing.T, part string, nclients int, nservers int, unreliable bool, crash bool, partitions bool, maxraftstate int, randomkeys bool) {
	title := genericTitle(part, nclients, unreliable, crash, partitions, maxraftstate, randomkeys)
	cfg := make_config(t, nservers, unreliable, maxraftstate)
	defer cfg.cleanup()

	cfg.begin(title)
	ck := cfg.makeClient(cfg.All())
	checker := nclients // history client id of ck
	counts := make([]int, nclients)
	for round := 0; round < 3; round++ {
		var doneClients int32
		clientsDone := make(chan struct{})
		go func() {
			defer close(clientsDone)
			spawnClients(cfg, nclients, func(cli int, myck *Clerk) {
				counts[cli] = genericClient(cfg, t, cli, myck, nclients, randomkeys, &doneClients)
			})
		}()
		stopPartitioner := make(chan struct{})
		partitionerDone := make(chan struct{})
		if partitions {
			go cfg.runPartitioner(stopPartitioner, partitionerDone)
		}
		time.Sleep(5 * time.Second)
		atomic.StoreInt32(&doneClients, 1)
		if partitions {
			close(stopPartitioner)
			<-partitionerDone
			cfg.ConnectAll()
		}
		if crash {
			for i := 0; i < nservers; i++ {
				cfg.ShutdownServer(i)
			}
			time.Sleep(crashPause)
			for i := 0; i < nservers; i++ {
				cfg.StartServer(i)
			}
			cfg.ConnectAll()
		}
		<-clientsDone
		if t.Failed() {
			t.FailNow()
		}
		for i := 0; i < nclients; i++ {
			v := cfg.Get(ck, strconv.Itoa(i), checker)
			if !randomkeys {
				checkClntAppends(t, i, v, counts[i])
			}
		}
		checkSizes(cfg, t, maxraftstate)
	}
	cfg.end()
}

// checkSizes fails the test if any server's raft state exceeds 2 x
// maxraftstate, or if a snapshot was saved although maxraftstate is -1. It
// measures at once, without letting the servers settle, as a course's
// tester does right after the clients' last operation: the bound holds for
// whatever the raft state holds at that moment, entries not yet applied
// (which cannot be compacted yet) included.
func checkSizes(cfg *config, t *testing.T, maxraftstate int) {
	t.Helper()
	if maxraftstate > 0 {
		if sz := cfg.LogSize(); sz > 2*maxraftstate {
			t.Fatalf("logs were not trimmed (%v > 2*%v); %s", sz, maxraftstate, cfg.describeSizes())
		}
	}
	if maxraftstate < 0 {
		if ssz := cfg.SnapshotSize(); ssz > 0 {
			t.Fatalf("snapshot saved (%v bytes) although maxraftstate = %d", ssz, maxraftstate)
		}
	}
}

// describeSizes lists each server's raft state and snapshot sizes.
func (cfg *config) describeSizes() string {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	var b strings.Builder
	for i := 0; i < cfg.n; i++ {
		fmt.Fprintf(&b, " server %d: raft state %d bytes, snapshot %d;", i, cfg.saved[i].RaftStateSize(), cfg.saved[i].SnapshotSize())
	}
	return strings.TrimSuffix(strings.TrimSpace(b.String()), ";")
}

// GenericTestSpeed times 1000 sequential Appends on 3 servers.
func GenericTestSpeed(t *testing.T, part string, maxraftstate int) {
	const nservers = 3
	const numOps = 1000
	// A leader heartbeats about every 100 ms; an operation must not wait for
	// one: at least 3 operations per heartbeat interval.
	const timePerOp = 33 * time.Millisecond
	cfg := make_config(t, nservers, false, maxraftstate)
	defer cfg.cleanup()

	ck := cfg.makeClient(cfg.All())
	cfg.begin(fmt.Sprintf("Test: ops complete fast enough (%s)", part))

	// The first operation waits for a leader; time only the ones after it.
	cfg.Get(ck, "x", 0)
	start := time.Now()
	for i := 0; i < numOps; i++ {
		cfg.Append(ck, "x", appendValue(0, i), 0)
	}
	dur := time.Since(start)

	v := cfg.Get(ck, "x", 0)
	checkClntAppends(t, 0, v, numOps)
	t.Logf("%d sequential Appends took %v: %v per op on average", numOps, dur, dur/numOps)
	if dur > numOps*timePerOp {
		t.Fatalf("Operations completed too slowly %v/op > %v/op", dur/numOps, timePerOp)
	}
	checkSizes(cfg, t, maxraftstate)
	cfg.end()
}

func TestBasic3A(t *testing.T) {
	// Test: one client (3A) ...
	GenericTest(t, "3A", 1, 5, false, false, false, -1, false)
}

func TestSpeed3A(t *testing.T) {
	GenericTestSpeed(t, "3A", -1)
}

func TestConcurrent3A(t *testing.T) {
	// Test: many clients (3A) ...
	GenericTest(t, "3A", 5, 5, false, false, false, -1, false)
}

func TestUnreliable3A(t *testing.T) {
	// Test: unreliable net, many clients (3A) ...
	GenericTest(t, "3A", 5, 5, true, false, false, -1, false)
}

func TestUnreliableOneKey3A(t *testing.T) {
	const nservers = 3
	cfg := make_config(t, nservers, true, -1)
	defer cfg.cleanup()

	ck := cfg.makeClient(cfg.All())
	cfg.begin("Test: concurrent append to same key, unreliable (3A)")

	const nclient = 5
	const upto = 10
	cfg.Put(ck, "k", "", nclient)
	spawnClients(cfg, nclient, func(me int, myck *Clerk) {
		for n := 0; n < upto; n++ {
			cfg.Append(myck, "k", appendValue(me, n), me)
		}
	})
	counts := make([]int, nclient)
	for i := range counts {
		counts[i] = upto
	}
	vx := cfg.Get(ck, "k", nclient)
	checkConcurrentAppends(t, vx, counts)
	cfg.end()
}

// TestOnePartition3A: with the leader in the minority, the majority makes
// progress; a Put and a Get sent to the minority do not complete within
// 1 s; after healing, both complete within 3 s and the Put is visible.
func TestOnePartition3A(t *testing.T) {
	cfg := make_config(t, 5, false, -1)
	defer cfg.cleanup()
	ck := cfg.makeClient(cfg.All())

	cfg.Put(ck, "1", "13", 0)

	cfg.begin("Test: progress in majority (3A)")
	p1, p2 := cfg.make_partition()
	cfg.partition(p1, p2)
	ckp1 := cfg.makeClient(p1)  // connect ckp1 to p1
	ckp2a := cfg.makeClient(p2) // connect ckp2a to p2
	ckp2b := cfg.makeClient(p2) // connect ckp2b to p2
	cfg.Put(ckp1, "1", "14", 1)
	check(cfg, t, ckp1, "1", "14")
	cfg.end()

	done0 := make(chan bool, 1)
	done1 := make(chan bool, 1)
	cfg.begin("Test: no progress in minority (3A)")
	go func() {
		cfg.Put(ckp2a, "1", "15", 2)
		done0 <- true
	}()
	go func() {
		cfg.Get(ckp2b, "1", 3) // different clerk in p2
		done1 <- true
	}()
	select {
	case <-done0:
		t.Fatalf("Put in minority completed")
	case <-done1:
		t.Fatalf("Get in minority completed")
	case <-time.After(time.Second):
	}
	check(cfg, t, ckp1, "1", "14")
	cfg.Put(ckp1, "1", "16", 1)
	check(cfg, t, ckp1, "1", "16")
	cfg.end()

	cfg.begin("Test: completion after heal (3A)")
	cfg.ConnectAll()
	cfg.ConnectClient(ckp2a, cfg.All())
	cfg.ConnectClient(ckp2b, cfg.All())
	deadline := time.After(3 * time.Second)
	select {
	case <-done0:
	case <-deadline:
		t.Fatalf("Put did not complete")
	}
	select {
	case <-done1:
	case <-deadline:
		t.Fatalf("Get did not complete")
	}
	check(cfg, t, ck, "1", "15")
	cfg.end()
}

func TestManyPartitionsOneClient3A(t *testing.T) {
	// Test: partitions, one client (3A) ...
	GenericTest(t, "3A", 1, 5, false, false, true, -1, false)
}

func TestManyPartitionsManyClients3A(t *testing.T) {
	// Test: partitions, many clients (3A) ...
	GenericTest(t, "3A", 5, 5, false, false, true, -1, false)
}

func TestPersistOneClient3A(t *testing.T) {
	// Test: restarts, one client (3A) ...
	GenericTest(t, "3A", 1, 5, false, true, false, -1, false)
}

func TestPersistConcurrent3A(t *testing.T) {
	// Test: restarts, many clients (3A) ...
	GenericTest(t, "3A", 5, 5, false, true, false, -1, false)
}

func TestPersistConcurrentUnreliable3A(t *testing.T) {
	// Test: unreliable net, restarts, many clients (3A) ...
	GenericTest(t, "3A", 5, 5, true, true, false, -1, false)
}

func TestPersistPartition3A(t *testing.T) {
	// Test: restarts, partitions, many clients (3A) ...
	GenericTest(t, "3A", 5, 5, false, true, true, -1, false)
}

func TestPersistPartitionUnreliable3A(t *testing.T) {
	// Test: unreliable net, restarts, partitions, many clients (3A) ...
	GenericTest(t, "3A", 5, 5, true, true, true, -1, false)
}

func TestPersistPartitionUnreliableLinearizable3A(t *testing.T) {
	// Test: unreliable net, restarts, partitions, many clients, linearizability checks (3A) ...
	GenericTest(t, "3A", 15, 7, true, true, true, -1, true)
}

// TestSnapshotRPC3B: a server cut off while the others compact their logs
// can only catch up through InstallSnapshot.
func TestSnapshotRPC3B(t *testing.T) {
	const nservers = 3
	maxraftstate := 1000
	cfg := make_config(t, nservers, false, maxraftstate)
	defer cfg.cleanup()

	ck := cfg.makeClient(cfg.All())
	cfg.begin("Test: InstallSnapshot RPC (3B)")

	cfg.Put(ck, "a", "A", 0)
	check(cfg, t, ck, "a", "A")

	// a bunch of puts into the majority partition.
	cfg.partition([]int{0, 1}, []int{2})
	{
		ck1 := cfg.makeClient([]int{0, 1})
		for i := 0; i < 50; i++ {
			cfg.Put(ck1, strconv.Itoa(i), strconv.Itoa(i), 1)
		}
		time.Sleep(electionTimeout)
		cfg.Put(ck1, "b", "B", 1)
	}

	// check that the majority partition has thrown away most of its log entries.
	checkSizes(cfg, t, maxraftstate)

	// now make group that requires participation of
	// lagging server, so that it has to catch up.
	cfg.partition([]int{0, 2}, []int{1})
	{
		ck1 := cfg.makeClient([]int{0, 2})
		cfg.Put(ck1, "c", "C", 2)
		cfg.Put(ck1, "d", "D", 2)
		check(cfg, t, ck1, "a", "A")
		check(cfg, t, ck1, "b", "B")
		check(cfg, t, ck1, "1", "1")
		check(cfg, t, ck1, "49", "49")
	}
	cfg.mu.Lock()
	lagging := cfg.saved[2].SnapshotSize()
	cfg.mu.Unlock()
	if lagging == 0 {
		t.Fatalf("lagging server 2 caught up but holds no snapshot")
	}

	// now everybody
	cfg.partition([]int{0, 1, 2}, []int{})

	cfg.Put(ck, "e", "E", 0)
	check(cfg, t, ck, "c", "C")
	check(cfg, t, ck, "e", "E")
	check(cfg, t, ck, "1", "1")
	checkSizes(cfg, t, maxraftstate)
	cfg.end()
}

// TestSnapshotSize3B: are the snapshots not too huge? 500 bytes is a
// generous bound for the state of this test.
func TestSnapshotSize3B(t *testing.T) {
	const nservers = 3
	maxraftstate := 1000
	maxsnapshotstate := 500
	cfg := make_config(t, nservers, false, maxraftstate)
	defer cfg.cleanup()

	ck := cfg.makeClient(cfg.All())
	cfg.begin("Test: snapshot size is reasonable (3B)")

	for i := 0; i < 200; i++ {
		cfg.Put(ck, "x", "0", 0)
		check(cfg, t, ck, "x", "0")
		cfg.Put(ck, "x", "1", 0)
		check(cfg, t, ck, "x", "1")
	}

	// check that servers have thrown away most of their log entries
	checkSizes(cfg, t, maxraftstate)

	// check that the snapshots are not unreasonably large
	if ssz := cfg.SnapshotSize(); ssz > maxsnapshotstate {
		t.Fatalf("snapshot too large (%v > %v)", ssz, maxsnapshotstate)
	}
	cfg.end()
}

func TestSpeed3B(t *testing.T) {
	GenericTestSpeed(t, "3B", 1000)
}

func TestSnapshotRecover3B(t *testing.T) {
	// Test: restarts, snapshots, one client (3B) ...
	GenericTest(t, "3B", 1, 5, false, true, false, 1000, false)
}

func TestSnapshotRecoverManyClients3B(t *testing.T) {
	// Test: restarts, snapshots, many clients (3B) ...
	GenericTest(t, "3B", 20, 5, false, true, false, 1000, false)
}

func TestSnapshotUnreliable3B(t *testing.T) {
	// Test: unreliable net, snapshots, many clients (3B) ...
	GenericTest(t, "3B", 5, 5, true, false, false, 1000, false)
}

func TestSnapshotUnreliableRecover3B(t *testing.T) {
	// Test: unreliable net, restarts, snapshots, many clients (3B) ...
	GenericTest(t, "3B", 5, 5, true, true, false, 1000, false)
}

func TestSnapshotUnreliableRecoverConcurrentPartition3B(t *testing.T) {
	// Test: unreliable net, restarts, partitions, snapshots, many clients (3B) ...
	GenericTest(t, "3B", 5, 5, true, true, true, 1000, false)
}

func TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable3B(t *testing.T) {
	// Test: unreliable net, restarts, partitions, snapshots, many clients, linearizability checks (3B) ...
	GenericTest(t, "3B", 15, 7, true, true, true, 1000, true)
}
