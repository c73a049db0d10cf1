package raftkv

// Scenarios of our own beyond the course's tester, each putting the service
// exactly where a known bug would show: requests waiting at a deposed
// leader, reads at a leader cut off in a minority (with and without
// leases), reads while a restarted leader replays its log, and a snapshot
// older than the applied state. They run on kvcluster_test.go's harness, so
// they run beside any course's tester files.

import (
	"bytes"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/raft"
)

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
	c := newKVCluster(t, 5, -1, func(kv *KVServer) { kv.setWaitLimits(60*time.Second, time.Hour) })
	ck := c.clerk(c.all())
	c.put(ck, 0, "k", "")
	p1, p2 := c.splitLeaderOff()
	stale := p2[len(p2)-1] // the leader
	c.partition(p1, p2)
	var wg sync.WaitGroup
	stales := make([]*Clerk, nstale)
	for i := range stales {
		stales[i] = c.clerk([]int{stale})
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c.append(stales[i], i+1, "k", appendedBy(i+1, 0))
		}(i)
	}
	// The majority elects a leader and fills every index the stale
	// requests sit at.
	ckMajority := c.clerk(p1)
	for i := 0; i < 20; i++ {
		c.put(ckMajority, nstale+1, "filler"+strconv.Itoa(i), "v")
	}
	c.connectAll()
	for _, sck := range stales {
		c.connectClerk(sck, c.all())
	}
	wg.Wait()
	v := c.get(ck, 0, "k")
	for i := range stales {
		requireAppendsOnce(t, i+1, v, 1)
	}
	c.checkLinearizable()
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
	c := newKVCluster(t, 5, -1, nil)
	ck := c.clerk(c.all())
	c.put(ck, 0, "k", "0")
	c.put(ck, 0, "k", "1") // its commit may not have reached the followers yet
	p1, p2 := c.splitLeaderOff()
	c.partition(p1, p2)
	served := make(chan int, nminority)
	minority := make([]*Clerk, nminority)
	for i := range minority {
		minority[i] = c.clerk(p2)
		go func(cli int, ck *Clerk) {
			c.get(ck, cli, "k")
			served <- cli
		}(1+i, minority[i])
	}
	ckMajority := c.clerk(p1)
	v := 1
	for start := time.Now(); time.Since(start) < 1500*time.Millisecond; v++ {
		c.expect(ckMajority, nminority+1, "k", strconv.Itoa(v))
		c.put(ckMajority, nminority+1, "k", strconv.Itoa(v+1))
		select {
		case cli := <-served:
			t.Fatalf("client %d's Get completed although it reaches only the minority %v, "+
				"while the majority %v wrote k = %d", cli, p2, p1, v+1)
		default:
		}
	}

	c.connectAll()
	for _, mck := range minority {
		c.connectClerk(mck, c.all())
	}
	for range minority {
		<-served
	}
	c.expect(ck, 0, "k", strconv.Itoa(v))
	c.checkLinearizable()
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
	c := newKVCluster(t, 5, -1, func(kv *KVServer) { kv.SetLeaseReads(true) })
	ck := c.clerk(c.all())
	c.put(ck, 0, "k", "0")
	p1, p2 := c.splitLeaderOff()
	c.partition(p1, p2)
	var writtenAt, healed atomic.Int64 // unix ns: the majority's first write done; 1 once reconnecting
	late := make(chan time.Duration, nminority)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	minority := make([]*Clerk, nminority)
	for i := range minority {
		mck := c.clerk(p2)
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
				c.get(mck, cli, "k")
				if w := writtenAt.Load(); w != 0 && began > w && healed.Load() == 0 {
					late <- time.Duration(began - w)
					return
				}
			}
		}(1 + i)
	}
	ckMajority := c.clerk(p1)
	c.put(ckMajority, nminority+1, "k", "1")
	writtenAt.Store(time.Now().UnixNano())
	for v := 2; time.Since(time.Unix(0, writtenAt.Load())) < 1500*time.Millisecond; v++ {
		c.put(ckMajority, nminority+1, "k", strconv.Itoa(v))
	}
	healed.Store(1)
	c.connectAll()
	for _, mck := range minority {
		c.connectClerk(mck, c.all())
	}
	close(stop)
	wg.Wait()
	select {
	case d := <-late:
		t.Fatalf("a Get that reached only the minority %v began %v after the majority %v wrote k = 1 "+
			"and completed while the partition lasted", p2, d, p1)
	default:
	}
	c.checkLinearizable()
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
	c := newKVCluster(t, nservers, -1, nil)
	ck := c.clerk(c.all())
	c.put(ck, 0, "k", "old")
	c.spawn(1, nwriters, func(cli int, wck *Clerk) {
		for j := 0; j < nwrites; j++ {
			c.put(wck, cli, "filler"+strconv.Itoa(cli), strconv.Itoa(j))
		}
	})
	c.put(ck, 0, "k", "new")
	for i := 0; i < nservers; i++ {
		c.crashServer(i)
	}
	for i := 0; i < nservers; i++ {
		c.startServer(i)
	}
	c.connectAll()
	c.spawn(1+nwriters, nreaders, func(cli int, rck *Clerk) {
		for j := 0; j < nreads; j++ {
			if v := c.get(rck, cli, "k"); v != "new" {
				t.Errorf("Get(k) = %q after a restart of all servers; want %q, the last value written before", v, "new")
				return
			}
		}
	})
	c.checkLinearizable()
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
	c := newKVCluster(t, nservers, 1, nil) // a snapshot after every entry
	ck := c.clerk(c.all())
	c.put(ck, 0, "k", "a")
	old := make([][]byte, nservers)
	for i := range old {
		old[i] = c.awaitNewSnapshot(i, nil)
	}
	c.append(ck, 0, "k", "b")
	for i := range old {
		c.awaitNewSnapshot(i, old[i])
	}
	for i := range old {
		c.deliverOldSnapshot(i, old[i], 1)
	}
	got := make(chan string, 1)
	go func() { got <- c.get(ck, 0, "k") }()
	select {
	case v := <-got:
		if v != "ab" {
			t.Fatalf("Get(k) = %q after each server was handed its snapshot through index 1 again; want %q: "+
				"a server installed a snapshot older than the state it had applied", v, "ab")
		}
	case <-time.After(10 * time.Second):
		// A server that went back to index 1 waits for entries its Raft
		// has delivered already and will not deliver again.
		t.Fatalf("Get(k) did not complete within 10 s after each server was handed its snapshot through index 1 " +
			"again: a server installed a snapshot older than the state it had applied")
	}
	c.checkLinearizable()
}

// awaitNewSnapshot waits up to 2 s until server i's persister holds a
// snapshot other than old (nil: any snapshot) and returns it.
func (c *kvCluster) awaitNewSnapshot(i int, old []byte) []byte {
	c.t.Helper()
	for start := time.Now(); time.Since(start) < 2*time.Second; time.Sleep(5 * time.Millisecond) {
		if snap := c.persistedSnapshot(i); len(snap) > 0 && !bytes.Equal(snap, old) {
			return snap
		}
	}
	c.t.Fatalf("server %d saved no new snapshot within 2 s although maxraftstate is %d", i, c.maxraftstate)
	return nil
}

// deliverOldSnapshot sends server i, on its applyCh, a snapshot message
// for snapshot through index in its Raft's current term, as a Raft that
// delivers an outdated snapshot would.
func (c *kvCluster) deliverOldSnapshot(i int, snapshot []byte, index int) {
	c.t.Helper()
	kv := c.server(i)
	term, _ := kv.rf.GetState()
	msg := raft.ApplyMsg{SnapshotValid: true, Snapshot: snapshot, SnapshotIndex: index, SnapshotTerm: term}
	select {
	case kv.applyCh <- msg:
	case <-time.After(2 * time.Second):
		c.t.Fatalf("server %d took no message from its applyCh within 2 s", i)
	}
}
