package main

import (
	"fmt"
	"math/rand"
	"sync"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// cluster is a set of KV servers on a simulated network, wired like the KV
// tester (raftkv/config.go): each server offers the KVServer and the Raft
// services, servers restart from a copy of their persister, and clerks get
// their ends in shuffled order.
type cluster struct {
	net          *labrpc.Network
	n            int
	maxraftstate int

	mu        sync.Mutex         // protects the fields below
	servers   []*raftkv.KVServer // nil while crashed
	saved     []*raft.Persister  // each server's persisted state, kept across crashes
	endnames  [][]string         // endnames[i][j]: the end server i uses to call server j
	group     []int              // network partition of each server; equal groups can talk
	nextEndID int                // makes end names unique
}

func newCluster(n, maxraftstate int) *cluster {
	c := &cluster{
		net:          labrpc.MakeNetwork(),
		n:            n,
		maxraftstate: maxraftstate,
		servers:      make([]*raftkv.KVServer, n),
		saved:        make([]*raft.Persister, n),
		endnames:     make([][]string, n),
		group:        make([]int, n),
	}
	for i := range c.endnames {
		c.endnames[i] = make([]string, n)
		c.saved[i] = raft.MakePersister()
	}
	return c
}

// startAll starts every server.
func (c *cluster) startAll() {
	for i := 0; i < c.n; i++ {
		c.start(i)
	}
}

// start (re)starts server i from a copy of its persisted state, with fresh
// end names so that messages to or from its previous life go nowhere.
func (c *cluster) start(i int) {
	c.crash(i)
	c.mu.Lock()
	ends := make([]*labrpc.ClientEnd, c.n)
	for j := range ends {
		name := c.newEndName("s")
		c.endnames[i][j] = name
		ends[j] = c.net.MakeEnd(name)
		c.net.Connect(name, j)
	}
	// No instance holds it: crash left the killed one the old copy.
	persister := c.saved[i]
	c.mu.Unlock()

	kv := raftkv.StartKVServer(ends, i, persister, c.maxraftstate)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(kv))
	srv.AddService(labrpc.MakeService(kv.Raft()))

	c.mu.Lock()
	defer c.mu.Unlock()
	c.servers[i] = kv
	c.net.AddServer(i, srv)
	c.applyPartitionLocked()
}

// crash cuts server i off, deletes it from the network, keeps its persisted
// state and kills it. Crashing a crashed server does nothing.
func (c *cluster) crash(i int) {
	c.mu.Lock()
	kv := c.servers[i]
	if kv == nil {
		c.mu.Unlock()
		return
	}
	c.servers[i] = nil
	for j := 0; j < c.n; j++ {
		c.net.Enable(c.endnames[i][j], false)
		if c.endnames[j][i] != "" {
			c.net.Enable(c.endnames[j][i], false)
		}
	}
	c.net.DeleteServer(i)
	c.saved[i] = c.saved[i].Copy() // the dying instance keeps the old copy
	c.mu.Unlock()
	kv.Kill() // outside the lock: Kill may wait for the server's goroutines
}

// partition splits the servers into the given groups (lists of server
// numbers; a server in no list is alone). Clerks can still reach everyone,
// as in the KV tester.
func (c *cluster) partition(groups ...[]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.group {
		c.group[i] = -1 - i // alone unless listed
	}
	for g, members := range groups {
		for _, i := range members {
			c.group[i] = g
		}
	}
	c.applyPartitionLocked()
}

// heal lets every server talk to every other again: all in group 0.
func (c *cluster) heal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.group)
	c.applyPartitionLocked()
}

// applyPartitionLocked enables exactly the ends between live servers of the
// same group. Caller holds c.mu.
func (c *cluster) applyPartitionLocked() {
	for i := 0; i < c.n; i++ {
		for j := 0; j < c.n; j++ {
			if name := c.endnames[i][j]; name != "" {
				up := c.servers[i] != nil && c.servers[j] != nil
				c.net.Enable(name, up && c.group[i] == c.group[j])
			}
		}
	}
}

// makeClerk returns a Clerk whose ends to the servers are in shuffled order.
func (c *cluster) makeClerk(rng *rand.Rand) *raftkv.Clerk {
	c.mu.Lock()
	defer c.mu.Unlock()
	ends := make([]*labrpc.ClientEnd, c.n)
	for pos, j := range rng.Perm(c.n) {
		name := c.newEndName("c")
		ends[pos] = c.net.MakeEnd(name)
		c.net.Connect(name, j)
		c.net.Enable(name, true)
	}
	return raftkv.MakeClerk(ends)
}

// newEndName returns a name no end has had. Caller holds c.mu.
func (c *cluster) newEndName(kind string) string {
	c.nextEndID++
	return fmt.Sprintf("%s-end-%d", kind, c.nextEndID)
}

// clusterState is what the progress line shows about the servers.
type clusterState struct {
	leader int // -1: nobody claims to lead
	term   int // the leader's term, or the highest term if there is no leader
	down   []int
}

// observe asks every live server's Raft peer for its state. The leader is
// the server claiming leadership in the highest term: a leader cut off in a
// minority may still believe it leads, in an older term.
func (c *cluster) observe() clusterState {
	c.mu.Lock()
	servers := append([]*raftkv.KVServer(nil), c.servers...)
	c.mu.Unlock()
	st := clusterState{leader: -1}
	maxTerm, leaderTerm := 0, -1
	for i, kv := range servers {
		if kv == nil {
			st.down = append(st.down, i)
			continue
		}
		term, isLeader := kv.Raft().GetState()
		maxTerm = max(maxTerm, term)
		if isLeader && term > leaderTerm {
			st.leader, leaderTerm = i, term
		}
	}
	st.term = maxTerm
	if st.leader >= 0 {
		st.term = leaderTerm
	}
	return st
}

// shutdown kills every server and stops the network.
func (c *cluster) shutdown() {
	for i := 0; i < c.n; i++ {
		c.crash(i)
	}
	c.net.Cleanup()
}

// rpcTotals reports the network's counters.
func (c *cluster) rpcTotals() (calls int, bytes int64) {
	return c.net.GetTotalCount(), c.net.GetTotalBytes()
}
