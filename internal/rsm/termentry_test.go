package rsm

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// counter is a state machine that counts the commands applied to it.
type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) Apply(cmd interface{}) interface{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

func (c *counter) Snapshot() []byte { return nil }

func (c *counter) Restore([]byte) {}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// group is three RSM replicas of counters on one labrpc network.
type group struct {
	net   *labrpc.Network
	saved []*raft.Persister
	rsms  []*RSM
	sms   []*counter
}

func newGroup() *group {
	g := &group{net: labrpc.MakeNetwork(), saved: make([]*raft.Persister, 3),
		rsms: make([]*RSM, 3), sms: make([]*counter, 3)}
	for i := range g.saved {
		g.saved[i] = raft.MakePersister()
	}
	return g
}

func peerName(i int) string { return fmt.Sprintf("rsm-peer-%d", i) }

// start starts replica i over its saved Raft state.
func (g *group) start(i int) {
	ends := make([]*labrpc.ClientEnd, len(g.rsms))
	for j := range ends {
		name := fmt.Sprintf("rsm-end-%d-%d-%p", i, j, g.saved[i])
		ends[j] = g.net.MakeEnd(name)
		g.net.Connect(name, peerName(j))
		g.net.Enable(name, true)
	}
	g.saved[i] = g.saved[i].Copy()
	g.sms[i] = &counter{}
	g.rsms[i] = Make(ends, i, g.saved[i], -1, g.sms[i])
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(g.rsms[i].Raft()))
	g.net.AddServer(peerName(i), srv)
}

func (g *group) stop(i int) {
	g.net.DeleteServer(peerName(i))
	g.rsms[i].Kill()
}

// submitOne submits cmd at whichever replica leads, until one applies it.
func (g *group) submitOne(t *testing.T, cmd int) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range g.rsms {
			if _, ok := r.Submit(cmd); ok {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("command %d was never applied", cmd)
}

// TestRestartedGroupAppliesItsLogUnprompted: a whole group restarts with
// entries in its log and no new command comes. Its new leader must still
// commit and apply them: a service may be waiting for that state before
// it submits anything (a shard group after a whole-cluster restart).
func TestRestartedGroupAppliesItsLogUnprompted(t *testing.T) {
	g := newGroup()
	for i := range g.rsms {
		g.start(i)
	}
	const n = 5
	for cmd := 1; cmd <= n; cmd++ {
		g.submitOne(t, cmd)
	}
	for i := range g.rsms {
		g.stop(i)
	}
	for i := range g.rsms {
		g.start(i)
	}
	defer func() {
		for i := range g.rsms {
			g.stop(i)
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		done := true
		for _, sm := range g.sms {
			done = done && sm.count() == n
		}
		if done {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, sm := range g.sms {
		t.Logf("replica %d applied %d of %d commands", i, sm.count(), n)
	}
	t.Fatal("the restarted group did not apply its log without a new command")
}
