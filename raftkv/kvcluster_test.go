package raftkv

// The harness of this package's own cluster tests: KV servers on a labrpc
// network, crashed and restarted from copies of their persisters, cut apart
// by partitions, with clerks whose operations are recorded and checked for
// linearizability at the end. It stands apart from the course's tester
// (config.go, test_test.go), which a course replaces with its own copies:
// nothing here uses a name those files define, so these tests compile and
// run beside any course's tester.

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/linearizability"
	"miniraftkv/raft"
)

// kvCluster is n KV servers on a reliable labrpc network.
type kvCluster struct {
	t            *testing.T
	net          *labrpc.Network
	n            int
	maxraftstate int
	tweak        func(*KVServer) // applied to each server before it joins the network
	history      *linearizability.KvRecorder

	mu       sync.Mutex // protects the fields below
	servers  []*KVServer
	saved    []*raft.Persister // the persister of each server's current (or next) instance
	ends     [][]string        // ends[i][j]: server i's end to server j
	clerks   map[*Clerk][]string
	nextName int
}

// newKVCluster starts n connected servers; tweak, if not nil, is applied to
// each server (at every start) before it joins the network.
func newKVCluster(t *testing.T, n, maxraftstate int, tweak func(*KVServer)) *kvCluster {
	c := &kvCluster{t: t, net: labrpc.MakeNetwork(), n: n, maxraftstate: maxraftstate, tweak: tweak,
		history: linearizability.NewKvRecorder(), servers: make([]*KVServer, n),
		saved: make([]*raft.Persister, n), ends: make([][]string, n), clerks: map[*Clerk][]string{}}
	for i := 0; i < n; i++ {
		c.startServer(i)
	}
	c.connectAll()
	// A test that hangs ends with every goroutine's stack, as in the
	// course's tester, rather than at go test's much later timeout.
	name := t.Name()
	watchdog := time.AfterFunc(kvClusterLimit, func() {
		panic(fmt.Sprintf("%s ran longer than %v", name, kvClusterLimit))
	})
	t.Cleanup(func() {
		watchdog.Stop()
		c.shutdown()
	})
	return c
}

// kvClusterLimit is the longest one test on a kvCluster may run.
const kvClusterLimit = 120 * time.Second

func (c *kvCluster) shutdown() {
	c.mu.Lock()
	servers := append([]*KVServer(nil), c.servers...)
	c.mu.Unlock()
	for _, kv := range servers {
		if kv != nil {
			kv.Kill()
		}
	}
	c.net.Cleanup()
}

// newEnd makes a disabled end to server j. Caller holds c.mu.
func (c *kvCluster) newEnd(j int) (string, *labrpc.ClientEnd) {
	name := "kvc-" + strconv.Itoa(c.nextName)
	c.nextName++
	e := c.net.MakeEnd(name)
	c.net.Connect(name, j)
	return name, e
}

// all returns the indexes of every server.
func (c *kvCluster) all() []int {
	all := make([]int, c.n)
	for i := range all {
		all[i] = i
	}
	return all
}

// startServer starts a new instance of server i from a copy of its last
// persisted state, with fresh ends to the others (disabled until connected).
func (c *kvCluster) startServer(i int) {
	c.mu.Lock()
	ends := make([]*labrpc.ClientEnd, c.n)
	c.ends[i] = make([]string, c.n)
	for j := range ends {
		c.ends[i][j], ends[j] = c.newEnd(j)
	}
	if c.saved[i] == nil {
		c.saved[i] = raft.MakePersister()
	} else {
		c.saved[i] = c.saved[i].Copy()
	}
	persister := c.saved[i]
	c.mu.Unlock()
	kv := StartKVServer(ends, i, persister, c.maxraftstate)
	if c.tweak != nil {
		c.tweak(kv)
	}
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(kv))
	srv.AddService(labrpc.MakeService(kv.rf))
	c.mu.Lock()
	c.servers[i] = kv
	c.mu.Unlock()
	c.net.AddServer(i, srv)
}

// crashServer removes server i from the network (no reply of the dying
// instance reaches anyone), keeps a copy of its persister for the next
// instance, and kills it.
func (c *kvCluster) crashServer(i int) {
	c.mu.Lock()
	c.setLinks(i, c.all(), false)
	c.net.DeleteServer(i)
	c.saved[i] = c.saved[i].Copy()
	kv := c.servers[i]
	c.servers[i] = nil
	c.mu.Unlock()
	if kv != nil {
		kv.Kill()
	}
}

// setLinks enables or disables the links both ways between server i and
// each server in others. Caller holds c.mu.
func (c *kvCluster) setLinks(i int, others []int, enabled bool) {
	for _, j := range others {
		c.net.Enable(c.ends[i][j], enabled)
		c.net.Enable(c.ends[j][i], enabled)
	}
}

func (c *kvCluster) connectAll() { c.partition(c.all()) }

// partition connects the servers within each group and cuts the links
// between groups. Clerks' links are left alone.
func (c *kvCluster) partition(groups ...[]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for gi, g := range groups {
		for _, i := range g {
			c.setLinks(i, g, true)
			for gj, h := range groups {
				if gj != gi {
					c.setLinks(i, h, false)
				}
			}
		}
	}
}

// leader returns a server that believes it leads in the highest term any
// running server has, or -1.
func (c *kvCluster) leader() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	best, bestTerm := -1, -1
	for i, kv := range c.servers {
		if kv == nil {
			continue
		}
		if term, isLeader := kv.rf.GetState(); isLeader && term > bestTerm {
			best, bestTerm = i, term
		}
	}
	return best
}

// splitLeaderOff returns a majority and a minority that holds the current
// leader (server n-1 if none leads).
func (c *kvCluster) splitLeaderOff() (majority, minority []int) {
	l := c.leader()
	if l < 0 {
		l = c.n - 1
	}
	for i := 0; i < c.n; i++ {
		switch {
		case i == l:
		case len(majority) < c.n/2+1:
			majority = append(majority, i)
		default:
			minority = append(minority, i)
		}
	}
	return majority, append(minority, l)
}

// clerk returns a Clerk with an end of its own to every server; only those
// to the servers in to are enabled.
func (c *kvCluster) clerk(to []int) *Clerk {
	c.mu.Lock()
	ends := make([]*labrpc.ClientEnd, c.n)
	names := make([]string, c.n)
	for j := range ends {
		names[j], ends[j] = c.newEnd(j)
	}
	ck := MakeClerk(ends)
	c.clerks[ck] = names
	c.mu.Unlock()
	c.connectClerk(ck, to)
	return ck
}

// connectClerk enables ck's ends to the servers in to.
func (c *kvCluster) connectClerk(ck *Clerk, to []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range to {
		c.net.Enable(c.clerks[ck][j], true)
	}
}

// get, put and append run an operation of client cli, recorded in the
// history.
func (c *kvCluster) get(ck *Clerk, cli int, key string) string {
	id := c.history.Call(cli, linearizability.KvInput{Op: linearizability.KvGet, Key: key})
	v := ck.Get(key)
	c.history.Return(id, v)
	return v
}

func (c *kvCluster) put(ck *Clerk, cli int, key, value string) {
	id := c.history.Call(cli, linearizability.KvInput{Op: linearizability.KvPut, Key: key, Value: value})
	ck.Put(key, value)
	c.history.Return(id, "")
}

func (c *kvCluster) append(ck *Clerk, cli int, key, value string) {
	id := c.history.Call(cli, linearizability.KvInput{Op: linearizability.KvAppend, Key: key, Value: value})
	ck.Append(key, value)
	c.history.Return(id, "")
}

// expect fails the test unless a Get of key by client cli returns want.
func (c *kvCluster) expect(ck *Clerk, cli int, key, want string) {
	c.t.Helper()
	if v := c.get(ck, cli, key); v != want {
		c.t.Fatalf("Get(%q) = %q, want %q", key, v, want)
	}
}

// spawn runs fn(cli, clerk) for clients first..first+n-1 at once, each with
// a clerk connected to every server, and waits for them all.
func (c *kvCluster) spawn(first, n int, fn func(cli int, ck *Clerk)) {
	var wg sync.WaitGroup
	for cli := first; cli < first+n; cli++ {
		wg.Add(1)
		go func(cli int, ck *Clerk) {
			defer wg.Done()
			fn(cli, ck)
		}(cli, c.clerk(c.all()))
	}
	wg.Wait()
}

// checkLinearizable checks every operation recorded so far.
func (c *kvCluster) checkLinearizable() {
	c.t.Helper()
	ops := c.history.Operations()
	res, info := linearizability.CheckOperationsVerbose(linearizability.KvHistoryModel(ops), ops, time.Minute)
	switch {
	case res == linearizability.Ok:
	case res == linearizability.Unknown:
		c.t.Fatalf("the linearizability check of %d operations gave no verdict (%v): a failure, not a pass", len(ops), info.Err())
	default:
		c.t.Fatalf("the history of %d operations is not linearizable", len(ops))
	}
}

// persistedSnapshot returns the snapshot server i's persister holds.
func (c *kvCluster) persistedSnapshot(i int) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.saved[i].ReadSnapshot()
}

// server returns server i's running instance (nil if crashed).
func (c *kvCluster) server(i int) *KVServer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.servers[i]
}

// appendedBy is the string client cli appends as its j-th append.
func appendedBy(cli, j int) string {
	return fmt.Sprintf("x %d %d y", cli, j)
}

// requireAppendsOnce fails unless v holds client cli's appends 0..n-1,
// each exactly once, in order.
func requireAppendsOnce(t *testing.T, cli int, v string, n int) {
	t.Helper()
	last := -1
	for j := 0; j < n; j++ {
		want := appendedBy(cli, j)
		off := strings.Index(v, want)
		switch {
		case off < 0:
			t.Fatalf("client %d's append %q is missing from %q", cli, want, v)
		case strings.LastIndex(v, want) != off:
			t.Fatalf("client %d's append %q appears twice in %q", cli, want, v)
		case off <= last:
			t.Fatalf("client %d's append %q is out of order in %q", cli, want, v)
		}
		last = off
	}
}
