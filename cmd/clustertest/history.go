package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/linearizability"
	"miniraftkv/raftkv"
)

// recorder keeps the history of the clients' operations, timed by one
// monotonic clock, and the appends that were acknowledged.
type recorder struct {
	start time.Time

	mu    sync.Mutex
	ops   []linearizability.Operation // Return = NeverReturned until it returns
	acked map[string][]string         // key -> values of acknowledged appends
}

func newRecorder() *recorder {
	return &recorder{start: time.Now(), acked: make(map[string][]string)}
}

func (r *recorder) now() int64 { return int64(time.Since(r.start)) }

// call records that client is about to issue in, and returns its index.
func (r *recorder) call(client int, in linearizability.KvInput) int {
	t := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops = append(r.ops, linearizability.Operation{ClientId: client, Input: in, Call: t,
		Output: linearizability.KvOutput{}, Return: linearizability.NeverReturned})
	return len(r.ops) - 1
}

// ret records that operation id returned value (a Get's result, else "").
func (r *recorder) ret(id int, value string) {
	t := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	op := &r.ops[id]
	op.Output, op.Return = linearizability.KvOutput{Value: value}, t
	if in := op.Input.(linearizability.KvInput); in.Op == linearizability.KvAppend {
		r.acked[in.Key] = append(r.acked[in.Key], in.Value)
	}
}

// count is the number of operations issued so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ops)
}

// snapshot returns a copy of the history and of the acknowledged appends.
func (r *recorder) snapshot() ([]linearizability.Operation, map[string][]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	acked := make(map[string][]string, len(r.acked))
	for k, v := range r.acked {
		acked[k] = append([]string(nil), v...)
	}
	return append([]linearizability.Operation(nil), r.ops...), acked
}

// do runs one recorded operation through ck.
func (r *recorder) do(ck *raftkv.Clerk, client int, in linearizability.KvInput) {
	id := r.call(client, in)
	switch in.Op {
	case linearizability.KvGet:
		r.ret(id, ck.Get(in.Key))
	case linearizability.KvAppend:
		ck.Append(in.Key, in.Value)
		r.ret(id, "")
	}
}

// workload is the clients' run: Appends of unique values and Gets on a few
// shared keys, so that clients contend and every acknowledged Append has
// to show up, once, in the final value of its key.
type workload struct {
	rec     *recorder
	ends    []*labrpc.ClientEnd
	keys    int
	stop    atomic.Bool
	wg      sync.WaitGroup
	running atomic.Int64
}

func (w *workload) key(i int) string { return fmt.Sprintf("k%d", i) }

func (w *workload) startClients(n int) {
	for c := 0; c < n; c++ {
		w.wg.Add(1)
		w.running.Add(1)
		go w.client(c)
	}
}

func (w *workload) client(id int) {
	defer w.wg.Done()
	defer w.running.Add(-1)
	ck := raftkv.MakeClerk(w.ends)
	rng := rand.New(rand.NewSource(int64(id) + 1))
	for seq := 0; !w.stop.Load(); seq++ {
		in := linearizability.KvInput{Op: linearizability.KvGet, Key: w.key(rng.Intn(w.keys))}
		if rng.Intn(2) == 0 {
			in.Op, in.Value = linearizability.KvAppend, fmt.Sprintf("c%d.%d;", id, seq)
		}
		w.rec.do(ck, id, in)
	}
}

// stopClients asks the clients to stop and waits up to wait for them to
// finish their current operation. It returns how many did not; their
// operations stay in the history as never returned.
func (w *workload) stopClients(wait time.Duration) int {
	w.stop.Store(true)
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
	}
	return int(w.running.Load())
}

// finalReads Gets every key through a new clerk, recorded as one more
// client, and returns the values; an error if they did not all return
// within wait.
func (w *workload) finalReads(client int, wait time.Duration) (map[string]string, error) {
	out := make(chan map[string]string, 1)
	go func() {
		ck := raftkv.MakeClerk(w.ends)
		vals := make(map[string]string)
		for i := 0; i < w.keys; i++ {
			id := w.rec.call(client, linearizability.KvInput{Op: linearizability.KvGet, Key: w.key(i)})
			vals[w.key(i)] = ck.Get(w.key(i))
			w.rec.ret(id, vals[w.key(i)])
		}
		out <- vals
	}()
	select {
	case vals := <-out:
		return vals, nil
	case <-time.After(wait):
		return nil, fmt.Errorf("the final reads did not finish within %v", wait)
	}
}

// checkAcked returns an error naming the first acknowledged append missing
// from, or repeated in, the final value of its key.
func checkAcked(acked map[string][]string, final map[string]string) error {
	total := 0
	for key, vals := range acked {
		for _, v := range vals {
			switch n := strings.Count(final[key], v); {
			case n == 0:
				return fmt.Errorf("acknowledged append %q to %s is missing from its final value", v, key)
			case n > 1:
				return fmt.Errorf("acknowledged append %q to %s appears %d times", v, key, n)
			}
			total++
		}
	}
	fmt.Printf("clustertest: all %d acknowledged appends are in the final values, once each\n", total)
	return nil
}
