// Package heapstat measures the live heap, for the memory benchmarks of
// raftkv and cmd/kvsim: take Live before building something and again once
// it is built, and divide the difference by what it holds.
//
//	before := heapstat.Live()
//	history := record(n)
//	perOp := float64(heapstat.Live()-before) / float64(n)
//	runtime.KeepAlive(history)
//
// The figure is the bytes of reachable objects right after a full garbage
// collection: what the structure keeps resident, without the garbage a
// process also carries between collections (up to GOGC percent more).
package heapstat

import (
	"runtime"
	"runtime/metrics"
)

// liveMetric is the heap occupied by objects the latest collection marked.
const liveMetric = "/gc/heap/live:bytes"

// Live runs a full garbage collection and returns the bytes of heap objects
// it found reachable. Goroutine stacks and the runtime's own structures are
// not included.
func Live() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: liveMetric}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		panic("heapstat: this Go runtime has no " + liveMetric + " metric (Go 1.21 or newer has it)")
	}
	return sample[0].Value.Uint64()
}

// PerItem is the growth of the live heap from before to after, divided by
// n items; negative when the heap shrank.
func PerItem(before, after uint64, n int) float64 {
	return (float64(after) - float64(before)) / float64(n)
}
