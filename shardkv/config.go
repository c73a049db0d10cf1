package shardkv

// The sharded KV tester: one labrpc network holding the controller's
// replicas and ngroups replica groups (gids 100, 101, ...) of n servers,
// all addressed by name; servers restart from a copy of their persister;
// the tester joins and leaves groups through its own controller clerk.
// Every clerk operation made through the tester is recorded and the
// history is checked for linearizability at the end of each test part,
// with the tester's faults drawn on the timeline of a failed check.

import (
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/linearizability"
	"miniraftkv/raft"
	"miniraftkv/shardctrler"
)

// testLimit is the longest a sharded KV test may run.
const testLimit = 120 * time.Second

// linearizabilityTimeout bounds each history check; running out is a failure.
const linearizabilityTimeout = 60 * time.Second

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

// group is one replica group: its servers, their persisters and the names
// of their ends (to cut them at shutdown).
type group struct {
	gid       int
	servers   []*ShardKV
	saved     []*raft.Persister
	endnames  [][]string // each server's ends to its group's servers
	mendnames [][]string // each server's ends to the controllers
}

// config is one test's deployment.
type config struct {
	mu    sync.Mutex // protects the servers, persisters and names below
	t     *testing.T
	net   *labrpc.Network
	start time.Time

	nctrlers      int
	ctrlerservers []*shardctrler.ShardCtrler
	mck           *shardctrler.Clerk

	ngroups      int
	n            int // servers per group
	groups       []*group
	maxraftstate int

	history *linearizability.KvRecorder
	nextCli int32

	title string    // the part's title, from begin()
	t0    time.Time // time at begin()
	rpcs0 int       // RPCs at begin()
	ops   int32     // clerk operations since begin()
}

func (cfg *config) checkTimeout() {
	if !cfg.t.Failed() && time.Since(cfg.start) > testLimit {
		cfg.t.Fatal("test took longer than 120 seconds")
	}
}

func (cfg *config) cleanup() {
	for gi := 0; gi < cfg.ngroups; gi++ {
		cfg.ShutdownGroup(gi)
	}
	cfg.mu.Lock()
	for _, sc := range cfg.ctrlerservers {
		sc.Kill()
	}
	cfg.mu.Unlock()
	cfg.net.Cleanup()
	cfg.checkTimeout()
}

// checklogs fails the test if a server's Raft state exceeds 8 x
// maxraftstate, or if a server saved a snapshot with snapshots off.
func (cfg *config) checklogs() {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	for gi := 0; gi < cfg.ngroups; gi++ {
		for i := 0; i < cfg.n; i++ {
			raft := cfg.groups[gi].saved[i].RaftStateSize()
			snap := len(cfg.groups[gi].saved[i].ReadSnapshot())
			if cfg.maxraftstate >= 0 && raft > 8*cfg.maxraftstate {
				cfg.t.Fatalf("persister.RaftStateSize() %v, but maxraftstate %v", raft, cfg.maxraftstate)
			}
			if cfg.maxraftstate < 0 && snap > 0 {
				cfg.t.Fatalf("maxraftstate is -1, but snapshot is non-empty!")
			}
		}
	}
}

// totalStateSize is the Raft state plus snapshot of every server, in bytes.
func (cfg *config) totalStateSize() int {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	total := 0
	for _, g := range cfg.groups {
		for _, p := range g.saved {
			total += p.RaftStateSize() + p.SnapshotSize()
		}
	}
	return total
}

func (cfg *config) ctrlername(i int) string {
	return "ctrler" + strconv.Itoa(i)
}

func (cfg *config) servername(gid int, i int) string {
	return "server-" + strconv.Itoa(gid) + "-" + strconv.Itoa(i)
}

// makeClient returns a clerk with fresh, shuffled ends to the controllers;
// it reaches group servers through ends it makes by name.
func (cfg *config) makeClient() *Clerk {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	return MakeClerk(random_handles(cfg.ctrlerEnds()), cfg.makeEnd)
}

// makeEnd returns a new, enabled end to the server named servername.
func (cfg *config) makeEnd(servername string) *labrpc.ClientEnd {
	ends, _ := cfg.endsTo(1, func(int) string { return servername })
	return ends[0]
}

// ctrlerEnds returns new, enabled ends to every controller replica.
func (cfg *config) ctrlerEnds() []*labrpc.ClientEnd {
	ends, _ := cfg.endsTo(cfg.nctrlers, cfg.ctrlername)
	return ends
}

// endsTo returns n new, enabled ends, the j-th to the server named
// server(j), and their names.
func (cfg *config) endsTo(n int, server func(j int) string) ([]*labrpc.ClientEnd, []string) {
	ends := make([]*labrpc.ClientEnd, n)
	names := make([]string, n)
	for j := range ends {
		names[j] = randstring(20)
		ends[j] = cfg.net.MakeEnd(names[j])
		cfg.net.Connect(names[j], server(j))
		cfg.net.Enable(names[j], true)
	}
	return ends, names
}

// ShutdownServer crashes server i of group gi: its ends are cut, it leaves
// the network, and a copy of its persister is kept for the next instance.
func (cfg *config) ShutdownServer(gi int, i int) {
	cfg.mu.Lock()
	gg := cfg.groups[gi]
	for j := 0; j < cfg.n; j++ {
		cfg.net.Enable(gg.endnames[i][j], false)
	}
	for j := 0; j < cfg.nctrlers; j++ {
		cfg.net.Enable(gg.mendnames[i][j], false)
	}
	cfg.net.DeleteServer(cfg.servername(gg.gid, i))
	gg.saved[i] = gg.saved[i].Copy()
	kv := gg.servers[i]
	gg.servers[i] = nil
	cfg.mu.Unlock()
	if kv != nil {
		kv.Kill()
		cfg.history.Begin(fmt.Sprintf("G%d", gg.gid), cfg.servername(gg.gid, i), fmt.Sprintf("S%d down", i),
			"crashed; restarted later from its persisted state, if at all", "#8e44ad")
	}
}

// StartServer starts a new instance of server i of group gi from a copy of
// its persisted state.
func (cfg *config) StartServer(gi int, i int) {
	cfg.mu.Lock()
	gg := cfg.groups[gi]
	var ends, mends []*labrpc.ClientEnd
	ends, gg.endnames[i] = cfg.endsTo(cfg.n, func(j int) string { return cfg.servername(gg.gid, j) })
	mends, gg.mendnames[i] = cfg.endsTo(cfg.nctrlers, cfg.ctrlername)
	if gg.saved[i] != nil {
		gg.saved[i] = gg.saved[i].Copy()
	} else {
		gg.saved[i] = raft.MakePersister()
	}
	persister := gg.saved[i]
	cfg.mu.Unlock()

	kv := StartServer(ends, i, persister, cfg.maxraftstate, gg.gid, mends, cfg.makeEnd)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(kv))
	srv.AddService(labrpc.MakeService(kv.rf))
	cfg.mu.Lock()
	gg.servers[i] = kv
	cfg.mu.Unlock()
	cfg.net.AddServer(cfg.servername(gg.gid, i), srv)
	cfg.history.End(cfg.servername(gg.gid, i))
}

func (cfg *config) StartGroup(gi int) {
	for i := 0; i < cfg.n; i++ {
		cfg.StartServer(gi, i)
	}
}

func (cfg *config) ShutdownGroup(gi int) {
	for i := 0; i < cfg.n; i++ {
		cfg.ShutdownServer(gi, i)
	}
}

// StartCtrlerserver starts controller replica i.
func (cfg *config) StartCtrlerserver(i int) {
	sc := shardctrler.StartServer(cfg.ctrlerEnds(), i, raft.MakePersister())
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(sc))
	srv.AddService(labrpc.MakeService(sc.Raft()))
	cfg.mu.Lock()
	cfg.ctrlerservers[i] = sc
	cfg.mu.Unlock()
	cfg.net.AddServer(cfg.ctrlername(i), srv)
}

func (cfg *config) shardclerk() *shardctrler.Clerk {
	return shardctrler.MakeClerk(cfg.ctrlerEnds())
}

// groupServers lists the server names of group gi.
func (cfg *config) groupServers(gi int) []string {
	names := make([]string, cfg.n)
	for i := range names {
		names[i] = cfg.servername(cfg.groups[gi].gid, i)
	}
	return names
}

// join tells the controller that group gi joins.
func (cfg *config) join(gi int) {
	cfg.joinm([]int{gi})
}

// configColor marks a change of configuration on the timeline.
const configColor = "#2980b9"

func (cfg *config) joinm(gis []int) {
	m := make(map[int][]string, len(gis))
	var gids []string
	for _, gi := range gis {
		m[cfg.groups[gi].gid] = cfg.groupServers(gi)
		gids = append(gids, strconv.Itoa(cfg.groups[gi].gid))
	}
	cfg.mck.Join(m)
	cfg.history.Mark("join "+strings.Join(gids, ","), configColor)
	latest := cfg.mck.Query(-1)
	for gid := range m {
		if _, ok := latest.Groups[gid]; !ok {
			cfg.t.Fatalf("the controller's latest config (%d) lacks group %d right after it joined; "+
				"the shard controller (4A) must work before 4B", latest.Num, gid)
		}
	}
}

// leave tells the controller that group gi leaves.
func (cfg *config) leave(gi int) {
	cfg.leavem([]int{gi})
}

func (cfg *config) leavem(gis []int) {
	gids := make([]int, 0, len(gis))
	var names []string
	for _, gi := range gis {
		gids = append(gids, cfg.groups[gi].gid)
		names = append(names, strconv.Itoa(cfg.groups[gi].gid))
	}
	cfg.mck.Leave(gids)
	cfg.history.Mark("leave "+strings.Join(names, ","), configColor)
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

// timeBudgetTitles are the parts that check something finished (or did not)
// within a time limit: with one group down, the shards still served answer
// within 2 s and the others do not; the unaffected and partly migrated
// shards are served within 1 and 2 s.
var timeBudgetTitles = []string{"static shards", "(challenge 2)"}

// virtualMark is the end of the Passed line: empty in real time; in virtual
// time it says what the run could not check. CPU time is free there, so a
// part with a time limit measures only the protocol's waits (timers, round
// trips), and the history check's time limit never runs out.
func (cfg *config) virtualMark() string {
	if !virtualTime.on {
		return ""
	}
	for _, title := range timeBudgetTitles {
		if strings.Contains(cfg.title, title) {
			return "  (virtual time: counts the protocol's waits, not CPU time)"
		}
	}
	return "  (virtual time: history check not time-limited)"
}

func make_config(t *testing.T, n int, unreliable bool, maxraftstate int) *config {
	if !virtualTime.on {
		// Virtual time leaves GOMAXPROCS to the run (GOMAXPROCS=1 for a
		// closer replay of a seed).
		runtime.GOMAXPROCS(4)
	}
	cfg := &config{
		t:            t,
		net:          labrpc.MakeNetwork(),
		start:        time.Now(),
		maxraftstate: maxraftstate,
		history:      linearizability.NewKvRecorder(),
		nctrlers:     3,
		ngroups:      3,
		n:            n,
	}
	if virtualTime.on {
		cfg.net.Seed(uint64(virtualTime.seed))
	}
	cfg.ctrlerservers = make([]*shardctrler.ShardCtrler, cfg.nctrlers)
	for i := 0; i < cfg.nctrlers; i++ {
		cfg.StartCtrlerserver(i)
	}
	cfg.mck = cfg.shardclerk()
	cfg.groups = make([]*group, cfg.ngroups)
	for gi := 0; gi < cfg.ngroups; gi++ {
		cfg.groups[gi] = &group{
			gid:       gi + 100,
			servers:   make([]*ShardKV, n),
			saved:     make([]*raft.Persister, n),
			endnames:  make([][]string, n),
			mendnames: make([][]string, n),
		}
		cfg.StartGroup(gi)
	}
	cfg.net.Reliable(!unreliable)
	return cfg
}

// begin prints the title of a test part and starts its counters.
func (cfg *config) begin(description string) {
	fmt.Printf("%s ...\n", description)
	cfg.title = description
	cfg.t0 = time.Now()
	cfg.rpcs0 = cfg.net.GetTotalCount()
	atomic.StoreInt32(&cfg.ops, 0)
}

// end checks the history recorded so far and prints the Passed line of a
// part that has not failed: seconds, servers per group, RPCs (clerks'
// included), clerk operations.
func (cfg *config) end() {
	cfg.checkTimeout()
	if cfg.t.Failed() {
		return
	}
	cfg.checkHistory()
	if cfg.t.Failed() {
		return
	}
	secs := time.Since(cfg.t0).Seconds()
	nrpc := cfg.net.GetTotalCount() - cfg.rpcs0
	fmt.Printf("  ... Passed --  %4.1f  %d %5d %4d%s\n", secs, cfg.n, nrpc, atomic.LoadInt32(&cfg.ops), cfg.virtualMark())
}

// newClientId numbers a client of the history.
func (cfg *config) newClientId() int {
	return int(atomic.AddInt32(&cfg.nextCli, 1))
}

// Get, Put and Append run a clerk operation for history client cli,
// recording it for the linearizability check and counting it.

func (cfg *config) Get(ck *Clerk, key string, cli int) string {
	id := cfg.history.Call(cli, linearizability.KvInput{Op: linearizability.KvGet, Key: key})
	v := ck.Get(key)
	cfg.history.Return(id, v)
	atomic.AddInt32(&cfg.ops, 1)
	return v
}

func (cfg *config) Put(ck *Clerk, key string, value string, cli int) {
	id := cfg.history.Call(cli, linearizability.KvInput{Op: linearizability.KvPut, Key: key, Value: value})
	ck.Put(key, value)
	cfg.history.Return(id, "")
	atomic.AddInt32(&cfg.ops, 1)
}

func (cfg *config) Append(ck *Clerk, key string, value string, cli int) {
	id := cfg.history.Call(cli, linearizability.KvInput{Op: linearizability.KvAppend, Key: key, Value: value})
	ck.Append(key, value)
	cfg.history.Return(id, "")
	atomic.AddInt32(&cfg.ops, 1)
}

// checkHistory checks every clerk operation recorded so far. An Illegal
// history is written as an HTML timeline whose path is printed; a check
// that runs out of time is a failure of its own.
func (cfg *config) checkHistory() {
	cfg.t.Helper()
	ops := cfg.history.Operations()
	model := linearizability.KvModel()
	res, info := linearizability.CheckOperationsVerbose(model, ops, linearizabilityTimeout)
	switch res {
	case linearizability.Ok:
	case linearizability.Unknown:
		cfg.t.Fatalf("linearizability check gave no verdict on %d operations (a failure, not a pass): %v",
			len(ops), info.Err())
	default:
		cfg.t.Fatalf("history is not linearizable (%d operations); timeline: %s", len(ops),
			writeTimeline(cfg.t.Name(), model, info, cfg.history.Annotations()))
	}
}

// writeTimeline renders info as HTML in a new temporary file named after
// the test, with the tester's faults drawn as annotations, and returns its
// path.
func writeTimeline(test string, model linearizability.Model, info linearizability.LinearizationInfo,
	faults []linearizability.Annotation) string {
	f, err := os.CreateTemp("", strings.ReplaceAll(test, "/", "_")+"-timeline-*.html")
	if err != nil {
		return fmt.Sprintf("(could not create file: %v)", err)
	}
	defer f.Close()
	opts := linearizability.VisualizeOptions{Annotations: faults, TimeUnit: time.Nanosecond}
	if err := linearizability.VisualizeWithOptions(model, info, opts, f); err != nil {
		return fmt.Sprintf("(could not write %s: %v)", f.Name(), err)
	}
	return f.Name()
}
