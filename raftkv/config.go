package raftkv

// The KV tester: a simulated network of KVServers, each with its
// Raft peer registered on the same labrpc server, clerks with shuffled ends,
// partitions, crash-restart from a copy of the persister, and a history of
// every clerk operation checked for linearizability at the end of each test.

import (
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/linearizability"
	"miniraftkv/raft"
)

// testLimit is the longest a KV test may run, linearizability check included.
const testLimit = 120 * time.Second

// electionTimeout is the tester's idea of how long an election may take.
const electionTimeout = 1 * time.Second

// linearizabilityTimeout bounds each history check; running out is a failure.
const linearizabilityTimeout = 60 * time.Second

// randstring returns a random end name of n characters.
func randstring(n int) string {
	b := make([]byte, 2*n)
	if _, err := crand.Read(b); err != nil {
		panic(err)
	}
	return base64.URLEncoding.EncodeToString(b)[:n]
}

// shuffled returns the ends in random order.
func shuffled(kvh []*labrpc.ClientEnd) []*labrpc.ClientEnd {
	sa := make([]*labrpc.ClientEnd, len(kvh))
	copy(sa, kvh)
	rand.Shuffle(len(sa), func(i, j int) { sa[i], sa[j] = sa[j], sa[i] })
	return sa
}

// config is one test's deployment: n KVServers on a simulated network, the
// clerks made for the test, and the history of their operations.
type config struct {
	mu           sync.Mutex // protects kvservers, saved, endnames, clerks
	t            *testing.T
	net          *labrpc.Network
	n            int
	kvservers    []*KVServer
	saved        []*raft.Persister
	endnames     [][]string          // endnames[i][j]: server i's end to server j
	clerks       map[*Clerk][]string // a clerk's end names, indexed by server
	maxraftstate int
	start        time.Time // make_config time, for the 120 s limit
	watchdog     *time.Timer
	history      *linearizability.KvRecorder
	// serverTweak, if set, is applied to every KVServer before it joins the
	// network (white-box tests use it to change the server's timing knobs).
	serverTweak func(kv *KVServer)

	// Counters for the Passed line, reset by begin.
	title string
	t0    time.Time
	rpcs0 int   // labrpc's total count at begin
	ops   int32 // clerk operations since begin
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

// virtualMark is the end of the Passed line: empty in real time; in virtual
// time it says what the run could not check. CPU time is free there, so a
// speed test measures only the protocol's waits (timers, round trips), and
// the history check's time limit never runs out.
func (cfg *config) virtualMark() string {
	switch {
	case !virtualTime.on:
		return ""
	case strings.Contains(cfg.title, "fast enough"):
		return "  (virtual time: counts the protocol's waits, not CPU time)"
	}
	return "  (virtual time: history check not time-limited)"
}

// make_config starts n connected servers with the given snapshot threshold
// on a network that is unreliable if asked, and arms the 120 s watchdog.
func make_config(t *testing.T, n int, unreliable bool, maxraftstate int) *config {
	if runtime.NumCPU() < 2 {
		fmt.Printf("warning: only one CPU, which may conceal locking bugs\n")
	}
	if !virtualTime.on {
		// Virtual time leaves GOMAXPROCS to the run (GOMAXPROCS=1 for a
		// closer replay of a seed).
		runtime.GOMAXPROCS(4)
	}
	cfg := &config{
		t:            t,
		net:          labrpc.MakeNetwork(),
		n:            n,
		kvservers:    make([]*KVServer, n),
		saved:        make([]*raft.Persister, n),
		endnames:     make([][]string, n),
		clerks:       make(map[*Clerk][]string),
		maxraftstate: maxraftstate,
		start:        time.Now(),
		history:      linearizability.NewKvRecorder(),
	}
	name := t.Name()
	cfg.watchdog = time.AfterFunc(testLimit, func() {
		panic(fmt.Sprintf("raftkv tester: %s ran longer than %v", name, testLimit))
	})
	if virtualTime.on {
		cfg.net.Seed(uint64(virtualTime.seed))
	}
	for i := 0; i < cfg.n; i++ {
		cfg.StartServer(i)
	}
	cfg.ConnectAll()
	cfg.net.Reliable(!unreliable)
	if unreliable {
		cfg.history.Begin("network", "unreliable", "unreliable network",
			"requests and replies are delayed and dropped for the whole test", "#c9a100")
	}
	cfg.net.LongDelays(false) // clerks must move on from a dead server quickly
	return cfg
}

// checkTimeout fails a test that has run longer than testLimit. (A test that
// hangs is stopped by the watchdog set in make_config.)
func (cfg *config) checkTimeout() {
	if !cfg.t.Failed() && time.Since(cfg.start) > testLimit {
		cfg.t.Fatalf("test took longer than %v", testLimit)
	}
}

func (cfg *config) cleanup() {
	cfg.watchdog.Stop()
	cfg.mu.Lock()
	servers := append([]*KVServer(nil), cfg.kvservers...)
	cfg.mu.Unlock()
	for _, kv := range servers {
		if kv != nil {
			kv.Kill()
		}
	}
	cfg.net.Cleanup()
	cfg.checkTimeout()
}

// LogSize is the largest Raft state size of any server.
func (cfg *config) LogSize() int {
	return cfg.largestSaved((*raft.Persister).RaftStateSize)
}

// SnapshotSize is the largest snapshot of any server.
func (cfg *config) SnapshotSize() int {
	return cfg.largestSaved((*raft.Persister).SnapshotSize)
}

// largestSaved is the largest size(p) of the servers' persisters p.
func (cfg *config) largestSaved(size func(p *raft.Persister) int) int {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	largest := 0
	for _, p := range cfg.saved[:cfg.n] {
		largest = max(largest, size(p))
	}
	return largest
}

// testerStart is the origin of the tester's event lines. Like the peers'
// debug clock it starts with the test binary, so the two line up.
var testerStart = time.Now()

// testerMillis returns the milliseconds of an event line: since the test
// binary started, or, in virtual time, since the test started (the clock of
// a testing/synctest bubble reads midnight UTC 2000-01-01 as each test
// starts, the origin the peers' debug lines then use too).
func testerMillis() int64 {
	if now := time.Now().Round(0); now.Before(testerStart.Round(0)) {
		return now.Sub(time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)).Milliseconds()
	}
	return time.Since(testerStart).Milliseconds()
}

// testerEvent prints, when KV_DEBUG or RAFT_DEBUG is set, one line saying
// what the tester did to server i, in the debug line layout with role
// "tester" and topic TEST, so that cmd/raftlog shows it in the server's
// column. It reads the variables at each call, from inside a test, so go
// test's cache keys on them.
func testerEvent(i int, format string, args ...interface{}) {
	on := func(v string) bool { return v != "" && v != "0" }
	if !on(os.Getenv("KV_DEBUG")) && !on(os.Getenv("RAFT_DEBUG")) {
		return
	}
	fmt.Fprintf(os.Stderr, "%06d S%d T- %-9s %-5s %s\n", testerMillis(), i, "tester", "TEST",
		fmt.Sprintf(format, args...))
}

// connectUnlocked enables the links in both directions between server i and
// each server in to. Caller holds cfg.mu.
func (cfg *config) connectUnlocked(i int, to []int) {
	for j := 0; j < len(to); j++ { // outgoing ClientEnds
		cfg.net.Enable(cfg.endnames[i][to[j]], true)
	}
	for j := 0; j < len(to); j++ { // incoming ClientEnds
		cfg.net.Enable(cfg.endnames[to[j]][i], true)
	}
}

// disconnectUnlocked disables the links in both directions between server i
// and each server in from. Caller holds cfg.mu.
func (cfg *config) disconnectUnlocked(i int, from []int) {
	for j := 0; j < len(from); j++ { // outgoing ClientEnds
		if cfg.endnames[i] != nil {
			cfg.net.Enable(cfg.endnames[i][from[j]], false)
		}
	}
	for j := 0; j < len(from); j++ { // incoming ClientEnds
		if cfg.endnames[from[j]] != nil {
			cfg.net.Enable(cfg.endnames[from[j]][i], false)
		}
	}
}

func (cfg *config) All() []int {
	all := make([]int, cfg.n)
	for i := 0; i < cfg.n; i++ {
		all[i] = i
	}
	return all
}

func (cfg *config) ConnectAll() {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	for i := 0; i < cfg.n; i++ {
		cfg.connectUnlocked(i, cfg.All())
		testerEvent(i, "connected to every server")
		cfg.history.End(fmt.Sprintf("S%d partitioned", i))
	}
}

// partition connects the servers within p1 and within p2 and cuts every link
// between the two groups. Clerk links are left alone.
func (cfg *config) partition(p1 []int, p2 []int) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	for i := 0; i < len(p1); i++ {
		cfg.disconnectUnlocked(p1[i], p2)
		cfg.connectUnlocked(p1[i], p1)
	}
	for i := 0; i < len(p2); i++ {
		cfg.disconnectUnlocked(p2[i], p1)
		cfg.connectUnlocked(p2[i], p2)
	}
	for _, i := range p1 {
		testerEvent(i, "partitioned: with %v, cut off from %v", p1, p2)
	}
	for _, i := range p2 {
		testerEvent(i, "partitioned: with %v, cut off from %v", p2, p1)
	}
	cfg.annotatePartition(p1, p2)
}

// annotatePartition marks on the timeline the servers of the smaller side
// of a partition (p2 if the sides are equal) as cut off, and ends the marks
// of an earlier partition.
func (cfg *config) annotatePartition(p1, p2 []int) {
	for i := 0; i < cfg.n; i++ {
		cfg.history.End(fmt.Sprintf("S%d partitioned", i))
	}
	minority := p2
	if len(p1) < len(p2) {
		minority = p1
	}
	if len(p1) == 0 || len(p2) == 0 {
		return
	}
	for _, i := range minority {
		cfg.history.Begin(fmt.Sprintf("S%d", i), fmt.Sprintf("S%d partitioned", i), "partitioned (minority)",
			fmt.Sprintf("partition %v | %v", p1, p2), "#e67e22")
	}
}

// makeClient returns a Clerk with ends of its own to every server, in random
// order; only the ends to the servers in to are enabled.
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

	ck := MakeClerk(shuffled(ends))
	cfg.clerks[ck] = endnames
	cfg.enableClientUnlocked(ck, to, true)
	return ck
}

func (cfg *config) deleteClient(ck *Clerk) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	for _, name := range cfg.clerks[ck] {
		cfg.net.Enable(name, false)
	}
	delete(cfg.clerks, ck)
}

// enableClientUnlocked enables or disables ck's ends to the servers in
// which. Caller holds cfg.mu.
func (cfg *config) enableClientUnlocked(ck *Clerk, which []int, enabled bool) {
	endnames := cfg.clerks[ck]
	for _, i := range which {
		cfg.net.Enable(endnames[i], enabled)
	}
}

func (cfg *config) ConnectClient(ck *Clerk, to []int) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	cfg.enableClientUnlocked(ck, to, true)
}

func (cfg *config) DisconnectClient(ck *Clerk, from []int) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	cfg.enableClientUnlocked(ck, from, false)
}

// ShutdownServer crashes server i: it cuts its links, removes it from the
// network (so no reply of the dying instance reaches a clerk), keeps a copy of
// its persister for the next instance (so the dying instance's late writes go
// to a persister nobody reads), and kills it.
func (cfg *config) ShutdownServer(i int) {
	cfg.mu.Lock()
	cfg.disconnectUnlocked(i, cfg.All())
	// Deleting before copying matters: a reply sent after the copy would
	// acknowledge a write the next instance never sees.
	cfg.net.DeleteServer(i)
	if cfg.saved[i] != nil {
		cfg.saved[i] = cfg.saved[i].Copy()
	}
	kv := cfg.kvservers[i]
	cfg.kvservers[i] = nil
	cfg.mu.Unlock()
	if kv != nil {
		kv.Kill()
		testerEvent(i, "crashed (its persisted state is kept)")
		cfg.history.Begin(fmt.Sprintf("S%d", i), fmt.Sprintf("S%d down", i), "down",
			"crashed; restarted later from its persisted state, if at all", "#8e44ad")
	}
}

// StartServer starts a new instance of server i (ShutdownServer it first if
// it is running) from a copy of its last persisted state, with fresh outgoing
// ends (left disabled: connect it afterwards), and registers both its KVServer
// and its Raft peer on one labrpc server.
func (cfg *config) StartServer(i int) {
	cfg.mu.Lock()
	cfg.endnames[i] = make([]string, cfg.n)
	ends := make([]*labrpc.ClientEnd, cfg.n)
	for j := 0; j < cfg.n; j++ {
		cfg.endnames[i][j] = randstring(20)
		ends[j] = cfg.net.MakeEnd(cfg.endnames[i][j])
		cfg.net.Connect(cfg.endnames[i][j], j)
	}
	restart := cfg.saved[i] != nil
	if cfg.saved[i] != nil {
		cfg.saved[i] = cfg.saved[i].Copy()
	} else {
		cfg.saved[i] = raft.MakePersister()
	}
	persister := cfg.saved[i]
	cfg.mu.Unlock()

	kv := StartKVServer(ends, i, persister, cfg.maxraftstate)
	if cfg.serverTweak != nil {
		cfg.serverTweak(kv)
	}

	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(kv))
	srv.AddService(labrpc.MakeService(kv.rf))
	cfg.mu.Lock()
	cfg.kvservers[i] = kv
	cfg.mu.Unlock()
	cfg.net.AddServer(i, srv)
	cfg.history.End(fmt.Sprintf("S%d down", i))
	testerEvent(i, map[bool]string{false: "started (not yet connected)",
		true: "restarted from its persisted state (not yet connected)"}[restart])
}

// Leader returns a server that believes it leads in the highest term any
// running server has, or ok == false if none does.
func (cfg *config) Leader() (bool, int) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	best, bestTerm := -1, -1
	for i := 0; i < cfg.n; i++ {
		if cfg.kvservers[i] == nil {
			continue
		}
		term, isLeader := cfg.kvservers[i].rf.GetState()
		if isLeader && term > bestTerm {
			best, bestTerm = i, term
		}
	}
	return best >= 0, best
}

// make_partition returns a majority p1 and a minority p2 that contains the
// current leader (any server if none leads).
func (cfg *config) make_partition() ([]int, []int) {
	_, l := cfg.Leader()
	if l < 0 {
		l = rand.Intn(cfg.n)
	}
	p1 := make([]int, 0, cfg.n/2+1)
	p2 := make([]int, 0, cfg.n/2)
	for i := 0; i < cfg.n; i++ {
		if i == l {
			continue
		}
		if len(p1) < cfg.n/2+1 {
			p1 = append(p1, i)
		} else {
			p2 = append(p2, i)
		}
	}
	p2 = append(p2, l)
	return p1, p2
}

// random_partition returns a majority p1 and a random minority p2 (1 to
// (n-1)/2 servers) that contains the current leader, so that every
// re-partition forces a leader change with stale-leader requests in flight.
func (cfg *config) random_partition() ([]int, []int) {
	_, l := cfg.Leader()
	if l < 0 {
		l = rand.Intn(cfg.n)
	}
	others := make([]int, 0, cfg.n-1)
	for _, i := range rand.Perm(cfg.n) {
		if i != l {
			others = append(others, i)
		}
	}
	nminority := 1 + rand.Intn((cfg.n-1)/2)
	p2 := append([]int{l}, others[:nminority-1]...)
	p1 := others[nminority-1:]
	return p1, p2
}

func (cfg *config) rpcTotal() int {
	return cfg.net.GetTotalCount()
}

// begin prints the title of a test (or of one part of it) and starts its
// time, RPC and operation counters.
func (cfg *config) begin(description string) {
	fmt.Printf("%s ...\n", description)
	cfg.title = description
	cfg.t0 = time.Now()
	cfg.rpcs0 = cfg.rpcTotal()
	atomic.StoreInt32(&cfg.ops, 0)
}

func (cfg *config) op() {
	atomic.AddInt32(&cfg.ops, 1)
}

// end finishes a test (or part) that has not failed so far: it checks the
// history recorded since make_config for linearizability and prints the
// Passed line: seconds, servers, RPCs (clerks' included), clerk operations.
func (cfg *config) end() {
	cfg.checkTimeout()
	if cfg.t.Failed() {
		return
	}
	cfg.checkHistory()
	cfg.checkTimeout()
	if cfg.t.Failed() {
		return
	}
	secs := time.Since(cfg.t0).Seconds()
	nrpc := cfg.rpcTotal() - cfg.rpcs0
	ops := atomic.LoadInt32(&cfg.ops)
	fmt.Printf("  ... Passed --  %4.1f  %d %5d %4d%s\n", secs, cfg.n, nrpc, ops, cfg.virtualMark())
}

// Get, Put and Append run a clerk operation for client cli, recording it in
// the test's history and counting it for end().

func (cfg *config) Get(ck *Clerk, key string, cli int) string {
	id := cfg.history.Call(cli, linearizability.KvInput{Op: linearizability.KvGet, Key: key})
	v := ck.Get(key)
	cfg.history.Return(id, v)
	cfg.op()
	return v
}

func (cfg *config) Put(ck *Clerk, key string, value string, cli int) {
	id := cfg.history.Call(cli, linearizability.KvInput{Op: linearizability.KvPut, Key: key, Value: value})
	ck.Put(key, value)
	cfg.history.Return(id, "")
	cfg.op()
}

func (cfg *config) Append(ck *Clerk, key string, value string, cli int) {
	id := cfg.history.Call(cli, linearizability.KvInput{Op: linearizability.KvAppend, Key: key, Value: value})
	ck.Append(key, value)
	cfg.history.Return(id, "")
	cfg.op()
}

// checkHistory checks every clerk operation recorded so far. An Illegal
// history is written as an HTML timeline whose path is printed; a check
// that runs out of time is a failure of its own.
func (cfg *config) checkHistory() {
	cfg.t.Helper()
	ops := cfg.history.Operations()
	t0 := time.Now()
	model := linearizability.KvHistoryModel(ops)
	res, info := linearizability.CheckOperationsVerbose(model, ops, linearizabilityTimeout)
	took := time.Since(t0)
	cfg.t.Logf("linearizability check: %d operations, %v, %v", len(ops), res, took)
	switch res {
	case linearizability.Ok:
		return
	case linearizability.Unknown:
		if err := info.Err(); err != nil {
			cfg.t.Fatalf("linearizability check gave no verdict on %d operations: %v", len(ops), err)
		}
		cfg.t.Fatalf("linearizability check timed out after %v: no verdict on %d operations (this is a failure, not a pass)",
			took, len(ops))
	default:
		cfg.t.Fatalf("history is not linearizable (%d operations); timeline: %s", len(ops),
			writeTimeline(cfg.t.Name(), model, info, cfg.history.Annotations()))
	}
}

// timelineDirEnv names the environment variable that chooses the folder of
// the timelines of failed checks (cmd/stress sets it to its -out folder, so
// they end up beside the run logs); unset, they go to the OS temp folder.
const timelineDirEnv = "KV_TIMELINE_DIR"

// writeTimeline renders info as HTML in a new file named after the test, with
// the tester's faults drawn as annotations, and returns its path.
func writeTimeline(test string, model linearizability.Model, info linearizability.LinearizationInfo,
	faults []linearizability.Annotation) string {
	dir := os.Getenv(timelineDirEnv)
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Sprintf("(could not create %s=%s: %v)", timelineDirEnv, dir, err)
		}
	}
	f, err := os.CreateTemp(dir, strings.ReplaceAll(test, "/", "_")+"-timeline-*.html")
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
