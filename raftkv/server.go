package raftkv

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// waitTimeout bounds how long a handler waits for its entry to be applied.
// A leader cut off in a minority never learns it lost its job, so without a
// bound its handlers would wait forever; after the timeout the clerk retries
// elsewhere (the duplicate table makes the retry safe).
const waitTimeout = 500 * time.Millisecond

// applyBuffer is the buffer of applyCh: how far Raft's applier may run
// ahead of the apply loop. Handing entries over one rendezvous at a time
// costs two goroutine switches per entry, and on a busy machine a follower
// that learns of many commits at once then trails its log by tens of
// entries it cannot compact yet.
const applyBuffer = 64

// leadershipCheckInterval is how often, while handlers wait, the server asks
// Raft whether their term is still current (sweepWaiters), so a deposed
// leader's handlers return well before waitTimeout.
const leadershipCheckInterval = 20 * time.Millisecond

// Op is the command a KVServer puts in the Raft log.
type Op struct {
	Kind     opKind
	Key      string
	Value    string
	ClientId int64
	Seq      int64
}

// Size is about how many bytes op takes once encoded in a log entry: it
// lets the Raft leader bound each AppendEntries by the sizes of the
// entries in it (raft.CommandSizer).
func (op Op) Size() int {
	return len(op.Key) + len(op.Value) + opFixedBytes
}

// opFixedBytes is about what an Op's encoding adds to its key and value:
// field numbers and lengths, the kind, the client id and the sequence number.
const opFixedBytes = 32

// opGobName is the name Op is registered under with labgob. Gob writes the
// name of a command's type into every log entry it encodes (in the
// persisted state and in every AppendEntries), so a short one saves a
// dozen bytes per entry over the default, "miniraftkv/raftkv.Op".
const opGobName = "raftkv.Op"

// opKind is what an Op does. It is a number rather than a name because
// every log entry holds one: in memory, on disk and in every AppendEntries,
// and a string would be decoded into a new allocation on every follower.
type opKind uint8

// The kinds of Op; the zero value is none of them.
const (
	kindGet opKind = iota + 1
	kindPut
	kindAppend
)

func (k opKind) String() string {
	switch k {
	case kindGet:
		return opGet
	case kindPut:
		return opPut
	case kindAppend:
		return opAppend
	}
	return fmt.Sprintf("opKind(%d)", uint8(k))
}

// applyResult is what the apply loop hands to the handler waiting at an index.
// It names the entry that was applied there, so the handler can tell whether
// it was its own.
type applyResult struct {
	ClientId int64
	Seq      int64
	Term     int
	Err      Err
	Value    string
}

// KVServer is one replica of the key/value service.
type KVServer struct {
	me           int
	rf           *raft.Raft
	applyCh      chan raft.ApplyMsg // buffered: see applyBuffer
	persister    *raft.Persister
	maxraftstate int           // snapshot when Raft state reaches this size; -1: never
	killed       chan struct{} // closed by Kill
	dead         int32         // 1 after Kill; read atomically
	killOnce     sync.Once

	pacer snapshotPacer // when to snapshot; only the apply loop uses it

	// waitTimeout and leadershipCheck are waitTimeout and
	// leadershipCheckInterval; fields so that a test can turn the timeout
	// and term polling down (setWaitLimits) to test reply matching on its
	// own.
	waitTimeout     time.Duration
	leadershipCheck time.Duration

	// mu protects everything below: the replicated state machine (data,
	// lastSeq, lastApplied) and the table of waiting handlers.
	mu          sync.Mutex
	data        map[string]string
	lastSeq     map[int64]int64 // duplicate table: client -> highest applied Put/Append Seq
	lastApplied int             // index of the last entry (or snapshot) applied to data
	waiters     map[int]*waiter // log index -> handler waiting for it
	readWaiters []readWaiter    // Gets served by ReadIndex, waiting for their read index
	sweep       *time.Timer     // runs sweepWaiters; nil when no sweep is due
}

// readWaiter is a Get served by ReadIndex, waiting for the apply loop to
// reach its read index.
type readWaiter struct {
	index int
	ready chan struct{} // closed once lastApplied >= index
}

// StartKVServer starts a replica. servers are the ClientEnds of all replicas'
// Raft peers (servers[me] is this one), persister holds Raft's state and the
// latest snapshot, and maxraftstate is the Raft state size in bytes that
// triggers a snapshot (-1: never snapshot). It returns at once; the apply loop
// runs until Kill. It panics at once, naming the argument, if me is not an
// index of servers, persister is nil or maxraftstate is below -1.
func StartKVServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int) *KVServer {
	kv := newKVServer(servers, me, persister, maxraftstate)
	go kv.applyLoop()
	return kv
}

// StartKVServerWithOptions is StartKVServer with the Raft peer built by
// raft.MakeWithOptions from opts, for a service beyond the lab API (a
// real cluster: durable persister, membership changes). Where
// StartKVServer panics it returns an error. With opts.Membership set, me
// is this server's member id and servers may be nil (see
// raft.MakeWithOptions). With maxraftstate > 0, Options.MaxStateBytes left 0
// and Options.MaxAppendBytes left 0 or above maxraftstate/4 get raftkv's
// bounds for maxraftstate, as StartKVServer sets them.
//
// The configuration entries of membership changes reach the apply loop
// like any committed entry (raft.ConfigChange commands): it applies
// nothing for them and only moves its applied index on, so the indices it
// sees stay contiguous.
func StartKVServerWithOptions(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int,
	opts raft.Options) (*KVServer, error) {
	kv, err := buildKVServer(servers, me, persister, maxraftstate, opts)
	if err != nil {
		return nil, fmt.Errorf("raftkv.StartKVServerWithOptions: %v", err)
	}
	go kv.applyLoop()
	return kv, nil
}

// newKVServer is StartKVServer without the apply loop: its Raft peer runs
// and delivers on kv.applyCh, which nothing reads until the caller starts
// applyLoop (a unit test applies by hand instead).
func newKVServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int) *KVServer {
	kv, err := buildKVServer(servers, me, persister, maxraftstate, raft.Options{})
	if err != nil {
		panic("raftkv.StartKVServer: " + err.Error())
	}
	return kv
}

// buildKVServer checks the arguments, restores the state machine from the
// snapshot and starts the Raft peer; it does not start the apply loop.
func buildKVServer(servers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int,
	opts raft.Options) (*KVServer, error) {
	if err := startArgsError(len(servers), me, persister, maxraftstate, opts.Membership != nil); err != nil {
		return nil, err
	}
	labgob.RegisterName(opGobName, Op{})
	kv := &KVServer{
		me:              me,
		applyCh:         make(chan raft.ApplyMsg, applyBuffer),
		persister:       persister,
		maxraftstate:    maxraftstate,
		killed:          make(chan struct{}),
		waitTimeout:     waitTimeout,
		leadershipCheck: leadershipCheckInterval,
		data:            make(map[string]string),
		lastSeq:         make(map[int64]int64),
		waiters:         make(map[int]*waiter),
	}
	kv.restoreFromPersister()
	rf, err := raft.MakeWithOptions(servers, me, persister, kv.applyCh, stateBounds(opts, maxraftstate))
	if err != nil {
		return nil, err
	}
	kv.rf = rf
	return kv, nil
}

// startArgsError names the first argument of StartKVServer that cannot
// work, or returns nil. With membership, me is a member id rather than an
// index of servers.
func startArgsError(nservers, me int, persister *raft.Persister, maxraftstate int, membership bool) error {
	switch {
	case !membership && (me < 0 || me >= nservers):
		return fmt.Errorf("me = %d is not an index of servers (len(servers) = %d); want 0 <= me < len(servers)",
			me, nservers)
	case persister == nil:
		return fmt.Errorf("persister is nil; want a *raft.Persister")
	case maxraftstate < -1:
		return fmt.Errorf("maxraftstate = %d; want -1 (never snapshot) or a size in bytes", maxraftstate)
	}
	return nil
}

// stateBounds gives the Raft byte bounds that maxraftstate calls for. The
// tester bounds the state by 2 x maxraftstate at any moment. A follower
// saves a batch of entries before it learns they are committed and can
// compact them: keep batches to a quarter of the budget (or to opts's
// own bound, if tighter). And a follower whose apply loop falls behind
// must not keep saving entries it cannot compact yet: past 3/2 of the
// budget it waits for a snapshot (unless opts sets its own bound).
func stateBounds(opts raft.Options, maxraftstate int) raft.Options {
	if maxraftstate <= 0 {
		return opts
	}
	if quarter := maxraftstate / 4; opts.MaxAppendBytes == 0 || opts.MaxAppendBytes > quarter {
		opts.MaxAppendBytes = quarter
	}
	if opts.MaxStateBytes == 0 {
		opts.MaxStateBytes = maxraftstate * 3 / 2
	}
	return opts
}

// SetLeaseReads turns lease reads (raft.Raft.SetLeaseReads, dissertation
// §6.4.1) on or off for this server's Gets; off by default. With it on, a
// leader whose lease holds answers a Get without a round of heartbeats.
// Turn it on at every server of the cluster (the leases rest on the other
// servers' Raft peers refusing votes for a while after hearing from a
// leader), before they receive requests. It goes beyond the lab API.
func (kv *KVServer) SetLeaseReads(on bool) {
	kv.rf.SetLeaseReads(on)
}

// Kill stops the apply loop and the Raft peer. Handlers still waiting answer
// ErrShutdown; later RPCs answer ErrShutdown at once.
func (kv *KVServer) Kill() {
	kv.killOnce.Do(func() {
		atomic.StoreInt32(&kv.dead, 1)
		close(kv.killed)
		kv.rf.Kill()
		kv.mu.Lock()
		if kv.sweep != nil {
			kv.sweep.Stop()
		}
		kv.mu.Unlock()
	})
}

// Raft returns the Raft peer this server replicates through, so that tools
// and tests outside the package can observe it (GetState). Callers must not
// Kill it or Start commands on it.
func (kv *KVServer) Raft() *raft.Raft {
	return kv.rf
}

func (kv *KVServer) isKilled() bool {
	return atomic.LoadInt32(&kv.dead) == 1
}

// Get is the KVServer.Get RPC handler. It answers from the map once Raft's
// ReadIndex confirms the read (see readByIndex), and otherwise puts the Get
// through the log: when this leader has not yet committed an entry of its
// term, and whenever this peer is not the leader (Start then answers
// ErrWrongLeader at once).
func (kv *KVServer) Get(args *GetArgs, reply *GetReply) {
	res, served := kv.readByIndex(args.Key)
	if !served {
		op := Op{Kind: kindGet, Key: args.Key, ClientId: args.ClientId, Seq: args.Seq}
		res = kv.submit(op, topicGet)
	}
	reply.Err = res.Err
	reply.Value = res.Value
}

// readByIndex serves a Get without a log entry (dissertation §6.4): Raft's
// ReadIndex confirms that this peer still leads and gives the commit index
// at the time of the request; once the apply loop has applied through it,
// the map holds every write that completed before the Get began. It
// reports false when ReadIndex refuses (not the leader, leadership lost
// meanwhile, or no entry of the leader's term committed yet). A Get changes
// nothing, so the duplicate table is not involved.
func (kv *KVServer) readByIndex(key string) (applyResult, bool) {
	if kv.isKilled() {
		return applyResult{Err: ErrShutdown}, true
	}
	index, ok := kv.rf.ReadIndex()
	if !ok {
		return applyResult{}, false
	}
	if !kv.awaitReadIndex(index) {
		return applyResult{Err: ErrShutdown}, true
	}
	kv.mu.Lock()
	defer kv.mu.Unlock()
	res := kv.execute(Op{Kind: kindGet, Key: key})
	debugf(kv.me, unknownTerm, roleServer, topicGet, "read %q at read index %d (applied %d): %s",
		key, index, kv.lastApplied, res.Err)
	return res, true
}

// awaitReadIndex waits until the apply loop has applied through index, and
// reports false if the server was killed first. Each read waits on a
// channel of its own, closed by the apply loop when its index is reached
// (releaseReads): with a hundred reads waiting, waking them all on every
// applied entry would cost more than the reads.
func (kv *KVServer) awaitReadIndex(index int) bool {
	kv.mu.Lock()
	if kv.lastApplied >= index {
		kv.mu.Unlock()
		return !kv.isKilled()
	}
	w := readWaiter{index: index, ready: make(chan struct{})}
	kv.readWaiters = append(kv.readWaiters, w)
	kv.mu.Unlock()
	select {
	case <-w.ready:
		return !kv.isKilled()
	case <-kv.killed:
		return false
	}
}

// PutAppend is the KVServer.PutAppend RPC handler.
func (kv *KVServer) PutAppend(args *PutAppendArgs, reply *PutAppendReply) {
	op := Op{Kind: kindPut, Key: args.Key, Value: args.Value, ClientId: args.ClientId, Seq: args.Seq}
	switch args.Op {
	case opPut:
	case opAppend:
		op.Kind = kindAppend
	default:
		reply.Err = ErrBadOp
		return
	}
	if tooLarge(args.Key, args.Value) {
		reply.Err = ErrTooLarge
		return
	}
	reply.Err = kv.submit(op, topicPut).Err
}

// submit puts op in the Raft log and waits until the entry at its index is
// applied. It answers ErrWrongLeader when this peer is not the leader, when a
// different entry is applied at that index, when the term moves on, or after
// waitTimeout.
func (kv *KVServer) submit(op Op, topic string) applyResult {
	if kv.isKilled() {
		return applyResult{Err: ErrShutdown}
	}
	// Holding mu across Start guarantees the waiter is registered before the
	// apply loop can apply the entry (Start never waits for the apply loop).
	kv.mu.Lock()
	index, term, isLeader := kv.rf.Start(op)
	if !isLeader {
		kv.mu.Unlock()
		return applyResult{Err: ErrWrongLeader}
	}
	w := &waiter{term: term, since: time.Now(), done: make(chan applyResult, 1)}
	old := kv.waiters[index]
	kv.waiters[index] = w
	kv.armSweep()
	kv.mu.Unlock()
	if old != nil {
		// An earlier term's entry at this index has been replaced by ours.
		old.done <- applyResult{Err: ErrWrongLeader}
	}
	debugf(kv.me, term, roleServer, topic, "started %s %q for C%d#%d at %d",
		op.Kind, op.Key, op.ClientId%10000, op.Seq, index)
	res := kv.awaitApplied(index, w)
	if res.Err == OK || res.Err == ErrNoKey {
		if res.ClientId != op.ClientId || res.Seq != op.Seq || res.Term != term {
			debugf(kv.me, term, roleServer, topic, "index %d holds C%d#%d of T%d, not mine",
				index, res.ClientId%10000, res.Seq, res.Term)
			return applyResult{Err: ErrWrongLeader}
		}
	}
	return res
}

// setWaitLimits replaces waitTimeout and leadershipCheck. It is for a
// tester test (TestBug_ReplyMatchedByIndexAlone3A), which finds it with a
// type assertion so that it compiles against any KVServer; call it before
// the server receives requests.
func (kv *KVServer) setWaitLimits(timeout, leadershipCheck time.Duration) {
	kv.waitTimeout, kv.leadershipCheck = timeout, leadershipCheck
}
