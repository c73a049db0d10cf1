package labtcp_test

import (
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"miniraftkv/internal/latency"
	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// What a Put costs over TCP against the simulated network, in one run:
//
//	go test -run '^$' -bench PutCPU -benchtime 20000x ./labtcp
//
// Three KV servers (in-memory persisters, no snapshots) and 100 clerks
// sharing one set of ends in this process, Puts only, their calls carried by labrpc's simulated
// network or by labtcp over loopback. Metrics: cpu-us/op, the CPU time of
// the whole process (servers and clerks) per Put, which other work on the
// machine barely changes; ops/s; p50-us and p99-us, the latency of one Put.

const benchClerks = 100

// BenchmarkPutCPU runs the Puts on each network.
func BenchmarkPutCPU(b *testing.B) {
	for _, network := range []string{"labrpc", "tcp"} {
		b.Run("net="+network, func(b *testing.B) {
			var c *benchKV
			if network == "tcp" {
				c = newTCPBenchKV(b)
			} else {
				c = newSimBenchKV()
			}
			defer c.shutdown()
			runPuts(b, c)
		})
	}
}

// benchKV is a 3-server KV cluster and a way to make clerks of it.
type benchKV struct {
	servers  []*raftkv.KVServer
	ends     func() []*labrpc.ClientEnd // a new end per server, for one clerk
	shutdown func()
}

func newSimBenchKV() *benchKV {
	net := labrpc.MakeNetwork()
	n := 0
	endTo := func(j int) *labrpc.ClientEnd {
		name := "end-" + strconv.Itoa(n)
		n++
		e := net.MakeEnd(name)
		net.Connect(name, j)
		net.Enable(name, true)
		return e
	}
	c := &benchKV{}
	c.ends = func() []*labrpc.ClientEnd {
		return []*labrpc.ClientEnd{endTo(0), endTo(1), endTo(2)}
	}
	for i := 0; i < 3; i++ {
		kv := raftkv.StartKVServer(c.ends(), i, raft.MakePersister(), -1)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(kv))
		srv.AddService(labrpc.MakeService(kv.Raft()))
		net.AddServer(i, srv)
		c.servers = append(c.servers, kv)
	}
	c.shutdown = func() {
		for _, kv := range c.servers {
			kv.Kill()
		}
		net.Cleanup()
	}
	return c
}

func newTCPBenchKV(b *testing.B) *benchKV {
	quiet := labtcp.Options{Logf: func(string, ...interface{}) {}}
	rpcs := make([]*labrpc.Server, 3)
	addrs := make([]string, 3)
	var tcpServers []*labtcp.Server
	for i := range rpcs {
		rpcs[i] = labrpc.MakeServer()
		srv, err := labtcp.Listen("127.0.0.1:0", rpcs[i], quiet)
		if err != nil {
			b.Fatal(err)
		}
		tcpServers = append(tcpServers, srv)
		addrs[i] = srv.Addr().String()
	}
	var mu sync.Mutex
	var clients []*labtcp.Client
	c := &benchKV{}
	c.ends = func() []*labrpc.ClientEnd {
		ends := make([]*labrpc.ClientEnd, 3)
		mu.Lock()
		defer mu.Unlock()
		for j, a := range addrs {
			var cl *labtcp.Client
			ends[j], cl = labtcp.MakeEnd(a, quiet)
			clients = append(clients, cl)
		}
		return ends
	}
	for i := 0; i < 3; i++ {
		kv := raftkv.StartKVServer(c.ends(), i, raft.MakePersister(), -1)
		rpcs[i].AddService(labrpc.MakeService(kv))
		rpcs[i].AddService(labrpc.MakeService(kv.Raft()))
		c.servers = append(c.servers, kv)
	}
	c.shutdown = func() {
		for _, s := range tcpServers {
			s.Close()
		}
		for _, kv := range c.servers {
			kv.Kill()
		}
		for _, cl := range clients {
			cl.Close()
		}
	}
	return c
}

// runPuts spreads b.N Puts over benchClerks clerks, each of its own key.
// The clerks share their ends (one connection per server over TCP), as
// those of raftkv bench do.
func runPuts(b *testing.B, c *benchKV) {
	clerks := make([]*raftkv.Clerk, benchClerks)
	ends := c.ends()
	for i := range clerks {
		clerks[i] = raftkv.MakeClerk(ends)
		clerks[i].Put(strconv.Itoa(i), "") // waits for a leader; warms the clerk up
	}
	lats := make([][]time.Duration, benchClerks)
	b.ResetTimer()
	start, cpu0 := time.Now(), processCPU()
	var wg sync.WaitGroup
	for i := range clerks {
		nops := b.N / benchClerks
		if i < b.N%benchClerks {
			nops++
		}
		wg.Add(1)
		go func(i, nops int) {
			defer wg.Done()
			key := strconv.Itoa(i)
			for k := 0; k < nops; k++ {
				t0 := time.Now()
				clerks[i].Put(key, "v"+strconv.Itoa(k))
				lats[i] = append(lats[i], time.Since(t0))
			}
		}(i, nops)
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	b.StopTimer()
	all := latency.Merge(lats)
	b.ReportMetric(float64(cpu.Nanoseconds())/1e3/float64(b.N), "cpu-us/op")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	b.ReportMetric(micros(latency.Percentile(all, 0.50)), "p50-us")
	b.ReportMetric(micros(latency.Percentile(all, 0.99)), "p99-us")
	b.ReportMetric(0, "ns/op") // b.N ops split over clerks: see ops/s
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// processCPU is the CPU time this process has used (zero if it cannot tell).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
