package main

import (
	"fmt"
	"math/rand"
	"sync"
	"time"

	"miniraftkv/linearizability"
)

// historyCounts reports, of a recorded history, the returned gets, puts
// and appends and the operations that never returned.
func historyCounts(ops []linearizability.Operation) (gets, puts, appends, unreturned int) {
	var byOp [3]int
	for _, op := range ops {
		if op.Return == linearizability.NeverReturned {
			unreturned++
			continue
		}
		byOp[op.Input.(linearizability.KvInput).Op]++
	}
	return byOp[linearizability.KvGet], byOp[linearizability.KvPut], byOp[linearizability.KvAppend], unreturned
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
func startClients(c *cluster, rec *linearizability.KvRecorder, n, keys int, seed int64) *clientPool {
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
func runClient(id int, ck kvClerk, rec *linearizability.KvRecorder, rng *rand.Rand, keys int, stop <-chan struct{}) {
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
		op := rec.Call(id, in)
		var out string
		switch in.Op {
		case linearizability.KvGet:
			out = ck.Get(in.Key)
		case linearizability.KvPut:
			ck.Put(in.Key, in.Value)
		default:
			ck.Append(in.Key, in.Value)
		}
		rec.Return(op, out)
	}
}
