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

// ackedAppends returns, by key, the values of the Appends in ops that
// returned (were acknowledged).
func ackedAppends(ops []linearizability.Operation) map[string][]string {
	acked := make(map[string][]string)
	for _, op := range ops {
		if in := op.Input.(linearizability.KvInput); in.Op == linearizability.KvAppend &&
			op.Return != linearizability.NeverReturned {
			acked[in.Key] = append(acked[in.Key], in.Value)
		}
	}
	return acked
}

// do runs one recorded operation of client through ck.
func do(rec *linearizability.KvRecorder, ck *raftkv.Clerk, client int, in linearizability.KvInput) {
	id := rec.Call(client, in)
	switch in.Op {
	case linearizability.KvGet:
		rec.Return(id, ck.Get(in.Key))
	case linearizability.KvAppend:
		ck.Append(in.Key, in.Value)
		rec.Return(id, "")
	}
}

// workload is the clients' run: Appends of unique values and Gets on a few
// shared keys, so that clients contend and every acknowledged Append has
// to show up, once, in the final value of its key.
type workload struct {
	rec     *linearizability.KvRecorder
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
		do(w.rec, ck, id, in)
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
			id := w.rec.Call(client, linearizability.KvInput{Op: linearizability.KvGet, Key: w.key(i)})
			vals[w.key(i)] = ck.Get(w.key(i))
			w.rec.Return(id, vals[w.key(i)])
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
