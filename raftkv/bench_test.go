package raftkv

import (
	"fmt"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// Throughput of the KV service on a reliable network, as ops/s and relative
// to the labrpc round trip measured in the same run:
//
//	go test -run XXX -bench KV ./raftkv
//
// Metrics: ops/s; us/op, the mean latency one clerk sees; rtt-us, the mean
// labrpc round trip of an empty call; latency/rtt, us/op over rtt-us (an op is
// at least two round trips: clerk->leader and leader->followers); rpcs/op and
// bytes/op from labrpc's counters (Raft traffic included); cpu-us/op, the
// CPU time the whole process (servers and clerks) spent per op, which other
// work on the machine barely changes.

// EchoArgs is the argument of the round-trip probe.
type EchoArgs struct{ X int }

// EchoReply is the reply of the round-trip probe.
type EchoReply struct{ X int }

// Echo is a do-nothing RPC target for measuring labrpc's round trip.
type Echo struct{}

// Echo answers at once.
func (e *Echo) Echo(args *EchoArgs, reply *EchoReply) { reply.X = args.X }

// measureRTT returns the mean round trip of n sequential empty labrpc calls.
func measureRTT(n int) time.Duration {
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(&Echo{}))
	net.AddServer("echo", srv)
	end := net.MakeEnd("probe")
	net.Connect("probe", "echo")
	net.Enable("probe", true)
	start := time.Now()
	for i := 0; i < n; i++ {
		var reply EchoReply
		if !end.Call("Echo.Echo", &EchoArgs{X: i}, &reply) {
			panic("echo call failed on a reliable network")
		}
	}
	return time.Since(start) / time.Duration(n)
}

// benchCluster is n KV servers on a reliable network, without snapshots.
type benchCluster struct {
	net     *labrpc.Network
	n       int
	servers []*KVServer
	nends   int
}

func newBenchCluster(n int) *benchCluster {
	bc := &benchCluster{net: labrpc.MakeNetwork(), n: n}
	for i := 0; i < n; i++ {
		ends := make([]*labrpc.ClientEnd, n)
		for j := 0; j < n; j++ {
			ends[j] = bc.end(j)
		}
		kv := StartKVServer(ends, i, raft.MakePersister(), -1)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(kv))
		srv.AddService(labrpc.MakeService(kv.rf))
		bc.net.AddServer(i, srv)
		bc.servers = append(bc.servers, kv)
	}
	return bc
}

// end returns a new enabled ClientEnd to server j.
func (bc *benchCluster) end(j int) *labrpc.ClientEnd {
	name := "end-" + strconv.Itoa(bc.nends)
	bc.nends++
	e := bc.net.MakeEnd(name)
	bc.net.Connect(name, j)
	bc.net.Enable(name, true)
	return e
}

func (bc *benchCluster) clerk() *Clerk {
	ends := make([]*labrpc.ClientEnd, bc.n)
	for j := range ends {
		ends[j] = bc.end(j)
	}
	return MakeClerk(ends)
}

func (bc *benchCluster) shutdown() {
	for _, kv := range bc.servers {
		kv.Kill()
	}
	bc.net.Cleanup()
}

// Workloads: which of its operations a clerk makes a Put (the others are
// Gets of the same key).
var (
	halfPuts = func(k int) bool { return k%2 == 0 }
	allPuts  = func(int) bool { return true }
	allGets  = func(int) bool { return false }
)

// BenchmarkKV runs half Puts and half Gets.
func BenchmarkKV(b *testing.B) {
	for _, nservers := range []int{3, 5} {
		benchmarkKVClerks(b, nservers, halfPuts)
	}
}

// BenchmarkKVGets runs Gets alone (after one Put per clerk), on 3 servers.
func BenchmarkKVGets(b *testing.B) {
	benchmarkKVClerks(b, 3, allGets)
}

// BenchmarkKVPuts runs Puts alone, on 3 servers.
func BenchmarkKVPuts(b *testing.B) {
	benchmarkKVClerks(b, 3, allPuts)
}

// benchmarkKVClerks runs the workload with 1, 10 and 100 clerks.
func benchmarkKVClerks(b *testing.B, nservers int, isPut func(k int) bool) {
	for _, nclerks := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("servers=%d/clerks=%d", nservers, nclerks), func(b *testing.B) {
			benchmarkKV(b, nservers, nclerks, isPut)
		})
	}
}

// benchmarkKV runs b.N operations (Puts where isPut says so, otherwise
// Gets, of a clerk's own key) spread over nclerks concurrent clerks.
func benchmarkKV(b *testing.B, nservers, nclerks int, isPut func(k int) bool) {
	rtt := measureRTT(2000)
	bc := newBenchCluster(nservers)
	defer bc.shutdown()
	clerks := make([]*Clerk, nclerks)
	for i := range clerks {
		clerks[i] = bc.clerk()
		clerks[i].Put(strconv.Itoa(i), "") // waits for a leader; warms the clerk up
	}
	rpcs0, bytes0 := bc.net.GetTotalCount(), bc.net.GetTotalBytes()
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	var wg sync.WaitGroup
	for i := 0; i < nclerks; i++ {
		nops := b.N / nclerks
		if i < b.N%nclerks {
			nops++
		}
		wg.Add(1)
		go func(ck *Clerk, key string, nops int) {
			defer wg.Done()
			for k := 0; k < nops; k++ {
				if isPut(k) {
					ck.Put(key, "v"+strconv.Itoa(k))
				} else {
					ck.Get(key)
				}
			}
		}(clerks[i], strconv.Itoa(i), nops)
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	b.StopTimer()
	rpcs, bytes := bc.net.GetTotalCount()-rpcs0, bc.net.GetTotalBytes()-bytes0
	opsPerSec := float64(b.N) / elapsed.Seconds()
	latency := elapsed * time.Duration(nclerks) / time.Duration(b.N)
	b.ReportMetric(opsPerSec, "ops/s")
	b.ReportMetric(float64(latency.Nanoseconds())/1e3, "us/op")
	b.ReportMetric(float64(rtt.Nanoseconds())/1e3, "rtt-us")
	b.ReportMetric(float64(latency)/float64(rtt), "latency/rtt")
	b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(b.N), "cpu-us/op")
	b.ReportMetric(float64(rpcs)/float64(b.N), "rpcs/op")
	b.ReportMetric(float64(bytes)/float64(b.N), "bytes/op")
	b.ReportMetric(0, "ns/op") // ns/op of b.N ops split over clerks is misleading; see us/op
}

// processCPU is the CPU time this process has used (zero if it cannot tell).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
