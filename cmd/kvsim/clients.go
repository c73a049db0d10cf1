package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"time"

	"miniraftkv/linearizability"
)

// recorder keeps the history of client operations, with call and return
// times from one monotonic clock (nanoseconds since start).
//
// A run records a few hundred thousand operations, and the history is
// live until the check is over, so the recorder shares what repeats: the
// boxed input of a Get of each key, one boxed empty output for every
// operation that returns no value, and the memory of Get results (see
// readValue). An operation then costs its Operation and, for a Put or
// Append, its boxed input.
type recorder struct {
	start time.Time // carries Go's monotonic clock reading

	mu        sync.Mutex                        // protects the fields below
	done      []linearizability.Operation       // returned operations
	pending   map[int]linearizability.Operation // the outstanding operation of each client
	byOp      [3]int                            // returned operations by KvInput.Op
	getInputs map[string]interface{}            // key -> the boxed KvInput of a Get of it
	reads     map[string]string                 // key -> the longest Get result kept for it
}

// noOutput is the Output of every returned operation without a value.
var noOutput interface{} = linearizability.KvOutput{}

func newRecorder(start time.Time) *recorder {
	return &recorder{start: start, pending: make(map[int]linearizability.Operation),
		getInputs: make(map[string]interface{}), reads: make(map[string]string)}
}

func (r *recorder) now() int64 { return int64(time.Since(r.start)) }

// call notes that client is about to issue in. A clerk has one operation
// outstanding at a time, and so has a client here.
func (r *recorder) call(client int, in linearizability.KvInput) {
	t := r.now() // before the request can possibly take effect
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, busy := r.pending[client]; busy {
		panic(fmt.Sprintf("kvsim: client %d issued an operation while one was outstanding", client))
	}
	r.pending[client] = linearizability.Operation{ClientId: client, Input: r.boxInput(in), Call: t}
}

// boxInput returns in as an interface value, shared by every Get of a key.
// Caller holds r.mu.
func (r *recorder) boxInput(in linearizability.KvInput) interface{} {
	if in.Op != linearizability.KvGet || in.Value != "" {
		return in
	}
	boxed, ok := r.getInputs[in.Key]
	if !ok {
		boxed = in
		r.getInputs[in.Key] = boxed
	}
	return boxed
}

// ret notes that client's outstanding operation returned out.
func (r *recorder) ret(client int, out linearizability.KvOutput) {
	t := r.now() // after the response arrived
	r.mu.Lock()
	defer r.mu.Unlock()
	op, ok := r.pending[client]
	if !ok {
		panic(fmt.Sprintf("kvsim: client %d returned without an outstanding operation", client))
	}
	delete(r.pending, client)
	op.Output, op.Return = noOutput, t
	if out.Value != "" {
		op.Output = linearizability.KvOutput{Value: r.readValue(op.Input.(linearizability.KvInput).Key, out.Value)}
	}
	r.done = append(r.done, op)
	r.byOp[op.Input.(linearizability.KvInput).Op]++
}

// readValue returns value, a Get result for key, in memory shared with
// earlier results where it can. Values only grow between Puts, so most
// results are a prefix of the result kept for the key, and then they are a
// slice of it; any other result is kept in its place (it extends the kept
// one, or a Put started a new value). Caller holds r.mu.
func (r *recorder) readValue(key, value string) string {
	if kept := r.reads[key]; strings.HasPrefix(kept, value) {
		return kept[:len(value)]
	}
	r.reads[key] = value
	return value
}

// completed is the number of operations that returned so far.
func (r *recorder) completed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.done)
}

// history returns every operation: the returned ones, and the outstanding
// ones with Return = NeverReturned (they may or may not have taken effect).
// The returned operations are not copied: the slice ends where the
// recorder's list ended, and the recorder only ever appends past that.
func (r *recorder) history() (ops []linearizability.Operation, unreturned int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ops = r.done[:len(r.done):len(r.done)]
	for _, op := range r.pending {
		op.Output, op.Return = linearizability.KvOutput{}, linearizability.NeverReturned
		ops = append(ops, op)
	}
	return ops, len(r.pending)
}

// opCounts reports returned gets, puts and appends.
func (r *recorder) opCounts() (gets, puts, appends int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byOp[linearizability.KvGet], r.byOp[linearizability.KvPut], r.byOp[linearizability.KvAppend]
}

// kvClerk is what a client needs of raftkv.Clerk (an interface so the
// client loop can be tested without a cluster).
type kvClerk interface {
	Get(key string) string
	Put(key, value string)
	Append(key, value string)
}

// clientPool runs the clients until stopped.
type clientPool struct {
	stop chan struct{}
	wg   sync.WaitGroup
}

// startClients starts n clients, each with its own Clerk and its own random
// source (derived from seed) choosing keys and operations.
func startClients(c *cluster, rec *recorder, n, keys int, seed int64) *clientPool {
	p := &clientPool{stop: make(chan struct{})}
	for id := 0; id < n; id++ {
		rng := rand.New(rand.NewSource(seed + int64(id) + 1))
		ck := c.makeClerk(rng)
		p.wg.Add(1)
		go func(id int) {
			defer p.wg.Done()
			runClient(id, ck, rec, rng, keys, p.stop)
		}(id)
	}
	return p
}

// stopAndWait asks the clients to stop after their current operation and
// waits up to grace for them. It reports whether all of them finished; the
// operations of those that did not stay outstanding in the history.
func (p *clientPool) stopAndWait(grace time.Duration) bool {
	close(p.stop)
	finished := make(chan struct{})
	go func() { p.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return true
	case <-time.After(grace):
		return false
	}
}

// stopped waits for pause and reports whether stop was closed meanwhile or
// before: a closed stop always wins, so a client never starts an operation
// after it was told to stop.
func stopped(stop <-chan struct{}, pause time.Duration) bool {
	select {
	case <-stop:
		return true
	default:
	}
	if pause <= 0 {
		return false
	}
	t := time.NewTimer(pause)
	defer t.Stop()
	select {
	case <-stop:
		return true
	case <-t.C:
		return false
	}
}

// readerPause spaces the reading client's operations.
const readerPause = 5 * time.Millisecond

// runClient issues operations until stop is closed: half Gets, the rest
// mostly Appends and some Puts, of values unique to this operation (so a
// Get's result tells the checker exactly which writes it saw). Client 0
// only reads, a few milliseconds apart: a reader that keeps asking a
// deposed leader for the whole of a partition, while the others write
// through the new one, is how stale reads come to light.
func runClient(id int, ck kvClerk, rec *recorder, rng *rand.Rand, keys int, stop <-chan struct{}) {
	gets, pause := 5, time.Duration(0) // gets in 10 operations
	if id == 0 {
		gets, pause = 10, readerPause
	}
	keyNames := make([]string, keys) // one string per key, not one per operation
	for k := range keyNames {
		keyNames[k] = fmt.Sprintf("k%d", k)
	}
	for seq := 0; ; seq++ {
		if stopped(stop, pause) {
			return
		}
		in := linearizability.KvInput{Key: keyNames[rng.Intn(keys)]}
		switch r := rng.Intn(10); {
		case r < gets:
			in.Op = linearizability.KvGet
		case r < 9:
			in.Op, in.Value = linearizability.KvAppend, fmt.Sprintf("c%d.%d ", id, seq)
		default:
			in.Op, in.Value = linearizability.KvPut, fmt.Sprintf("p%d.%d ", id, seq)
		}
		rec.call(id, in)
		var out linearizability.KvOutput
		switch in.Op {
		case linearizability.KvGet:
			out.Value = ck.Get(in.Key)
		case linearizability.KvPut:
			ck.Put(in.Key, in.Value)
		default:
			ck.Append(in.Key, in.Value)
		}
		rec.ret(id, out)
	}
}
