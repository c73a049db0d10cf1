package shardctrler

// The shard controller's tester: n controller replicas on a simulated
// network, each with its Raft peer registered on the same labrpc server,
// clerks with shuffled ends, and crash-restart from a copy of the persister.

import (
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// testLimit is the longest a controller test may run.
const testLimit = 120 * time.Second

func randstring(n int) string {
	b := make([]byte, 2*n)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	return base64.URLEncoding.EncodeToString(b)[:n]
}

// random_handles returns the ends in random order.
func random_handles(kvh []*labrpc.ClientEnd) []*labrpc.ClientEnd {
	sa := make([]*labrpc.ClientEnd, len(kvh))
	copy(sa, kvh)
	rand.Shuffle(len(sa), func(i, j int) { sa[i], sa[j] = sa[j], sa[i] })
	return sa
}

// config is one test's deployment.
type config struct {
	mu       sync.Mutex // protects servers, saved, endnames, clerks
	t        *testing.T
	net      *labrpc.Network
	n        int
	servers  []*ShardCtrler
	saved    []*raft.Persister
	endnames [][]string // names of each server's ends to the servers
	clerks   map[*Clerk][]string
	start    time.Time

	t0    time.Time // time at begin()
	rpcs0 int       // RPCs at begin()
	ops   int32     // clerk requests since begin()
}

// virtualTime is set when the test runs in virtual time: inside a
// testing/synctest bubble, where the clock moves only when every goroutine of
// the test is blocked, as cmd/stress -virtual runs it. The wrapper that runs
// the test there (internal/virtualtest) seeds math/rand's global source (the
// tests' picks, Raft's election timeouts), gives every new labrpc network
// a per-hop latency, and calls enterVirtualTime before the test starts. It
// is off, and nothing changes, in real time.
var virtualTime struct {
	on   bool
	seed int64 // the run's seed, which the network's delays and drops use too
}

// enterVirtualTime switches the tester to virtual time for the tests that
// follow, with the run's seed.
//
//lint:ignore U1000 called by the wrappers internal/virtualtest generates for a virtual-time build
func enterVirtualTime(seed int64) {
	virtualTime.on, virtualTime.seed = true, seed
}

// virtualMark is the end of the Passed line: empty in real time, and a
// reminder in virtual time that the seconds are virtual and CPU time free.
func virtualMark() string {
	if !virtualTime.on {
		return ""
	}
	return "  (virtual time)"
}

func make_config(t *testing.T, n int, unreliable bool) *config {
	if !virtualTime.on {
		// Virtual time leaves GOMAXPROCS to the run (GOMAXPROCS=1 for a
		// closer replay of a seed).
		runtime.GOMAXPROCS(4)
	}
	cfg := &config{
		t:        t,
		net:      labrpc.MakeNetwork(),
		n:        n,
		servers:  make([]*ShardCtrler, n),
		saved:    make([]*raft.Persister, n),
		endnames: make([][]string, n),
		clerks:   make(map[*Clerk][]string),
		start:    time.Now(),
	}
	if virtualTime.on {
		cfg.net.Seed(uint64(virtualTime.seed))
	}
	for i := 0; i < n; i++ {
		cfg.StartServer(i)
	}
	cfg.ConnectAll()
	cfg.net.Reliable(!unreliable)
	return cfg
}

func (cfg *config) checkTimeout() {
	if !cfg.t.Failed() && time.Since(cfg.start) > testLimit {
		cfg.t.Fatal("test took longer than 120 seconds")
	}
}

func (cfg *config) cleanup() {
	cfg.mu.Lock()
	servers := append([]*ShardCtrler(nil), cfg.servers...)
	cfg.mu.Unlock()
	for _, sc := range servers {
		if sc != nil {
			sc.Kill()
		}
	}
	cfg.net.Cleanup()
	cfg.checkTimeout()
}

// connectUnlocked enables server i's ends to the servers in to, and theirs
// to i. Caller holds cfg.mu.
func (cfg *config) connectUnlocked(i int, to []int) {
	for _, j := range to {
		cfg.net.Enable(cfg.endnames[i][j], true)
		cfg.net.Enable(cfg.endnames[j][i], true)
	}
}

// disconnectUnlocked is connectUnlocked's opposite. Caller holds cfg.mu.
func (cfg *config) disconnectUnlocked(i int, from []int) {
	for _, j := range from {
		if cfg.endnames[i] != nil {
			cfg.net.Enable(cfg.endnames[i][j], false)
		}
		if cfg.endnames[j] != nil {
			cfg.net.Enable(cfg.endnames[j][i], false)
		}
	}
}

func (cfg *config) All() []int {
	all := make([]int, cfg.n)
	for i := range all {
		all[i] = i
	}
	return all
}

func (cfg *config) ConnectAll() {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	for i := 0; i < cfg.n; i++ {
		cfg.connectUnlocked(i, cfg.All())
	}
}

// makeClient returns a clerk whose ends, in random order, reach the
// servers in to.
func (cfg *config) makeClient(to []int) *Clerk {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	ends := make([]*labrpc.ClientEnd, cfg.n)
	endnames := make([]string, cfg.n)
	for j := 0; j < cfg.n; j++ {
		endnames[j] = randstring(20)
		ends[j] = cfg.net.MakeEnd(endnames[j])
		cfg.net.Connect(endnames[j], j)
	}
	ck := MakeClerk(random_handles(ends))
	cfg.clerks[ck] = endnames
	for _, j := range to {
		cfg.net.Enable(endnames[j], true)
	}
	return ck
}

// ShutdownServer crashes server i, keeping a copy of its persister for the
// next instance.
func (cfg *config) ShutdownServer(i int) {
	cfg.mu.Lock()
	cfg.disconnectUnlocked(i, cfg.All())
	cfg.net.DeleteServer(i)
	if cfg.saved[i] != nil {
		cfg.saved[i] = cfg.saved[i].Copy()
	}
	sc := cfg.servers[i]
	cfg.servers[i] = nil
	cfg.mu.Unlock()
	if sc != nil {
		sc.Kill()
	}
}

// StartServer starts a new instance of server i from a copy of its last
// persisted state, with fresh ends (disconnected: connect it afterwards).
func (cfg *config) StartServer(i int) {
	cfg.mu.Lock()
	cfg.endnames[i] = make([]string, cfg.n)
	ends := make([]*labrpc.ClientEnd, cfg.n)
	for j := 0; j < cfg.n; j++ {
		cfg.endnames[i][j] = randstring(20)
		ends[j] = cfg.net.MakeEnd(cfg.endnames[i][j])
		cfg.net.Connect(cfg.endnames[i][j], j)
	}
	if cfg.saved[i] != nil {
		cfg.saved[i] = cfg.saved[i].Copy()
	} else {
		cfg.saved[i] = raft.MakePersister()
	}
	persister := cfg.saved[i]
	cfg.mu.Unlock()

	sc := StartServer(ends, i, persister)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(sc))
	srv.AddService(labrpc.MakeService(sc.rf))
	cfg.mu.Lock()
	cfg.servers[i] = sc
	cfg.mu.Unlock()
	cfg.net.AddServer(i, srv)
}

// Leader returns a server that believes it leads in the highest term.
func (cfg *config) Leader() (bool, int) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	best, bestTerm := -1, -1
	for i, sc := range cfg.servers {
		if sc == nil {
			continue
		}
		if term, isLeader := sc.rf.GetState(); isLeader && term > bestTerm {
			best, bestTerm = i, term
		}
	}
	return best >= 0, best
}

// begin prints the title of a test part and starts its counters.
func (cfg *config) begin(description string) {
	fmt.Printf("%s ...\n", description)
	cfg.t0 = time.Now()
	cfg.rpcs0 = cfg.net.GetTotalCount()
	atomic.StoreInt32(&cfg.ops, 0)
}

// op counts one clerk request for end().
func (cfg *config) op() {
	atomic.AddInt32(&cfg.ops, 1)
}

// end prints the Passed line of a part that has not failed: seconds,
// servers, RPCs (clerks' included), clerk requests.
func (cfg *config) end() {
	cfg.checkTimeout()
	if cfg.t.Failed() {
		return
	}
	secs := time.Since(cfg.t0).Seconds()
	nrpc := cfg.net.GetTotalCount() - cfg.rpcs0
	fmt.Printf("  ... Passed --  %4.1f  %d %5d %4d%s\n", secs, cfg.n, nrpc, atomic.LoadInt32(&cfg.ops), virtualMark())
}
