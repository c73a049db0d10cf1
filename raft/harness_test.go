package raft

// A small cluster harness over labrpc for the kill test, the state-size test
// and the benchmarks. The tester's config needs a *testing.T and counts
// things the benchmarks do not want; this one is minimal: a reliable network,
// one service goroutine per peer that records what was applied, and an
// optional snapshot every few entries.

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
)

// miniCluster is a cluster of n peers on a reliable labrpc network.
type miniCluster struct {
	tb         testing.TB
	net        *labrpc.Network
	rafts      []*Raft
	persisters []*Persister
	services   sync.WaitGroup // the per-peer service goroutines
	stop       chan struct{}  // closed by shutdown; stops the services

	mu      sync.Mutex            // protects applied and waiters
	applied []int                 // per peer: last index applied (entry or snapshot)
	waiters []map[int][]chan bool // per peer: index -> channels to close once applied
	// onApply, if set (under mu, before any command is proposed), sees
	// every message each peer applies, in order, with mu held.
	onApply func(peer int, m ApplyMsg)
}

// newMiniCluster starts n peers. With snapshotEvery > 0 each peer's service
// calls Snapshot after every snapshotEvery applied entries.
func newMiniCluster(tb testing.TB, n int, snapshotEvery int) *miniCluster {
	c := &miniCluster{
		tb:         tb,
		net:        labrpc.MakeNetwork(),
		rafts:      make([]*Raft, n),
		persisters: make([]*Persister, n),
		stop:       make(chan struct{}),
		applied:    make([]int, n),
		waiters:    make([]map[int][]chan bool, n),
	}
	for i := 0; i < n; i++ {
		ends := make([]*labrpc.ClientEnd, n)
		for j := 0; j < n; j++ {
			name := c.endName(i, j)
			ends[j] = c.net.MakeEnd(name)
			c.net.Connect(name, j)
			c.net.Enable(name, true)
		}
		c.persisters[i] = MakePersister()
		c.waiters[i] = map[int][]chan bool{}
		// Buffered, as a service that applies in batches would make it:
		// the applier then hands over a batch without a goroutine switch
		// per entry. A snapshotting service gets an unbuffered channel,
		// as in the tester: otherwise Raft could commit up to a buffer's
		// worth of entries beyond the service's latest snapshot.
		applyCh := make(chan ApplyMsg, 256)
		if snapshotEvery > 0 {
			applyCh = make(chan ApplyMsg)
		}
		c.rafts[i] = Make(ends, i, c.persisters[i], applyCh)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(c.rafts[i]))
		c.net.AddServer(i, srv)
		c.services.Add(1)
		go c.service(i, applyCh, snapshotEvery)
	}
	return c
}

// endName names the labrpc end peer i uses to call peer j.
func (c *miniCluster) endName(i, j int) string {
	return fmt.Sprintf("mini-%p-%d-%d", c, i, j)
}

// setConnected cuts peer i off from every other peer, or reconnects it.
func (c *miniCluster) setConnected(i int, connected bool) {
	for j := range c.rafts {
		if j != i {
			c.net.Enable(c.endName(i, j), connected)
			c.net.Enable(c.endName(j, i), connected)
		}
	}
}

// service is peer i's state machine: it records applied indices, wakes
// waiters and takes snapshots.
func (c *miniCluster) service(i int, applyCh chan ApplyMsg, snapshotEvery int) {
	defer c.services.Done()
	for {
		var m ApplyMsg
		select {
		case m = <-applyCh:
		case <-c.stop:
			return
		}
		index := m.CommandIndex
		if m.SnapshotValid {
			index = m.SnapshotIndex
		}
		c.mu.Lock()
		if !m.SnapshotValid && index != c.applied[i]+1 {
			c.mu.Unlock()
			c.tb.Errorf("peer %d applied %d after %d", i, index, c.applied[i])
			return
		}
		c.applied[i] = index
		if c.onApply != nil {
			c.onApply(i, m)
		}
		c.wake(i, index, m.SnapshotValid)
		c.mu.Unlock()
		if snapshotEvery > 0 && m.CommandValid && index%snapshotEvery == 0 {
			var buf bytes.Buffer
			if err := labgob.NewEncoder(&buf).Encode(index); err != nil {
				c.tb.Errorf("encoding snapshot: %v", err)
			}
			c.rafts[i].Snapshot(index, buf.Bytes())
		}
	}
}

// wake closes the channels of those waiting for peer i to apply index (and,
// after a snapshot, any earlier index). Caller holds c.mu.
func (c *miniCluster) wake(i, index int, snapshot bool) {
	if snapshot {
		for k, chs := range c.waiters[i] {
			if k <= index {
				for _, ch := range chs {
					close(ch)
				}
				delete(c.waiters[i], k)
			}
		}
		return
	}
	for _, ch := range c.waiters[i][index] {
		close(ch)
	}
	delete(c.waiters[i], index)
}

// appliedCh returns a channel closed once peer i has applied index.
func (c *miniCluster) appliedCh(i, index int) <-chan bool {
	ch := make(chan bool)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.applied[i] >= index {
		close(ch)
	} else {
		c.waiters[i][index] = append(c.waiters[i][index], ch)
	}
	return ch
}

// leader waits up to 10 s for a peer that believes it leads.
func (c *miniCluster) leader() int {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for i, rf := range c.rafts {
			if _, isLeader := rf.GetState(); isLeader {
				return i
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.tb.Fatalf("no leader within 10 s")
	return -1
}

// commit proposes cmd at peer l and waits until l has applied it. It
// returns false if l is not (or stops being) the leader.
func (c *miniCluster) commit(l int, cmd interface{}) bool {
	index, _, ok := c.rafts[l].Start(cmd)
	return ok && c.awaitApplied(l, index)
}

// awaitApplied waits up to 5 s for peer i to apply index and reports
// whether it did. A timer that is not stopped stays in memory until it
// fires: with time.After, a sustained run would keep 5 s worth of timers
// (over a million, 400 MB) alive, and the garbage collector's work on them
// would be counted against Raft.
func (c *miniCluster) awaitApplied(i, index int) bool {
	timeout := time.NewTimer(5 * time.Second)
	defer timeout.Stop()
	select {
	case <-c.appliedCh(i, index):
		return true
	case <-timeout.C:
		return false
	}
}

// maxStateSize is the largest persisted Raft state among the peers.
func (c *miniCluster) maxStateSize() int {
	max := 0
	for _, p := range c.persisters {
		if s := p.RaftStateSize(); s > max {
			max = s
		}
	}
	return max
}

// shutdown kills every peer, shuts the network down and stops the services.
func (c *miniCluster) shutdown() {
	for _, rf := range c.rafts {
		rf.Kill()
	}
	c.net.Cleanup()
	close(c.stop)
	c.services.Wait()
}

// Echo is a trivial labrpc service used to measure the network's round trip
// in the same run as the Raft figures.
type Echo struct{}

// EchoArgs is Echo's argument.
type EchoArgs struct{ X int }

// EchoReply is Echo's reply.
type EchoReply struct{ X int }

// Echo returns its argument.
func (e *Echo) Echo(args *EchoArgs, reply *EchoReply) { reply.X = args.X }

// echoEnd sets up an Echo server on net and returns an end connected to it.
func echoEnd(net *labrpc.Network) *labrpc.ClientEnd {
	end := net.MakeEnd("echo-client")
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(&Echo{}))
	net.AddServer("echo", srv)
	net.Connect("echo-client", "echo")
	net.Enable("echo-client", true)
	return end
}

// measureRoundTrip returns the mean time of a labrpc round trip to a trivial
// handler on a reliable network. The first calls of a process are slower
// (up to 8 us against 6 us here), so it warms up first, and it averages
// over enough calls (about 0.1 s) for the figure to be steady from run to
// run.
func measureRoundTrip(tb testing.TB) time.Duration {
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	end := echoEnd(net)
	call := func(i int) {
		var reply EchoReply
		if !end.Call("Echo.Echo", &EchoArgs{X: i}, &reply) || reply.X != i {
			tb.Fatalf("echo call %d failed", i)
		}
	}
	const warmUp, n = 2000, 20000
	for i := 0; i < warmUp; i++ {
		call(i)
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		call(i)
	}
	return time.Since(start) / n
}
