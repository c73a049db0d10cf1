package main

import (
	"math/rand"
	"runtime"
	"strings"
	"sync"
	"testing"

	"miniraftkv/internal/heapstat"
	"miniraftkv/linearizability"
)

// What kvsim's history costs per recorded operation:
//
//	go test -run XXX -bench HistoryBytes -benchtime 1x -count 5 ./cmd/kvsim
//
// Five clients run kvsim's own client loop (runClient, the same operation
// mix on 3 keys) against an in-memory store for historyBenchOps operations
// through the recorder kvsim uses. Metrics: bytes/op, the growth of the
// live heap (after a full collection) per operation while the recorder
// holds the history; check-bytes/op, the same once Close() has also
// handed the checker its operations (both live, as when kvsim
// checks a run).

const historyBenchOps = 200000

// freshClerk is mapClerk with Gets that return a newly allocated copy of
// the value, as a Clerk's decoded reply is.
type freshClerk struct{ *mapClerk }

func (c freshClerk) Get(k string) string { return strings.Clone(c.mapClerk.Get(k)) }

func BenchmarkHistoryBytesPerOp(b *testing.B) {
	var recorded, checked float64
	for i := 0; i < b.N; i++ {
		r, c := measureHistoryPerOp(historyBenchOps)
		recorded += r
		checked += c
	}
	b.ReportMetric(recorded/float64(b.N), "bytes/op")
	b.ReportMetric(checked/float64(b.N), "check-bytes/op")
	b.ReportMetric(0, "ns/op") // the time is that of the in-memory store
}

// measureHistoryPerOp records about n operations and returns the live heap
// grown per operation by the recorder, and by the recorder and the history
// handed to the checker together.
func measureHistoryPerOp(n int) (recorded, checked float64) {
	stop := make(chan struct{})
	store := freshClerk{&mapClerk{data: map[string]string{}, stopAfter: n, stop: stop}}
	before := heapstat.Live()
	rec := linearizability.NewKvRecorder()
	var wg sync.WaitGroup
	for id := 1; id <= 5; id++ { // client 0 pauses between reads
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			runClient(id, store, rec, rand.New(rand.NewSource(int64(id))), 3, stop)
		}(id)
	}
	wg.Wait()
	store.data = nil // the store's values are not part of the history
	ops := rec.Returned()
	withRecorder := heapstat.Live()
	history := rec.Close()
	withHistory := heapstat.Live()
	if len(history) != ops {
		panic("Close() lost operations")
	}
	runtime.KeepAlive(rec) // checkAndReport still uses it after Close()
	runtime.KeepAlive(history)
	return heapstat.PerItem(before, withRecorder, ops), heapstat.PerItem(before, withHistory, ops)
}
