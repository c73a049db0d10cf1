package raft

// A harness for membership changes: servers known by member id, started,
// crashed and restarted one at a time (each keeps its persister), reached
// through the Dial of MembershipOptions over one labrpc network, and cut
// off by id. Each server's service checks that indices arrive contiguously
// and that every server applies the same command at each index.

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
)

// memberCluster is the harness; ids are member ids.
type memberCluster struct {
	t   *testing.T
	net *labrpc.Network

	mu        sync.Mutex
	rafts     map[int]*Raft      // running servers
	persist   map[int]*Persister // every server ever started, by id
	applied   map[int]int        // last index applied (entry or snapshot), by id
	snapshots map[int]int        // snapshots installed from applyCh, by id
	commands  map[int]string     // index -> command, as first applied anywhere
	opts      Options            // options for every server (Membership filled per server)
	every     int                // snapshot after every this many entries; 0: never
	stops     map[int]chan struct{}

	// endsMu protects the ends. Raft dials with its own lock held, so
	// dialling must not wait for c.mu, which is held across calls into Raft.
	endsMu sync.Mutex
	ends   map[int][]string // end names each server dialled, by id (from)
	endTo  map[string]int   // end name -> the id it reaches
	cut    map[int]bool     // ids cut off from the network
	gen    int              // numbers the ends
}

func newMemberCluster(t *testing.T, snapshotEvery int, opts Options) *memberCluster {
	c := &memberCluster{
		t: t, net: labrpc.MakeNetwork(),
		rafts: map[int]*Raft{}, persist: map[int]*Persister{}, applied: map[int]int{},
		snapshots: map[int]int{}, commands: map[int]string{}, ends: map[int][]string{},
		endTo: map[string]int{}, cut: map[int]bool{}, every: snapshotEvery, opts: opts,
		stops: map[int]chan struct{}{},
	}
	t.Cleanup(c.shutdown)
	return c
}

// members returns Members with the given ids.
func members(ids ...int) []Member {
	ms := make([]Member, len(ids))
	for i, id := range ids {
		ms[i] = Member{ID: id, Addr: fmt.Sprintf("server-%d", id)}
	}
	return ms
}

// bootstrap starts servers with the ids as the initial voters.
func (c *memberCluster) bootstrap(ids ...int) {
	for _, id := range ids {
		c.start(id, members(ids...))
	}
}

// start starts (or restarts, from its persisted state) server id with
// initial as MembershipOptions.Initial.
func (c *memberCluster) start(id int, initial []Member) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.persist[id]
	if p == nil {
		p = MakePersister()
	} else {
		p = p.Copy()
	}
	c.persist[id] = p
	c.applied[id] = 0
	opts := c.opts
	opts.Membership = &MembershipOptions{Self: id, Initial: initial, Dial: func(m Member) *labrpc.ClientEnd { return c.dial(id, m) }}
	applyCh := make(chan ApplyMsg)
	rf, err := MakeWithOptions(nil, id, p, applyCh, opts)
	if err != nil {
		c.t.Fatalf("MakeWithOptions for server %d: %v", id, err)
	}
	c.rafts[id] = rf
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(rf))
	c.net.AddServer(id, srv)
	stop := make(chan struct{})
	c.stops[id] = stop
	go c.service(id, rf, applyCh, stop)
}

// dial makes an end from server from to member m, cut off if either is.
func (c *memberCluster) dial(from int, m Member) *labrpc.ClientEnd {
	c.endsMu.Lock()
	defer c.endsMu.Unlock()
	c.gen++
	name := fmt.Sprintf("member-%p-%d-%d-%d", c, from, m.ID, c.gen)
	end := c.net.MakeEnd(name)
	c.net.Connect(name, m.ID)
	c.net.Enable(name, !c.cut[from] && !c.cut[m.ID])
	c.ends[from] = append(c.ends[from], name)
	c.endTo[name] = m.ID
	return end
}

// setCut cuts server id off from every other server, or reconnects it.
func (c *memberCluster) setCut(id int, cut bool) {
	c.endsMu.Lock()
	defer c.endsMu.Unlock()
	c.cut[id] = cut
	for name, to := range c.endTo {
		from := c.fromOf(name)
		c.net.Enable(name, !c.cut[from] && !c.cut[to])
	}
}

// fromOf returns the id that dialled end name. Caller holds c.endsMu.
func (c *memberCluster) fromOf(name string) int {
	for from, names := range c.ends {
		for _, n := range names {
			if n == name {
				return from
			}
		}
	}
	return -1
}

// crash kills server id; its persister keeps what it saved.
func (c *memberCluster) crash(id int) {
	c.mu.Lock()
	rf, stop := c.rafts[id], c.stops[id]
	delete(c.rafts, id)
	c.mu.Unlock()
	if rf == nil {
		return
	}
	c.net.DeleteServer(id)
	rf.Kill()
	close(stop)
}

func (c *memberCluster) shutdown() {
	c.mu.Lock()
	ids := make([]int, 0, len(c.rafts))
	for id := range c.rafts {
		ids = append(ids, id)
	}
	c.mu.Unlock()
	for _, id := range ids {
		c.crash(id)
	}
	c.net.Cleanup()
}

// service is server id's state machine: it checks the order and agreement
// of what is applied and snapshots every c.every entries.
func (c *memberCluster) service(id int, rf *Raft, applyCh chan ApplyMsg, stop chan struct{}) {
	for {
		var m ApplyMsg
		select {
		case m = <-applyCh:
		case <-stop:
			return
		}
		if m.SnapshotValid {
			c.mu.Lock()
			c.applied[id] = m.SnapshotIndex
			c.snapshots[id]++
			c.mu.Unlock()
			continue
		}
		if !c.record(id, m) {
			return
		}
		if c.every > 0 && m.CommandIndex%c.every == 0 {
			var buf bytes.Buffer
			labgob.NewEncoder(&buf).Encode(m.CommandIndex)
			rf.Snapshot(m.CommandIndex, buf.Bytes())
		}
	}
}

// record checks and notes that server id applied m; false: it failed.
func (c *memberCluster) record(id int, m ApplyMsg) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.CommandIndex != c.applied[id]+1 {
		c.t.Errorf("server %d applied %d after %d", id, m.CommandIndex, c.applied[id])
		return false
	}
	c.applied[id] = m.CommandIndex
	cmd := fmt.Sprint(m.Command)
	if _, isConfig := m.Command.(ConfigChange); isConfig {
		cmd = fmt.Sprintf("config %v (term %d)", m.Command, m.CommandTerm)
	}
	if prev, ok := c.commands[m.CommandIndex]; ok && prev != cmd {
		c.t.Errorf("server %d applied %q at %d; another applied %q", id, cmd, m.CommandIndex, prev)
		return false
	}
	c.commands[m.CommandIndex] = cmd
	return true
}

// raft returns running server id, failing the test if it is not running.
func (c *memberCluster) raft(id int) *Raft {
	c.mu.Lock()
	defer c.mu.Unlock()
	rf := c.rafts[id]
	if rf == nil {
		c.t.Fatalf("server %d is not running", id)
	}
	return rf
}

// leader waits up to 10 s for one of the running servers ids (all running
// ones if none given) to lead, and returns its id.
func (c *memberCluster) leader(ids ...int) int {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		best, bestTerm := -1, -1
		for id, rf := range c.rafts {
			if term, isLeader := rf.GetState(); isLeader && term > bestTerm && (len(ids) == 0 || memberIndex(members(ids...), id) >= 0) {
				best, bestTerm = id, term
			}
		}
		c.mu.Unlock()
		if best >= 0 {
			return best
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("no leader among %v within 10 s", ids)
	return -1
}

// commit proposes cmd through the current leader and waits until every
// one of the servers ids has applied it; it fails the test after 10 s.
func (c *memberCluster) commit(cmd interface{}, ids ...int) int {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		l := c.leader()
		index, _, ok := c.raft(l).Start(cmd)
		if ok && c.awaitApplied(index, time.Now().Add(2*time.Second), ids...) {
			c.mu.Lock()
			got := c.commands[index]
			c.mu.Unlock()
			if got == fmt.Sprint(cmd) {
				return index
			}
		}
	}
	c.t.Fatalf("%v not committed at servers %v within 10 s", cmd, ids)
	return 0
}

// awaitApplied waits until each of ids has applied index, or deadline.
func (c *memberCluster) awaitApplied(index int, deadline time.Time, ids ...int) bool {
	for time.Now().Before(deadline) {
		c.mu.Lock()
		done := true
		for _, id := range ids {
			done = done && c.applied[id] >= index
		}
		c.mu.Unlock()
		if done {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// configOf returns the voter and learner ids of server id's configuration.
func (c *memberCluster) configOf(id int) (voters, learners []int, committed bool) {
	v, l, _, committed := c.raft(id).Configuration()
	return memberIDs(v), memberIDs(l), committed
}

func memberIDs(ms []Member) []int {
	ids := []int{}
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	sort.Ints(ids)
	return ids
}

// awaitConfig waits up to 5 s until each of the servers ids uses a
// committed configuration with exactly the voters want and no learners.
func (c *memberCluster) awaitConfig(want []int, ids ...int) {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		bad := ""
		for _, id := range ids {
			v, l, committed := c.configOf(id)
			if fmt.Sprint(v) != fmt.Sprint(want) || len(l) > 0 || !committed {
				bad = fmt.Sprintf("server %d uses voters %v, learners %v (committed %v); want voters %v", id, v, l, committed, want)
			}
		}
		if bad == "" {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatal(bad)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
