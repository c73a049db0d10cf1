package raftkv

import (
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// What the KV service keeps resident per log entry, without snapshots:
//
//	go test -run XXX -bench ResidentBytes -benchtime 1x -count 5 ./raftkv
//
// Three servers apply memBenchEntries Puts of short values (clerks overwrite
// their own key, so the key/value map stays small and the figure is the
// cost of the log). Metrics: bytes/entry/server, the growth of the live
// heap (after a full collection) divided by entries x servers: the log,
// its persisted encoding, the commands and whatever else the service keeps
// per entry; persisted-bytes/entry/server, Raft's persisted state
// (RaftStateSize) per entry and server, part of the former.

const (
	memBenchServers = 3
	memBenchClerks  = 10
	memBenchEntries = 20000
)

func BenchmarkResidentBytesPerEntry(b *testing.B) {
	var resident, persisted float64
	for i := 0; i < b.N; i++ {
		r, p := measureResidentPerEntry(b, memBenchEntries)
		resident += r
		persisted += p
	}
	b.ReportMetric(resident/float64(b.N), "bytes/entry/server")
	b.ReportMetric(persisted/float64(b.N), "persisted-bytes/entry/server")
	b.ReportMetric(0, "ns/op") // the time is that of building a cluster and its log
}

// measureResidentPerEntry builds a cluster without snapshots, has it commit
// and apply about entries Puts on every server, and returns the live heap
// it grew by and its persisted Raft state, per entry and server.
func measureResidentPerEntry(b *testing.B, entries int) (resident, persisted float64) {
	b.StopTimer()
	before := liveHeapBytes()
	b.StartTimer()
	bc := newBenchCluster(memBenchServers)
	defer bc.shutdown()
	putConcurrently(bc, entries)
	applied, ok := awaitAllApplied(bc.servers, 10*time.Second)
	if !ok {
		b.Fatalf("servers did not all apply the same log within 10 s")
	}
	b.StopTimer()
	after := liveHeapBytes()
	var state int
	for _, kv := range bc.servers {
		state += kv.persister.RaftStateSize()
	}
	n := applied * memBenchServers
	return (float64(after) - float64(before)) / float64(n), float64(state) / float64(n)
}

// putConcurrently has memBenchClerks clerks issue entries Puts in all, each
// clerk overwriting its own key with values of 10 to 13 bytes.
func putConcurrently(bc *benchCluster, entries int) {
	var wg sync.WaitGroup
	for c := 0; c < memBenchClerks; c++ {
		ck := bc.clerk()
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			key := "key" + strconv.Itoa(c)
			for k := c; k < entries; k += memBenchClerks {
				ck.Put(key, "v "+strconv.Itoa(c)+" "+strconv.Itoa(k)+" w")
			}
		}(c)
	}
	wg.Wait()
}

// awaitAllApplied waits until every server has applied the same last index
// and returns it, or reports false after limit.
func awaitAllApplied(servers []*KVServer, limit time.Duration) (int, bool) {
	deadline := time.Now().Add(limit)
	for {
		lowest, highest := -1, -1
		for _, kv := range servers {
			kv.mu.Lock()
			applied := kv.lastApplied
			kv.mu.Unlock()
			if lowest < 0 || applied < lowest {
				lowest = applied
			}
			highest = max(highest, applied)
		}
		if lowest == highest {
			return highest, true
		}
		if time.Now().After(deadline) {
			return 0, false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// liveHeapBytes is the heap its objects occupy right after a full garbage
// collection: what the cluster keeps resident. It is internal/heapstat's
// measure (which cmd/kvsim uses) in the form of runtime.MemStats, because
// raftkv's test files must build in a course's copy of the lab packages
// alone, without our internal ones.
func liveHeapBytes() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
