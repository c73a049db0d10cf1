package raft

// The Raft tester's harness: it builds a cluster of Raft peers on a simulated
// labrpc network, crashes, restarts, partitions and heals them, watches every
// ApplyMsg they deliver, and offers the checks test_test.go is written with.
// It lives in package raft (not in a _test.go file) as in the 6.824 lab, so
// that test files and tools built on the same harness can share it.

import (
	"bytes"
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"log"
	"math/rand"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
)

// RaftElectionTimeout is the time the tests allow for an election: they wait
// about this long (or a multiple) before expecting a leader, or no leader.
// Peers should elect a new leader well within it.
const RaftElectionTimeout = 1000 * time.Millisecond

// SnapShotInterval is how often (in applied entries) the snapshotting applier
// asks its peer to take a snapshot: after indices 9, 19, 29, ...
const SnapShotInterval = 10

// testTimeLimit is the real-time budget of one test, from make_config to
// cleanup.
const testTimeLimit = 120 * time.Second

// watchdogGrace is how long after testTimeLimit a test that is still running
// (a deadlocked Raft, a Start or Kill that never returns) is stopped by the
// watchdog, which prints every goroutine's stack and exits.
const watchdogGrace = 10 * time.Second

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

// testerEvent prints, when RAFT_DEBUG is set, one line saying what the
// tester did to peer i, in the debug line layout with role "tester" and
// topic TEST, so that cmd/raftlog shows it in the peer's column. It reads
// the variable at each call, from inside a test, so go test's cache keys on
// it.
func testerEvent(i int, what string) {
	if v := os.Getenv("RAFT_DEBUG"); v == "" || v == "0" {
		return
	}
	fmt.Fprintf(os.Stderr, "%06d S%d T- %-9s %-5s %s\n", testerMillis(), i, "tester", "TEST", what)
}

// randstring returns n random URL-safe base64 characters.
func randstring(n int) string {
	b := make([]byte, 2*n)
	if _, err := crand.Read(b); err != nil {
		log.Fatalf("randstring: %v", err)
	}
	return base64.URLEncoding.EncodeToString(b)[:n]
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

// setupOnce warns about a single CPU, once per process. (The 6.824 tester
// also seeded math/rand here; since Go 1.20 its global source is seeded
// randomly at start-up, and rand.Seed is deprecated.)
var setupOnce sync.Once

// config is one test's cluster. The test goroutine is the only one that
// starts, crashes, connects or disconnects peers; appliers and client
// goroutines only read what they need under mu.
type config struct {
	mu        sync.Mutex // protects every field from rafts to maxIndex
	rafts     []*Raft    // nil while a peer is crashed
	connected []bool     // whether each peer is on the network
	saved     []*Persister
	endnames  [][]string // endnames[i][j]: the end peer i uses to reach peer j
	// logs[i] holds every command peer i has applied (index -> command),
	// kept across restarts; a snapshot replaces it with the snapshot's log.
	logs []map[int]interface{}
	// lastApplied[i] is the last index applied by the current instance of
	// peer i (the snapshot's index right after a restart from a snapshot).
	lastApplied []int
	// generation[i] changes whenever peer i is crashed or started, so the
	// applier of a killed instance stops updating the state above.
	generation []int
	maxIndex   int // highest index any peer has applied
	// leaderOf[term] is the peer seen claiming leadership in term: Election
	// Safety (Figure 3) allows at most one per term, ever.
	leaderOf map[int]int

	t         *testing.T
	finished  int32 // set by cleanup; tells one() and clients to stop
	net       *labrpc.Network
	n         int
	snapshot  bool // use the snapshotting applier (2D)
	start     time.Time
	watchdog  *time.Timer
	stopWatch chan struct{} // closed by cleanup; stops watchLeaders and the appliers
	title     string
	t0        time.Time // begin() statistics
	rpcs0     int
	bytes0    int64
	maxIndex0 int
}

// make_config builds a cluster of n connected peers. unreliable makes the
// network lose and delay messages; snapshot selects the applier that takes a
// snapshot every SnapShotInterval entries (the 2D tests).
func make_config(t *testing.T, n int, unreliable bool, snapshot bool) *config {
	setupOnce.Do(func() {
		if runtime.NumCPU() < 2 {
			fmt.Printf("warning: only one CPU, which may conceal locking bugs\n")
		}
	})
	if !virtualTime.on {
		// Virtual time leaves GOMAXPROCS to the run (GOMAXPROCS=1 for a
		// closer replay of a seed).
		runtime.GOMAXPROCS(4)
	}
	cfg := &config{
		t:           t,
		net:         labrpc.MakeNetwork(),
		n:           n,
		snapshot:    snapshot,
		rafts:       make([]*Raft, n),
		connected:   make([]bool, n),
		saved:       make([]*Persister, n),
		endnames:    make([][]string, n),
		logs:        make([]map[int]interface{}, n),
		lastApplied: make([]int, n),
		generation:  make([]int, n),
		leaderOf:    map[int]int{},
		stopWatch:   make(chan struct{}),
		start:       time.Now(),
	}
	cfg.watchdog = time.AfterFunc(testTimeLimit+watchdogGrace, cfg.watchdogFired)
	if virtualTime.on {
		cfg.net.Seed(uint64(virtualTime.seed))
	}
	cfg.setunreliable(unreliable)
	cfg.net.LongDelays(true)
	for i := 0; i < n; i++ {
		cfg.logs[i] = map[int]interface{}{}
		cfg.start1(i)
	}
	for i := 0; i < n; i++ {
		cfg.connect(i)
	}
	go cfg.watchLeaders()
	return cfg
}

// leaderPollInterval is how often watchLeaders asks every peer GetState.
const leaderPollInterval = 5 * time.Millisecond

// watchLeaders polls every running peer's GetState until cleanup, so that
// two leaders in one term are caught even when neither lasts until the next
// checkOneLeader. Like the applier, it ends the test binary on a violation.
func (cfg *config) watchLeaders() {
	ticker := time.NewTicker(leaderPollInterval)
	defer ticker.Stop()
	for {
		select {
		case <-cfg.stopWatch:
			return
		case <-ticker.C:
		}
		for i, rf := range cfg.currentRafts() {
			if rf == nil {
				continue
			}
			if term, isLeader := rf.GetState(); isLeader {
				if err := cfg.noteLeader(i, term); err != "" {
					log.Fatalf("%s: %v", cfg.currentTitle(), err)
				}
			}
		}
	}
}

// noteLeader records that peer i claimed to lead term, and returns an error
// if another peer has claimed the same term.
func (cfg *config) noteLeader(i int, term int) string {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	if other, ok := cfg.leaderOf[term]; ok && other != i {
		return fmt.Sprintf("term %d has 2 (>1) leaders: server %d and server %d (election safety)",
			term, other, i)
	}
	cfg.leaderOf[term] = i
	return ""
}

// currentTitle returns the running test's title without waiting for cfg.mu,
// which a hung test might hold.
func (cfg *config) currentTitle() string {
	title := "raft test"
	if cfg.mu.TryLock() {
		title = cfg.title
		cfg.mu.Unlock()
	}
	return title
}

// watchdogFired stops a test that has hung far past its time limit, printing
// every goroutine so the deadlock can be found.
func (cfg *config) watchdogFired() {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	fmt.Fprintf(os.Stderr, "%s\n", buf)
	log.Fatalf("%s: test took longer than %v and is still running (goroutines above)",
		cfg.currentTitle(), testTimeLimit)
}

// crash1 crashes peer i: it disconnects it, deletes its server, hands its
// persisted state to a fresh Persister (so the old instance's late writes
// cannot reach the next one) and kills it.
func (cfg *config) crash1(i int) {
	cfg.disconnect(i)
	cfg.net.DeleteServer(i)

	cfg.mu.Lock()
	cfg.generation[i]++
	if cfg.saved[i] != nil {
		cfg.saved[i] = cfg.saved[i].Copy()
	}
	rf := cfg.rafts[i]
	cfg.rafts[i] = nil
	cfg.mu.Unlock()

	if rf != nil {
		rf.Kill()
		testerEvent(i, "crashed (its persisted state is kept)")
	}
}

// start1 starts (or restarts) peer i from a copy of its persisted state, with
// brand-new outgoing ends so a crashed instance's ends cannot send. The peer
// is left disconnected; call connect(i).
func (cfg *config) start1(i int) {
	cfg.crash1(i)

	names := make([]string, cfg.n)
	ends := make([]*labrpc.ClientEnd, cfg.n)
	for j := 0; j < cfg.n; j++ {
		names[j] = randstring(20)
		ends[j] = cfg.net.MakeEnd(names[j])
		cfg.net.Connect(names[j], j)
	}

	cfg.mu.Lock()
	cfg.endnames[i] = names
	cfg.generation[i]++
	gen := cfg.generation[i]
	cfg.lastApplied[i] = 0
	if cfg.saved[i] != nil {
		cfg.saved[i] = cfg.saved[i].Copy()
	} else {
		cfg.saved[i] = MakePersister()
	}
	persister := cfg.saved[i]
	restart := gen > 2 // crash1 and start1 each count a generation
	errMsg := ""
	if snap := persister.ReadSnapshot(); len(snap) > 0 {
		// Mimic a service restarting from its snapshot.
		errMsg = cfg.ingestSnap(i, snap, -1)
	}
	cfg.mu.Unlock()
	if errMsg != "" {
		cfg.t.Fatal(errMsg)
	}

	applyCh := make(chan ApplyMsg)
	made := make(chan *Raft, 1)
	go cfg.applier(i, gen, applyCh, made)
	rf := Make(ends, i, persister, applyCh)
	made <- rf

	cfg.mu.Lock()
	cfg.rafts[i] = rf
	cfg.mu.Unlock()

	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(rf))
	cfg.net.AddServer(i, srv)
	testerEvent(i, map[bool]string{false: "started (not yet connected)",
		true: "restarted from its persisted state (not yet connected)"}[restart])
}

// checkTimeout fails the test if it has run longer than the time limit.
func (cfg *config) checkTimeout() {
	if !cfg.t.Failed() && time.Since(cfg.start) > testTimeLimit {
		cfg.t.Fatalf("test took longer than %v seconds", testTimeLimit.Seconds())
	}
}

// checkFinished reports whether cleanup has begun.
func (cfg *config) checkFinished() bool {
	return atomic.LoadInt32(&cfg.finished) != 0
}

// cleanup kills every peer, shuts the network down and enforces the time
// limit. Tests defer it right after make_config.
func (cfg *config) cleanup() {
	atomic.StoreInt32(&cfg.finished, 1)
	close(cfg.stopWatch)
	for _, rf := range cfg.currentRafts() {
		if rf != nil {
			rf.Kill()
		}
	}
	cfg.net.Cleanup()
	cfg.watchdog.Stop()
	cfg.checkTimeout()
}

// connect attaches peer i to the network: its ends to connected peers and
// theirs to it are enabled.
func (cfg *config) connect(i int) {
	cfg.setConnected(i, true)
}

// disconnect detaches peer i from the network in both directions.
func (cfg *config) disconnect(i int) {
	cfg.setConnected(i, false)
}

// setConnected enables or disables the ends between peer i and the others,
// in both directions. Connecting leaves alone the ends of peers that are
// themselves disconnected.
func (cfg *config) setConnected(i int, on bool) {
	cfg.mu.Lock()
	changed := cfg.connected[i] != on
	cfg.connected[i] = on
	var names []string
	for j := 0; j < cfg.n; j++ {
		if on && !cfg.connected[j] {
			continue
		}
		if cfg.endnames[i] != nil {
			names = append(names, cfg.endnames[i][j])
		}
		if cfg.endnames[j] != nil {
			names = append(names, cfg.endnames[j][i])
		}
	}
	cfg.mu.Unlock()
	for _, name := range names {
		cfg.net.Enable(name, on)
	}
	if changed {
		testerEvent(i, map[bool]string{false: "disconnected", true: "connected"}[on])
	}
}

// setunreliable makes the network lose and delay messages (true) or not.
func (cfg *config) setunreliable(unrel bool) {
	cfg.mu.Lock()
	started := cfg.rafts[0] != nil // make_config's call, before any peer, is no news
	cfg.mu.Unlock()
	for i := 0; i < cfg.n && (unrel || started); i++ {
		testerEvent(i, map[bool]string{false: "network reliable", true: "network unreliable"}[unrel])
	}
	cfg.net.Reliable(!unrel)
}

// setlongreordering makes the network hold replies back for long periods.
func (cfg *config) setlongreordering(longrel bool) {
	cfg.net.LongReordering(longrel)
}

// rpcCount returns the number of RPCs delivered to peer server.
func (cfg *config) rpcCount(server int) int {
	return cfg.net.GetCount(server)
}

// rpcTotal returns the number of RPCs sent so far.
func (cfg *config) rpcTotal() int {
	return cfg.net.GetTotalCount()
}

// bytesTotal returns the number of RPC bytes sent so far.
func (cfg *config) bytesTotal() int64 {
	return cfg.net.GetTotalBytes()
}

// LogSize returns the largest persisted Raft state among the peers.
func (cfg *config) LogSize() int {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	logsize := 0
	for i := 0; i < cfg.n; i++ {
		if n := cfg.saved[i].RaftStateSize(); n > logsize {
			logsize = n
		}
	}
	return logsize
}

// begin starts a test's statistics and prints its title.
func (cfg *config) begin(description string) {
	fmt.Printf("%s ...\n", description)
	cfg.t0 = time.Now()
	cfg.rpcs0 = cfg.rpcTotal()
	cfg.bytes0 = cfg.bytesTotal()
	cfg.mu.Lock()
	cfg.title = description
	cfg.maxIndex0 = cfg.maxIndex
	cfg.mu.Unlock()
}

// end checks the time limit and, if the test passed, prints the Passed line:
// real seconds, peers, RPCs sent, RPC bytes, highest index committed.
func (cfg *config) end() {
	cfg.checkTimeout()
	if cfg.t.Failed() {
		return
	}
	cfg.mu.Lock()
	secs := time.Since(cfg.t0).Seconds()
	ncmds := cfg.maxIndex - cfg.maxIndex0
	cfg.mu.Unlock()
	nrpc := cfg.rpcTotal() - cfg.rpcs0
	nbytes := cfg.bytesTotal() - cfg.bytes0
	fmt.Printf("  ... Passed --")
	fmt.Printf("  %4.1f  %d %4d %7d %4d%s\n", secs, cfg.n, nrpc, nbytes, ncmds, virtualMark())
}

// snapshotEncode builds the snapshot the snapshotting applier gives peer i
// at index: the index, then the applied log up to it (element 0 unused).
// Caller holds cfg.mu.
func (cfg *config) snapshotEncode(i int, index int) []byte {
	w := new(bytes.Buffer)
	e := labgob.NewEncoder(w)
	xlog := make([]interface{}, 0, index+1)
	for j := 0; j <= index; j++ {
		xlog = append(xlog, cfg.logs[i][j])
	}
	if err := e.Encode(index); err != nil {
		log.Fatalf("%s: snapshot encode: %v", cfg.title, err)
	}
	if err := e.Encode(xlog); err != nil {
		log.Fatalf("%s: snapshot encode (is the command type registered with labgob?): %v",
			cfg.title, err)
	}
	return w.Bytes()
}

// applier reads every ApplyMsg of one instance (generation gen) of peer i
// and checks it; made delivers the instance once Make has returned. A failed
// check ends the test binary at once: the applier does not run on the test's
// goroutine, and a committed-value disagreement is never worth continuing.
// It reads until cleanup, even after its instance is crashed, so that late
// entries of a killed instance are still checked; cleanup stops it, so that
// a test leaves no goroutine behind (virtual time requires that).
func (cfg *config) applier(i int, gen int, applyCh chan ApplyMsg, made <-chan *Raft) {
	var rf *Raft
	for {
		var m ApplyMsg
		select {
		case m = <-applyCh:
		case <-cfg.stopWatch:
			return
		}
		cfg.mu.Lock()
		current := cfg.generation[i] == gen
		errMsg := ""
		var snap []byte
		switch {
		case m.SnapshotValid && current && cfg.snapshot:
			errMsg = cfg.ingestSnap(i, m.Snapshot, m.SnapshotIndex)
		case m.CommandValid && !current:
			// A killed instance may still deliver a few entries; they
			// must agree with everyone, but no longer count.
			errMsg = cfg.checkAgreement(i, m.CommandIndex, m.Command)
		case m.CommandValid:
			errMsg = cfg.checkApply(i, m)
			if errMsg == "" && cfg.snapshot && (m.CommandIndex+1)%SnapShotInterval == 0 {
				snap = cfg.snapshotEncode(i, m.CommandIndex)
			}
		}
		title := cfg.title
		cfg.mu.Unlock()
		if errMsg != "" {
			log.Fatalf("%s: apply error: %v", title, errMsg)
		}
		if snap != nil {
			if rf == nil {
				rf = <-made
			}
			rf.Snapshot(m.CommandIndex, snap)
		}
	}
}

// checkAgreement returns an error if some peer applied a different command
// at index. Caller holds cfg.mu.
func (cfg *config) checkAgreement(i int, index int, cmd interface{}) string {
	for j := 0; j < len(cfg.logs); j++ {
		if old, ok := cfg.logs[j][index]; ok && old != cmd {
			// some server has already committed a different value for this entry!
			return fmt.Sprintf("commit index=%v server=%v %v != server=%v %v",
				index, i, cmd, j, old)
		}
	}
	return ""
}

// checkApply checks and records a command applied by the current instance
// of peer i: it must agree with every other peer, follow the previous index
// with no gap, and be exactly the next index this instance has not applied
// yet (each committed entry once per lifetime, in order). Caller holds cfg.mu.
func (cfg *config) checkApply(i int, m ApplyMsg) string {
	if err := cfg.checkAgreement(i, m.CommandIndex, m.Command); err != "" {
		return err
	}
	if _, prevok := cfg.logs[i][m.CommandIndex-1]; m.CommandIndex > 1 && !prevok {
		return fmt.Sprintf("server %v apply out of order %v", i, m.CommandIndex)
	}
	if m.CommandIndex != cfg.lastApplied[i]+1 {
		return fmt.Sprintf("server %v apply out of order, expected index %v, got %v",
			i, cfg.lastApplied[i]+1, m.CommandIndex)
	}
	cfg.logs[i][m.CommandIndex] = m.Command
	cfg.lastApplied[i] = m.CommandIndex
	if m.CommandIndex > cfg.maxIndex {
		cfg.maxIndex = m.CommandIndex
	}
	return ""
}

// ingestSnap installs a snapshot made by snapshotEncode as peer i's applied
// log. index is the ApplyMsg's SnapshotIndex, or -1 for the snapshot a peer
// restarts from. Caller holds cfg.mu.
func (cfg *config) ingestSnap(i int, snapshot []byte, index int) string {
	if len(snapshot) == 0 {
		return fmt.Sprintf("server %v: empty snapshot", i)
	}
	d := labgob.NewDecoder(bytes.NewBuffer(snapshot))
	var lastIncludedIndex int
	var xlog []interface{}
	if d.Decode(&lastIncludedIndex) != nil || d.Decode(&xlog) != nil {
		return fmt.Sprintf("server %v: snapshot decode error", i)
	}
	if index != -1 && index != lastIncludedIndex {
		return fmt.Sprintf("server %v snapshot doesn't match m.SnapshotIndex", i)
	}
	if len(xlog) != lastIncludedIndex+1 {
		return fmt.Sprintf("server %v snapshot holds %v entries for index %v",
			i, len(xlog)-1, lastIncludedIndex)
	}
	if index != -1 && lastIncludedIndex < cfg.lastApplied[i] {
		// Entries after it would be applied a second time.
		return fmt.Sprintf("server %v installed snapshot at index %v after applying up to %v",
			i, lastIncludedIndex, cfg.lastApplied[i])
	}
	for j := 1; j <= lastIncludedIndex; j++ {
		if err := cfg.checkAgreement(i, j, xlog[j]); err != "" {
			return "snapshot: " + err
		}
	}
	cfg.logs[i] = map[int]interface{}{}
	for j := 1; j <= lastIncludedIndex; j++ {
		cfg.logs[i][j] = xlog[j]
	}
	cfg.lastApplied[i] = lastIncludedIndex
	return ""
}

// connectedRafts returns the instances of the peers that are on the network.
func (cfg *config) connectedRafts() map[int]*Raft {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	rafts := map[int]*Raft{}
	for i := 0; i < cfg.n; i++ {
		if cfg.connected[i] && cfg.rafts[i] != nil {
			rafts[i] = cfg.rafts[i]
		}
	}
	return rafts
}

// checkOneLeader waits for the connected peers to have exactly one leader in
// their latest term and returns it; two leaders in one term fail the test.
func (cfg *config) checkOneLeader() int {
	cfg.t.Helper()
	for iters := 0; iters < 10; iters++ {
		ms := 450 + (rand.Int63() % 100)
		time.Sleep(time.Duration(ms) * time.Millisecond)

		leaders := make(map[int][]int)
		for i, rf := range cfg.connectedRafts() {
			if term, leader := rf.GetState(); leader {
				leaders[term] = append(leaders[term], i)
			}
		}
		lastTermWithLeader := -1
		for term, ids := range leaders {
			if len(ids) > 1 {
				cfg.t.Fatalf("term %d has %d (>1) leaders", term, len(ids))
			}
			if term > lastTermWithLeader {
				lastTermWithLeader = term
			}
			if err := cfg.noteLeader(ids[0], term); err != "" {
				cfg.t.Fatal(err)
			}
		}
		if len(leaders) != 0 {
			return leaders[lastTermWithLeader][0]
		}
	}
	cfg.t.Fatalf("expected one leader, got none")
	return -1
}

// checkTerms returns the term of the connected peers, failing the test if
// they disagree.
func (cfg *config) checkTerms() int {
	cfg.t.Helper()
	term := -1
	for _, rf := range cfg.connectedRafts() {
		xterm, _ := rf.GetState()
		if term == -1 {
			term = xterm
		} else if term != xterm {
			cfg.t.Fatalf("servers disagree on term")
		}
	}
	return term
}

// checkNoLeader fails the test if any connected peer thinks it is leader.
func (cfg *config) checkNoLeader() {
	cfg.t.Helper()
	for i, rf := range cfg.connectedRafts() {
		if _, isLeader := rf.GetState(); isLeader {
			cfg.t.Fatalf("expected no leader among connected servers, but %v claims to be leader", i)
		}
	}
}

// nCommittedErr returns how many peers have applied index and the command
// they applied, or an error if they applied different commands. Safe from any
// goroutine.
func (cfg *config) nCommittedErr(index int) (int, interface{}, error) {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	count := 0
	var cmd interface{}
	for i := 0; i < len(cfg.logs); i++ {
		cmd1, ok := cfg.logs[i][index]
		if !ok {
			continue
		}
		if count > 0 && cmd != cmd1 {
			return count, cmd, fmt.Errorf("committed values do not match: index %v, %v, %v",
				index, cmd, cmd1)
		}
		count++
		cmd = cmd1
	}
	return count, cmd, nil
}

// nCommitted returns how many peers have applied index, and what.
func (cfg *config) nCommitted(index int) (int, interface{}) {
	cfg.t.Helper()
	count, cmd, err := cfg.nCommittedErr(index)
	if err != nil {
		cfg.t.Fatal(err)
	}
	return count, cmd
}

// termMovedOn reports whether some peer has a term later than startTerm.
func (cfg *config) termMovedOn(startTerm int) bool {
	for _, t := range cfg.allTerms() {
		if t > startTerm {
			return true
		}
	}
	return false
}

// wait waits, backing off, for at least n peers to apply index and returns
// the command. With startTerm > -1 it returns -1 as soon as some peer has
// moved past startTerm, since the entry may then legitimately never commit.
func (cfg *config) wait(index int, n int, startTerm int) interface{} {
	cfg.t.Helper()
	to := 10 * time.Millisecond
	for iters := 0; iters < 30; iters++ {
		nd, _ := cfg.nCommitted(index)
		if nd >= n {
			break
		}
		time.Sleep(to)
		if to < time.Second {
			to *= 2
		}
		if startTerm > -1 && cfg.termMovedOn(startTerm) {
			// someone has moved on; can no longer guarantee that we'll "win"
			return -1
		}
	}
	nd, cmd := cfg.nCommitted(index)
	if nd < n {
		cfg.t.Fatalf("only %d decided for index %d; wanted %d", nd, index, n)
	}
	return cmd
}

// startAnywhere offers cmd to the connected peers round-robin, beginning
// after *next, and returns the index the first one that accepts gives it.
func (cfg *config) startAnywhere(cmd interface{}, next *int) (int, bool) {
	for si := 0; si < cfg.n; si++ {
		*next = (*next + 1) % cfg.n
		cfg.mu.Lock()
		var rf *Raft
		if cfg.connected[*next] {
			rf = cfg.rafts[*next]
		}
		cfg.mu.Unlock()
		if rf == nil {
			continue
		}
		if index, term, ok := rf.Start(cmd); ok {
			if err := cfg.noteLeader(*next, term); err != "" {
				log.Fatalf("%s: %v", cfg.currentTitle(), err)
			}
			return index, true
		}
	}
	return -1, false
}

// tryOne is one() returning an error instead of failing, so goroutines other
// than the test's can use it.
func (cfg *config) tryOne(cmd interface{}, expectedServers int, retry bool) (int, error) {
	t0 := time.Now()
	next := 0
	for time.Since(t0).Seconds() < 10 && !cfg.checkFinished() {
		index, ok := cfg.startAnywhere(cmd, &next)
		if !ok {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		// somebody claimed to be the leader and to have submitted our
		// command; wait a while for agreement.
		t1 := time.Now()
		for time.Since(t1).Seconds() < 2 {
			nd, cmd1, err := cfg.nCommittedErr(index)
			if err != nil {
				return -1, err
			}
			if nd > 0 && nd >= expectedServers && cmd1 == cmd {
				// committed, and it was the command we submitted.
				return index, nil
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !retry {
			return -1, fmt.Errorf("one(%v) failed to reach agreement", cmd)
		}
	}
	if !cfg.checkFinished() {
		return -1, fmt.Errorf("one(%v) failed to reach agreement", cmd)
	}
	return -1, nil
}

// one submits cmd to whichever connected peer is leader and waits until at
// least expectedServers peers have applied it at the index Start returned,
// returning that index. With retry it resubmits (to a possibly new leader)
// for up to 10 s; without it a single failed attempt fails the test.
func (cfg *config) one(cmd interface{}, expectedServers int, retry bool) int {
	cfg.t.Helper()
	index, err := cfg.tryOne(cmd, expectedServers, retry)
	if err != nil {
		cfg.t.Fatal(err)
	}
	return index
}

// rpcsTo returns the number of RPCs delivered to peers 0..servers-1.
func (cfg *config) rpcsTo(servers int) int {
	n := 0
	for j := 0; j < servers; j++ {
		n += cfg.rpcCount(j)
	}
	return n
}

// currentRafts returns the running peers (nil for a crashed one), copied
// under cfg.mu so that the caller can call them without it.
func (cfg *config) currentRafts() []*Raft {
	cfg.mu.Lock()
	defer cfg.mu.Unlock()
	return append([]*Raft(nil), cfg.rafts...)
}

// allTerms returns every running peer's current term (-1 for a crashed one).
func (cfg *config) allTerms() []int {
	rafts := cfg.currentRafts()
	terms := make([]int, len(rafts))
	for i, rf := range rafts {
		terms[i] = -1
		if rf != nil {
			terms[i], _ = rf.GetState()
		}
	}
	return terms
}

// crashAll crashes every peer.
func (cfg *config) crashAll() {
	for i := 0; i < cfg.n; i++ {
		cfg.crash1(i)
	}
}

// restartAll restarts and connects every peer.
func (cfg *config) restartAll() {
	for i := 0; i < cfg.n; i++ {
		cfg.start1(i)
		cfg.connect(i)
	}
}
