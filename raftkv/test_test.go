package raftkv

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/linearizability"
	"miniraftkv/raft"
)

// crashPause is how long all servers stay down in a crash-restart round:
// long enough for clerk RPCs in flight to fail (labrpc notices a deleted
// server within about 100 ms).
const crashPause = 100 * time.Millisecond

func TestMain(m *testing.M) {
	code := m.Run()
	checkTimeMu.Lock()
	fmt.Printf("raftkv tester: longest linearizability check %v\n", maxCheckTime)
	checkTimeMu.Unlock()
	os.Exit(code)
}

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

// TestBug_ReplyMatchedByIndexAlone3A: a request waiting at a leader that
// was cut off in a minority must not be told it succeeded when, after the
// heal, the new leader's entries replace its entry at the same log index: the
// reply must be matched by (client, seq, term), never by index alone. The
// servers' other defences (term polling, the wait timeout) would usually
// hide such a bug, so this test turns them down where the server lets it
// (an unexported setWaitLimits method, found with a type assertion so that
// the test compiles against any KVServer): every stale request keeps
// waiting until the stale leader applies the new leader's entries at its
// index. Against a server without the method it is an ordinary, weaker,
// black-box test.
func TestBug_ReplyMatchedByIndexAlone3A(t *testing.T) {
	const nstale = 5
	cfg := make_config(t, 5, false, -1)
	defer cfg.cleanup()
	cfg.serverTweak = func(kv *KVServer) {
		if s, ok := interface{}(kv).(interface {
			setWaitLimits(timeout, leadershipCheck time.Duration)
		}); ok {
			s.setWaitLimits(60*time.Second, time.Hour)
		}
	}
	for i := 0; i < cfg.n; i++ {
		cfg.ShutdownServer(i)
		cfg.StartServer(i)
	}
	cfg.ConnectAll()
	ck := cfg.makeClient(cfg.All())

	cfg.begin("Test: requests waiting at a deposed leader (3A)")
	cfg.Put(ck, "k", "", 0)
	p1, p2 := cfg.make_partition()
	stale := p2[len(p2)-1] // the leader
	cfg.partition(p1, p2)
	var wg sync.WaitGroup
	stales := make([]*Clerk, nstale)
	for i := range stales {
		stales[i] = cfg.makeClient([]int{stale})
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cfg.Append(stales[i], "k", appendValue(i+1, 0), i+1)
		}(i)
	}
	// The majority elects a leader and fills every index the stale
	// requests sit at.
	ckMajority := cfg.makeClient(p1)
	for i := 0; i < 20; i++ {
		cfg.Put(ckMajority, "filler"+strconv.Itoa(i), "v", nstale+1)
	}
	cfg.ConnectAll()
	for _, sck := range stales {
		cfg.ConnectClient(sck, cfg.All())
	}
	wg.Wait()
	v := cfg.Get(ck, "k", 0)
	for i := range stales {
		checkClntAppends(t, i+1, v, 1)
	}
	cfg.end()
}

// TestReadIndexMinorityLeader3A: a leader cut off in a minority must not
// serve reads (dissertation §6.4). Right after the partition the old leader
// still believes it leads (it steps down only when it has not heard from a
// majority for a while), so clerks that can reach only the minority ask it
// at once; none of their Gets may complete while the majority elects a new
// leader and writes new values. The majority's first Get also checks that
// the new leader serves the write the old one committed just before the
// partition, which it cannot know is committed until it commits an entry
// of its own term. Linearizability is checked as in every KV test.
func TestReadIndexMinorityLeader3A(t *testing.T) {
	const nminority = 3 // clerks that reach only the minority
	cfg := make_config(t, 5, false, -1)
	defer cfg.cleanup()
	ck := cfg.makeClient(cfg.All())
	cfg.begin("Test: a leader in a minority serves no reads (3A)")

	cfg.Put(ck, "k", "0", 0)
	cfg.Put(ck, "k", "1", 0) // its commit may not have reached the followers yet
	p1, p2 := cfg.make_partition()
	cfg.partition(p1, p2)
	served := make(chan int, nminority)
	minority := make([]*Clerk, nminority)
	for i := range minority {
		minority[i] = cfg.makeClient(p2)
		go func(cli int, ck *Clerk) {
			cfg.Get(ck, "k", cli)
			served <- cli
		}(1+i, minority[i])
	}
	ckMajority := cfg.makeClient(p1)
	v := 1
	for start := time.Now(); time.Since(start) < 1500*time.Millisecond; v++ {
		check(cfg, t, ckMajority, "k", strconv.Itoa(v))
		cfg.Put(ckMajority, "k", strconv.Itoa(v+1), nminority+1)
		select {
		case cli := <-served:
			t.Fatalf("client %d's Get completed although it reaches only the minority %v, "+
				"while the majority %v wrote k = %d", cli, p2, p1, v+1)
		default:
		}
	}

	cfg.ConnectAll()
	for _, mck := range minority {
		cfg.ConnectClient(mck, cfg.All())
	}
	for range minority {
		<-served
	}
	check(cfg, t, ck, "k", strconv.Itoa(v))
	cfg.end()
}

// TestLeaseReadMinorityLeader3A: with lease reads on at every server
// (dissertation §6.4.1), a leader cut off in a minority may go on serving
// Gets only while its lease lasts, and the lease ends before the majority
// can elect a new leader. Clerks that reach only the minority read in a
// loop from the moment of the partition; none of their Gets that began
// after the majority's first write completed may complete while the
// partition lasts (it could only return the old value). Linearizability is
// checked as in every KV test, which also catches any stale read.
func TestLeaseReadMinorityLeader3A(t *testing.T) {
	const nminority = 3 // clerks that reach only the minority
	cfg := make_config(t, 5, false, -1)
	defer cfg.cleanup()
	for _, kv := range cfg.kvservers {
		// SetLeaseReads is beside the lab API: found with a type assertion
		// so that this file compiles against any KVServer.
		leases, ok := interface{}(kv).(interface{ SetLeaseReads(bool) })
		if !ok {
			t.Skip("this KVServer has no SetLeaseReads method")
		}
		leases.SetLeaseReads(true)
	}
	ck := cfg.makeClient(cfg.All())
	cfg.begin("Test: lease reads, a leader in a minority (3A)")

	cfg.Put(ck, "k", "0", 0)
	p1, p2 := cfg.make_partition()
	cfg.partition(p1, p2)
	var writtenAt, healed atomic.Int64 // unix ns: the majority's first write done; 1 once reconnecting
	late := make(chan time.Duration, nminority)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	minority := make([]*Clerk, nminority)
	for i := range minority {
		mck := cfg.makeClient(p2)
		minority[i] = mck
		wg.Add(1)
		go func(cli int) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				began := time.Now().UnixNano()
				cfg.Get(mck, "k", cli)
				if w := writtenAt.Load(); w != 0 && began > w && healed.Load() == 0 {
					late <- time.Duration(began - w)
					return
				}
			}
		}(1 + i)
	}
	ckMajority := cfg.makeClient(p1)
	cfg.Put(ckMajority, "k", "1", nminority+1)
	writtenAt.Store(time.Now().UnixNano())
	for v := 2; time.Since(time.Unix(0, writtenAt.Load())) < 1500*time.Millisecond; v++ {
		cfg.Put(ckMajority, "k", strconv.Itoa(v), nminority+1)
	}
	healed.Store(1)
	cfg.ConnectAll()
	for _, mck := range minority {
		cfg.ConnectClient(mck, cfg.All())
	}
	close(stop)
	wg.Wait()
	select {
	case d := <-late:
		t.Fatalf("a Get that reached only the minority %v began %v after the majority %v wrote k = 1 "+
			"and completed while the partition lasted", p2, d, p1)
	default:
	}
	cfg.end()
}

// TestReadIndexAfterRestart3A: a leader serves a read only once its state
// machine has applied through the read index (dissertation §6.4). After
// all servers restart, nothing is applied until the new leader commits an
// entry of its term; then it replays thousands of entries from the start.
// Gets arriving during the replay must wait for it, not read the
// half-rebuilt map: every Get after the restart must see the last write
// made before it.
func TestReadIndexAfterRestart3A(t *testing.T) {
	const (
		nservers = 3
		nwriters = 10
		nwrites  = 1000 // per writer: a long log to replay
		nreaders = 20
		nreads   = 5 // per reader
	)
	cfg := make_config(t, nservers, false, -1)
	defer cfg.cleanup()
	ck := cfg.makeClient(cfg.All())
	cfg.begin("Test: reads after a restart wait for the log to be applied (3A)")

	cfg.Put(ck, "k", "old", 0)
	spawnClients(cfg, nwriters, func(cli int, wck *Clerk) {
		for j := 0; j < nwrites; j++ {
			cfg.Put(wck, "filler"+strconv.Itoa(cli), strconv.Itoa(j), 1+cli)
		}
	})
	cfg.Put(ck, "k", "new", 0)
	for i := 0; i < nservers; i++ {
		cfg.ShutdownServer(i)
	}
	for i := 0; i < nservers; i++ {
		cfg.StartServer(i)
	}
	cfg.ConnectAll()
	spawnClients(cfg, nreaders, func(cli int, rck *Clerk) {
		for j := 0; j < nreads; j++ {
			if v := cfg.Get(rck, "k", 1+nwriters+cli); v != "new" {
				t.Errorf("Get(k) = %q after a restart of all servers; want %q, the last value written before", v, "new")
				return
			}
		}
	})
	cfg.end()
}

// TestSnapshotOlderThanAppliedIgnored3B: a server must never install a
// snapshot older than the state it has already applied: that would undo
// operations whose clients were told they succeeded. Our Raft never
// delivers such a snapshot (one goroutine orders snapshots and entries on
// applyCh), but another Raft may, so the server must check. The test plays
// such a Raft: it hands every server, on the applyCh it gave raft.Make
// (field applyCh, as in the course skeleton), its own earlier snapshot.
func TestSnapshotOlderThanAppliedIgnored3B(t *testing.T) {
	const nservers = 3
	cfg := make_config(t, nservers, false, 1) // a snapshot after every entry
	defer cfg.cleanup()
	ck := cfg.makeClient(cfg.All())
	cfg.begin("Test: a snapshot older than the applied state is ignored (3B)")

	cfg.Put(ck, "k", "a", 0)
	old := make([][]byte, nservers)
	for i := range old {
		old[i] = cfg.awaitNewSnapshot(i, nil)
	}
	cfg.Append(ck, "k", "b", 0)
	for i := range old {
		cfg.awaitNewSnapshot(i, old[i])
	}
	for i := range old {
		cfg.deliverOldSnapshot(i, old[i], 1)
	}
	if v := cfg.Get(ck, "k", 0); v != "ab" {
		t.Fatalf("Get(k) = %q after each server was handed its snapshot through index 1 again; want %q: "+
			"a server installed a snapshot older than the state it had applied", v, "ab")
	}
	cfg.end()
}

// awaitNewSnapshot waits up to 2 s until server i's persister holds a
// snapshot other than old (nil: any snapshot) and returns it.
func (cfg *config) awaitNewSnapshot(i int, old []byte) []byte {
	cfg.t.Helper()
	for start := time.Now(); time.Since(start) < 2*time.Second; time.Sleep(5 * time.Millisecond) {
		cfg.mu.Lock()
		snap := cfg.saved[i].ReadSnapshot()
		cfg.mu.Unlock()
		if len(snap) > 0 && !bytes.Equal(snap, old) {
			return snap
		}
	}
	cfg.t.Fatalf("server %d saved no new snapshot within 2 s although maxraftstate is %d", i, cfg.maxraftstate)
	return nil
}

// deliverOldSnapshot sends server i, on its applyCh, a snapshot message
// for snapshot through index in its Raft's current term, as a Raft that
// delivers an outdated snapshot would.
func (cfg *config) deliverOldSnapshot(i int, snapshot []byte, index int) {
	cfg.t.Helper()
	cfg.mu.Lock()
	kv := cfg.kvservers[i]
	cfg.mu.Unlock()
	term, _ := kv.rf.GetState()
	msg := raft.ApplyMsg{SnapshotValid: true, Snapshot: snapshot, SnapshotIndex: index, SnapshotTerm: term}
	select {
	case kv.applyCh <- msg:
	case <-time.After(2 * time.Second):
		cfg.t.Fatalf("server %d took no message from its applyCh within 2 s", i)
	}
}

// Tests of the tester's own history pruning (historyModel): it must keep
// every verdict of plain KvModel on the histories it prunes.

func kvOp(cli int, op uint8, key, value string, call, ret int64, out string) linearizability.Operation {
	return linearizability.Operation{ClientId: cli,
		Input: linearizability.KvInput{Op: op, Key: key, Value: value}, Call: call,
		Output: linearizability.KvOutput{Value: out}, Return: ret}
}

func TestHistoryModelBlindAppends(t *testing.T) {
	const A, P, G = linearizability.KvAppend, linearizability.KvPut, linearizability.KvGet
	cases := []struct {
		name   string
		ops    []linearizability.Operation
		pruned bool
		want   linearizability.CheckResult
	}{
		{"concurrent appends, final order legal", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 10, ""),
			kvOp(2, A, "k", "b", 3, 9, ""),
			kvOp(0, G, "k", "", 11, 12, "ba"),
		}, true, linearizability.Ok},
		{"real-time order violated", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(2, A, "k", "b", 4, 5, ""),
			kvOp(0, G, "k", "", 11, 12, "ba"),
		}, true, linearizability.Illegal},
		{"append applied twice", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(0, G, "k", "", 11, 12, "aa"),
		}, true, linearizability.Illegal},
		{"append lost", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(2, A, "k", "b", 2, 3, ""),
			kvOp(0, G, "k", "", 11, 12, "b"),
		}, true, linearizability.Illegal},
		{"put after append: not pruned", []linearizability.Operation{
			kvOp(1, A, "k", "a", 0, 1, ""),
			kvOp(2, P, "k", "x", 2, 3, ""),
			kvOp(1, A, "k", "b", 4, 5, ""),
			kvOp(0, G, "k", "", 11, 12, "xb"),
		}, false, linearizability.Ok},
		{"unreturned append: not pruned", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, linearizability.NeverReturned, ""),
			kvOp(0, G, "k", "", 11, 12, ""),
		}, false, linearizability.Ok},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, pruned := blindAppendKeys(c.ops)["k"]
			if pruned != c.pruned {
				t.Fatalf("key pruned = %v, want %v", pruned, c.pruned)
			}
			got, _ := linearizability.CheckOperationsVerbose(historyModel(c.ops), c.ops, time.Second)
			plain, _ := linearizability.CheckOperationsVerbose(linearizability.KvModel(), c.ops, time.Second)
			if got != c.want || plain != c.want {
				t.Fatalf("historyModel says %v, KvhistoryModel says %v, want %v", got, plain, c.want)
			}
		})
	}
}

// TestSharedValueModelAgreesWithKvModel: on random histories of
// overlapping Puts, Appends and Gets (some Gets returning a value no
// linearization gives), the tester's model with shared states gives
// KvModel's verdict, and an Append extends a state's chain in place.
func TestSharedValueModelAgreesWithKvModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	verdicts := map[linearizability.CheckResult]int{}
	for h := 0; h < 300; h++ {
		ops := randomKvHistory(rng, 2+rng.Intn(3), 4+rng.Intn(12))
		got, _ := linearizability.CheckOperationsVerbose(sharedValueModel(), ops, 10*time.Second)
		want, _ := linearizability.CheckOperationsVerbose(linearizability.KvModel(), ops, 10*time.Second)
		if got != want {
			t.Fatalf("history %d: shared states say %v, KvModel says %v:\n%v", h, got, want, ops)
		}
		verdicts[want]++
	}
	if verdicts[linearizability.Ok] < 30 || verdicts[linearizability.Illegal] < 30 {
		t.Errorf("verdicts %v: want both Ok and Illegal histories among the random ones", verdicts)
	}
	v := newSharedValue("ab").appended("c")
	if w := v.appended("d"); w.chain != v.chain || w.String() != "abcd" || v.String() != "abc" {
		t.Errorf("appending to the end of a chain gave %q (chain shared: %v), and the state before is %q",
			w.String(), w.chain == v.chain, v.String())
	}
}

// randomKvHistory returns ops operations of clients clients on one key,
// each taking effect at a random point between its call and its return
// (so the history is linearizable), except that a Get returns a value
// with its last byte cut off one time in four.
func randomKvHistory(rng *rand.Rand, clients, ops int) []linearizability.Operation {
	type timed struct {
		op    linearizability.Operation
		point int64
	}
	var all []timed
	free := make([]int64, clients) // when each client may call again
	for i := 0; i < ops; i++ {
		cli := rng.Intn(clients)
		call := free[cli] + rng.Int63n(3)
		ret := call + 1 + rng.Int63n(6)
		free[cli] = ret + 1
		kind := uint8(rng.Intn(3))
		value := string(rune('a' + rng.Intn(3)))
		all = append(all, timed{kvOp(cli, kind, "k", value, call, ret, ""), call + rng.Int63n(ret-call+1)})
	}
	sort.Slice(all, func(a, b int) bool { return all[a].point < all[b].point })
	state := ""
	history := make([]linearizability.Operation, len(all))
	for i, e := range all {
		in := e.op.Input.(linearizability.KvInput)
		switch in.Op {
		case linearizability.KvPut:
			state = in.Value
		case linearizability.KvAppend:
			state += in.Value
		default:
			out := state
			if len(out) > 0 && rng.Intn(4) == 0 {
				out = out[:len(out)-1]
			}
			e.op.Output = linearizability.KvOutput{Value: out}
		}
		history[i] = e.op
	}
	return history
}

// TestOpLogSharesPrefixes: Get outputs of an append-only key are stored as
// prefixes of one string, and read back exactly.
func TestOpLogSharesPrefixes(t *testing.T) {
	l := newOpLog()
	values := []string{"", "a", "ab", "a", "abc", "x", "xy"}
	for _, v := range values {
		id := l.call(0, linearizability.KvInput{Op: linearizability.KvGet, Key: "k"})
		l.ret(id, v)
	}
	id := l.call(1, linearizability.KvInput{Op: linearizability.KvAppend, Key: "k", Value: "z"})
	ops := l.read()
	for i, v := range values {
		if got := ops[i].Output.(linearizability.KvOutput).Value; got != v {
			t.Fatalf("op %d: output %q, want %q", i, got, v)
		}
	}
	if ops[id].Return != linearizability.NeverReturned {
		t.Fatalf("unfinished op has Return %d, want NeverReturned", ops[id].Return)
	}
}

// TestOpLogFaultAnnotations checks the tester's fault ranges for the
// timeline: a range per begin, ended by end or, still open, when taken;
// rows in order; times on the history's clock.
func TestOpLogFaultAnnotations(t *testing.T) {
	l := newOpLog()
	l.begin("network", "unreliable", "unreliable network", "", "")
	l.begin("S2", "S2 partitioned", "partitioned (minority)", "", "")
	l.begin("S1", "S1 down", "down", "", "")
	l.end("S2 partitioned")
	l.end("S2 partitioned") // ending twice changes nothing
	l.begin("S2", "S2 partitioned", "partitioned (minority)", "", "")
	now := l.now()
	got := l.annotations()
	rows := ""
	for _, a := range got {
		rows += a.Row + " "
		if a.End < a.Start || a.End > l.now() {
			t.Errorf("%s %q spans [%d, %d], outside the clock (now %d)", a.Row, a.Label, a.Start, a.End, now)
		}
	}
	if rows != "S1 S2 S2 network " {
		t.Fatalf("rows %q, want S1 S2 S2 network", rows)
	}
	if got[1].End > got[2].Start {
		t.Fatalf("the first partition range [%d, %d] ends after the second starts at %d",
			got[1].Start, got[1].End, got[2].Start)
	}
}
