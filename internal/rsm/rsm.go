package rsm

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// StateMachine is the service replicated by an RSM. Apply, Snapshot and
// Restore are called from the RSM's apply goroutine only, never at the same
// time; a service whose handlers read the state guards it with its own lock.
type StateMachine interface {
	// Apply executes one committed command and returns its result.
	Apply(cmd interface{}) interface{}
	// Snapshot encodes the whole state, everything applied so far.
	Snapshot() []byte
	// Restore replaces the whole state with one encoded by Snapshot.
	Restore(snapshot []byte)
}

// waitTimeout bounds how long Submit waits for its entry: a leader cut off
// in a minority never learns it lost its job.
const waitTimeout = 500 * time.Millisecond

// leadershipCheckInterval is how often, while a Submit waits, the RSM asks
// Raft whether the waiter's term is still current, so that a deposed
// leader's callers move on well before waitTimeout.
const leadershipCheckInterval = 20 * time.Millisecond

// applyBuffer lets Raft's applier run a little ahead of the apply loop.
const applyBuffer = 64

// entry is what an RSM puts in the Raft log: the service's command and an
// identifier, so that the Submit waiting at an index can tell whether the
// entry applied there is its own (another leader may have put a different
// entry at that index).
type entry struct {
	Id  int64
	Cmd interface{}
}

// entryGobName is short: gob writes it into every log entry.
const entryGobName = "rsm.entry"

// snapshotState wraps the service's snapshot with the index it reflects.
type snapshotState struct {
	LastApplied int
	State       []byte
}

// result is what the apply loop hands to the Submit waiting at an index.
type result struct {
	id    int64
	value interface{}
	ok    bool
}

// waiter is a Submit waiting for the entry it started at one index.
type waiter struct {
	term  int
	since time.Time
	done  chan result // buffered 1; receives exactly one result
}

// RSM is one replica of a replicated state machine.
type RSM struct {
	me           int
	rf           *raft.Raft
	sm           StateMachine
	applyCh      chan raft.ApplyMsg
	persister    *raft.Persister
	maxraftstate int
	killed       chan struct{} // closed by Kill
	dead         int32
	killOnce     sync.Once
	nextId       int64 // atomically incremented; entry ids of this instance

	// mu protects lastApplied, lastAppliedTerm, blankTerm, waiters and
	// readWaiters.
	mu              sync.Mutex
	lastApplied     int
	lastAppliedTerm int             // term of the entry (or snapshot) at lastApplied
	blankTerm       int             // the latest term this replica started a blank entry in
	waiters         map[int]*waiter // log index -> Submit waiting for it
	readWaiters     []readWaiter    // Reads waiting for their read index
}

// Make starts a replica: a Raft peer over peers (peers[me] is this one) that
// persists to persister, and the goroutines that apply its log to sm and
// watch waiting callers. It panics on arguments that cannot work.
func Make(peers []*labrpc.ClientEnd, me int, persister *raft.Persister, maxraftstate int, sm StateMachine) *RSM {
	switch {
	case me < 0 || me >= len(peers):
		panic(fmt.Sprintf("rsm.Make: me = %d is not an index of peers (len %d)", me, len(peers)))
	case persister == nil:
		panic("rsm.Make: persister is nil")
	case maxraftstate < -1:
		panic(fmt.Sprintf("rsm.Make: maxraftstate = %d; want -1 (never snapshot) or a size in bytes", maxraftstate))
	case sm == nil:
		panic("rsm.Make: state machine is nil")
	}
	labgob.RegisterName(entryGobName, entry{})
	r := &RSM{
		me:           me,
		sm:           sm,
		applyCh:      make(chan raft.ApplyMsg, applyBuffer),
		persister:    persister,
		maxraftstate: maxraftstate,
		killed:       make(chan struct{}),
		nextId:       randomInt63() &^ 0xffffffff,
		waiters:      make(map[int]*waiter),
	}
	r.restoreFromPersister()
	r.rf = raft.Make(peers, me, persister, r.applyCh)
	go r.applyLoop()
	go r.watchWaiters()
	return r
}

func randomInt63() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("rsm: crypto/rand failed: " + err.Error())
	}
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

// Raft returns the replica's Raft peer (for registering its RPC service and
// for GetState). Callers must not Kill it or Start commands on it.
func (r *RSM) Raft() *raft.Raft {
	return r.rf
}

// Kill stops the Raft peer and the RSM's goroutines; waiting Submits return
// false.
func (r *RSM) Kill() {
	r.killOnce.Do(func() {
		atomic.StoreInt32(&r.dead, 1)
		close(r.killed)
		r.rf.Kill()
	})
}

// Killed reports whether Kill has been called.
func (r *RSM) Killed() bool {
	return atomic.LoadInt32(&r.dead) == 1
}

// IsLeader reports whether the Raft peer believes it leads.
func (r *RSM) IsLeader() bool {
	_, isLeader := r.rf.GetState()
	return isLeader
}

// Submit puts cmd in the log and waits until it is applied here, returning
// sm.Apply's result and true. It returns false when this replica does not
// lead, when another entry took cmd's index, when the term moved on, after
// waitTimeout, or after Kill: cmd may or may not be applied later.
func (r *RSM) Submit(cmd interface{}) (interface{}, bool) {
	if r.Killed() {
		return nil, false
	}
	id := atomic.AddInt64(&r.nextId, 1)
	// Holding mu across Start registers the waiter before the apply loop
	// can apply the entry.
	r.mu.Lock()
	index, term, isLeader := r.rf.Start(entry{Id: id, Cmd: cmd})
	if !isLeader {
		r.mu.Unlock()
		return nil, false
	}
	w := &waiter{term: term, since: time.Now(), done: make(chan result, 1)}
	old := r.waiters[index]
	r.waiters[index] = w
	r.mu.Unlock()
	if old != nil {
		old.done <- result{} // an older term's entry at this index was replaced
	}
	select {
	case res := <-w.done:
		if !res.ok || res.id != id {
			return nil, false
		}
		return res.value, true
	case <-r.killed:
		return nil, false
	}
}

// watchWaiters fails, every leadershipCheckInterval, the Submits whose term
// is over or that waited waitTimeout, and has a new leader commit an entry
// of its term (termentry.go). It runs until Kill.
func (r *RSM) watchWaiters() {
	ticker := time.NewTicker(leadershipCheckInterval)
	defer ticker.Stop()
	for {
		select {
		case <-r.killed:
			r.failWaiters(func(int, *waiter) bool { return true })
			return
		case <-ticker.C:
		}
		term, isLeader := r.rf.GetState()
		r.startTermEntry(term, isLeader)
		now := time.Now()
		r.failWaiters(func(_ int, w *waiter) bool {
			return !isLeader || w.term != term || now.Sub(w.since) >= waitTimeout
		})
	}
}

// failWaiters unregisters the waiters that expire says to give up, and
// tells them so.
func (r *RSM) failWaiters(expire func(index int, w *waiter) bool) {
	var expired []*waiter
	r.mu.Lock()
	for index, w := range r.waiters {
		if expire(index, w) {
			expired = append(expired, w)
			delete(r.waiters, index)
		}
	}
	r.mu.Unlock()
	for _, w := range expired {
		w.done <- result{} // buffered 1, and w had no result yet
	}
}
