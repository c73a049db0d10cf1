package shardkv

// A small deployment for our own scenario tests: a controller of 3 and
// groups of 3 on one labrpc network. It is separate from the course
// tester (config.go), which a course replaces with its own copy, so its
// names are its own.

import (
	"fmt"
	"sync"
	"testing"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
	"miniraftkv/shardctrler"
)

const depGroupSize = 3

type deployment struct {
	t            testing.TB
	stopOnce     sync.Once
	net          *labrpc.Network
	maxraftstate int

	mu        sync.Mutex
	ctrlers   []*shardctrler.ShardCtrler
	ctrlSaved []*raft.Persister
	servers   map[int][]*ShardKV // gid -> replicas (nil when down)
	saved     map[int][]*raft.Persister
	admin     *shardctrler.Clerk
}

func depCtrlerName(i int) string      { return fmt.Sprintf("depctl-%d", i) }
func depServerName(gid, i int) string { return fmt.Sprintf("dep-%d-%d", gid, i) }
func depGroupNames(gid int) []string {
	names := make([]string, depGroupSize)
	for i := range names {
		names[i] = depServerName(gid, i)
	}
	return names
}

// newDeployment starts the controller and the groups gids (not joined).
func newDeployment(t testing.TB, maxraftstate int, gids ...int) *deployment {
	d := &deployment{
		t:            t,
		net:          labrpc.MakeNetwork(),
		maxraftstate: maxraftstate,
		ctrlers:      make([]*shardctrler.ShardCtrler, 3),
		ctrlSaved:    make([]*raft.Persister, 3),
		servers:      map[int][]*ShardKV{},
		saved:        map[int][]*raft.Persister{},
	}
	for i := range d.ctrlers {
		d.startCtrler(i)
	}
	d.admin = shardctrler.MakeClerk(d.ctrlerEnds())
	for _, gid := range gids {
		d.servers[gid] = make([]*ShardKV, depGroupSize)
		d.saved[gid] = make([]*raft.Persister, depGroupSize)
		d.startGroup(gid)
	}
	t.Cleanup(d.stop)
	return d
}

// endTo returns a new enabled end to the server named name.
func (d *deployment) endTo(name string) *labrpc.ClientEnd {
	endname := randomEndName()
	e := d.net.MakeEnd(endname)
	d.net.Connect(endname, name)
	d.net.Enable(endname, true)
	return e
}

var depEndCounter struct {
	sync.Mutex
	n int
}

func randomEndName() string {
	depEndCounter.Lock()
	defer depEndCounter.Unlock()
	depEndCounter.n++
	return fmt.Sprintf("depend-%d", depEndCounter.n)
}

func (d *deployment) ctrlerEnds() []*labrpc.ClientEnd {
	ends := make([]*labrpc.ClientEnd, len(d.ctrlers))
	for j := range ends {
		ends[j] = d.endTo(depCtrlerName(j))
	}
	return ends
}

func (d *deployment) startCtrler(i int) {
	d.mu.Lock()
	if d.ctrlSaved[i] == nil {
		d.ctrlSaved[i] = raft.MakePersister()
	} else {
		d.ctrlSaved[i] = d.ctrlSaved[i].Copy()
	}
	p := d.ctrlSaved[i]
	d.mu.Unlock()
	sc := shardctrler.StartServer(d.ctrlerEnds(), i, p)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(sc))
	srv.AddService(labrpc.MakeService(sc.Raft()))
	d.mu.Lock()
	d.ctrlers[i] = sc
	d.mu.Unlock()
	d.net.AddServer(depCtrlerName(i), srv)
}

func (d *deployment) stopCtrler(i int) {
	d.net.DeleteServer(depCtrlerName(i))
	d.mu.Lock()
	sc := d.ctrlers[i]
	d.ctrlers[i] = nil
	d.mu.Unlock()
	if sc != nil {
		sc.Kill()
	}
}

// ctrlerLeader returns the index of a controller replica that believes it
// leads, or -1.
func (d *deployment) ctrlerLeader() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, sc := range d.ctrlers {
		if sc != nil {
			if _, isLeader := sc.Raft().GetState(); isLeader {
				return i
			}
		}
	}
	return -1
}

func (d *deployment) startServer(gid, i int) {
	ends := make([]*labrpc.ClientEnd, depGroupSize)
	for j := range ends {
		ends[j] = d.endTo(depServerName(gid, j))
	}
	d.mu.Lock()
	if d.saved[gid][i] == nil {
		d.saved[gid][i] = raft.MakePersister()
	} else {
		d.saved[gid][i] = d.saved[gid][i].Copy()
	}
	p := d.saved[gid][i]
	d.mu.Unlock()
	kv := StartServer(ends, i, p, d.maxraftstate, gid, d.ctrlerEnds(), d.endTo)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(kv))
	srv.AddService(labrpc.MakeService(kv.rf))
	d.mu.Lock()
	d.servers[gid][i] = kv
	d.mu.Unlock()
	d.net.AddServer(depServerName(gid, i), srv)
}

func (d *deployment) stopServer(gid, i int) {
	d.net.DeleteServer(depServerName(gid, i))
	d.mu.Lock()
	kv := d.servers[gid][i]
	d.servers[gid][i] = nil
	d.mu.Unlock()
	if kv != nil {
		kv.Kill()
	}
}

func (d *deployment) startGroup(gid int) {
	for i := 0; i < depGroupSize; i++ {
		d.startServer(gid, i)
	}
}

func (d *deployment) stopGroup(gid int) {
	for i := 0; i < depGroupSize; i++ {
		d.stopServer(gid, i)
	}
}

func (d *deployment) join(gids ...int) {
	m := map[int][]string{}
	for _, gid := range gids {
		m[gid] = depGroupNames(gid)
	}
	d.admin.Join(m)
}

func (d *deployment) leave(gids ...int) {
	d.admin.Leave(gids)
}

func (d *deployment) clerk() *Clerk {
	return MakeClerk(d.ctrlerEnds(), d.endTo)
}

// stop kills every server; it may be called more than once.
func (d *deployment) stop() {
	d.stopOnce.Do(func() {
		for gid := range d.servers {
			d.stopGroup(gid)
		}
		for i := range d.ctrlers {
			d.stopCtrler(i)
		}
		d.net.Cleanup()
	})
}

// depAppenders runs one appender per key, each with its own clerk, until
// the returned function is called; that function waits for them and
// returns the values each key should hold.
func depAppenders(d *deployment, keys []string) func() map[string]string {
	var mu sync.Mutex
	want := map[string]string{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, key := range keys {
		wg.Add(1)
		go func(key string) {
			defer wg.Done()
			ck := d.clerk()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				x := fmt.Sprintf("%s.%d;", key, n)
				ck.Append(key, x)
				mu.Lock()
				want[key] += x
				mu.Unlock()
			}
		}(key)
	}
	return func() map[string]string {
		close(stop)
		wg.Wait()
		return want
	}
}

// depCheck fails the test unless every key holds its wanted value.
func depCheck(t *testing.T, ck *Clerk, want map[string]string) {
	t.Helper()
	for key, v := range want {
		if got := ck.Get(key); got != v {
			t.Fatalf("Get(%q) = %q; want %q", key, got, v)
		}
	}
}

// depKeys returns one key per shard.
func depKeys() []string {
	keys := make([]string, shardctrler.NShards)
	for s := range keys {
		keys[s] = keyOf(s)
	}
	return keys
}
