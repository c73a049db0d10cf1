package raft

// Benchmarks and long measurements of a 3-peer cluster on a reliable labrpc
// network, each reported against the network's own round-trip time measured
// in the same run, so the figures mean something on any machine.
//
//	go test -run '^$' -bench . -benchtime 3s ./raft
//	go test -run 'TestSnapshotStateBounded|TestIdleCPU' -v ./raft

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// BenchmarkRoundTrip is one labrpc call to a trivial handler.
func BenchmarkRoundTrip(b *testing.B) {
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	end := echoEnd(net)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var reply EchoReply
		if !end.Call("Echo.Echo", &EchoArgs{X: i}, &reply) || reply.X != i {
			b.Fatalf("echo call %d failed", i)
		}
	}
}

// BenchmarkAgreementLatency is one command at a time: Start on the leader,
// then wait until the leader has applied it. Target: at most 3 round trips.
//
// A round trip costs more in a process with more live memory (6-7 us with
// an idle cluster, 8-10 us once a log of 100,000 entries is in memory), so
// it is measured in the same conditions as the commits: with the cluster
// up, once before the timed loop and once after it, and averaged.
func BenchmarkAgreementLatency(b *testing.B) {
	c := newMiniCluster(b, 3, 0)
	defer c.shutdown()
	l := c.leader()
	rttBefore := measureRoundTrip(b)
	rpcs0 := c.net.GetTotalCount()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if !c.commit(l, i) {
			b.Fatalf("commit %d failed", i)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	rtt := (rttBefore + measureRoundTrip(b)) / 2
	perOp := elapsed / time.Duration(b.N)
	b.ReportMetric(float64(perOp)/float64(rtt), "rtts/op")
	b.ReportMetric(float64(c.net.GetTotalCount()-rpcs0)/float64(b.N), "rpcs/op")
	b.ReportMetric(float64(rtt.Nanoseconds()), "ns/rtt")
}

// runProposers runs proposers closed-loop clients against leader l until n
// commands have committed, each calling tick after every commit, and
// returns the time taken.
func runProposers(tb testing.TB, c *miniCluster, l, proposers, n int, tick func()) time.Duration {
	var next int64
	var wg sync.WaitGroup
	start := time.Now()
	for p := 0; p < proposers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for atomic.AddInt64(&next, 1) <= int64(n) {
				if !c.commit(l, p) {
					term, isLeader := c.rafts[l].GetState()
					tb.Errorf("proposer %d: commit failed; peer %d now term %d, leader %v", p, l, term, isLeader)
					return
				}
				if tick != nil {
					tick()
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkThroughput is closed-loop proposers, each waiting for its command
// to be applied at the leader before proposing the next. One op is one
// commit. Target: at least 50,000 commits/s with 100 proposers (no -race).
func BenchmarkThroughput(b *testing.B) {
	rtt := measureRoundTrip(b)
	for _, proposers := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("proposers=%d", proposers), func(b *testing.B) {
			c := newMiniCluster(b, 3, 0)
			defer c.shutdown()
			l := c.leader()
			rpcs0 := c.net.GetTotalCount()
			b.ResetTimer()
			elapsed := runProposers(b, c, l, proposers, b.N, nil)
			b.StopTimer()
			rate := float64(b.N) / elapsed.Seconds()
			b.ReportMetric(rate, "commits/s")
			b.ReportMetric(rate*rtt.Seconds(), "commits/rtt")
			b.ReportMetric(float64(c.net.GetTotalCount()-rpcs0)/float64(b.N), "rpcs/commit")
		})
	}
}

// BenchmarkSustainedThroughput runs 100 proposers for 10 s without snapshots
// and prints the commits of every second, both per wall-clock second and per
// CPU-second this process used (the latter does not depend on what else the
// machine is doing). It fails if the last second's commits per CPU-second
// fall below 80% of the first second's: the growing log must not slow Raft
// down.
func BenchmarkSustainedThroughput(b *testing.B) {
	c := newMiniCluster(b, 3, 0)
	defer c.shutdown()
	l := c.leader()
	var commits int64
	stop := make(chan struct{})
	seconds := sampleSeconds(b, &commits, 10, stop)
	b.ResetTimer()
	var wg sync.WaitGroup
	for p := 0; p < 100; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !c.commit(l, p) {
					b.Errorf("commit failed (leadership lost?)")
					return
				}
				atomic.AddInt64(&commits, 1)
			}
		}()
	}
	r := <-seconds
	wg.Wait()
	b.StopTimer()
	wall := make([]int64, len(r))
	perCPU := make([]int64, len(r))
	for i, s := range r {
		wall[i] = s.commits
		perCPU[i] = int64(float64(s.commits) / s.cpu.Seconds())
	}
	b.Logf("commits in each second: %v", wall)
	b.Logf("commits per CPU-second:  %v (log length %d at the end)", perCPU, commits)
	first, last := float64(perCPU[0]), float64(perCPU[9])
	b.ReportMetric(float64(wall[0]), "first-s-commits")
	b.ReportMetric(float64(wall[9]), "last-s-commits")
	b.ReportMetric(last/first, "last/first-per-cpu")
	if last < 0.8*first {
		b.Fatalf("last second's commits per CPU-second %.0f are below 80%% of the first's %.0f", last, first)
	}
}

// second is what happened in one second of a sustained run.
type second struct {
	commits int64
	cpu     time.Duration
}

// sampleSeconds records, for n seconds, the commits counted in *commits and
// the CPU time used in each second, then closes stop and sends the samples.
func sampleSeconds(tb testing.TB, commits *int64, n int, stop chan struct{}) <-chan []second {
	seconds := make(chan []second, 1)
	go func() {
		var r []second
		t := time.NewTicker(time.Second)
		defer t.Stop()
		lastCommits, lastCPU := int64(0), cpuTime(tb)
		for range t.C {
			now, cpu := atomic.LoadInt64(commits), cpuTime(tb)
			r = append(r, second{now - lastCommits, cpu - lastCPU})
			lastCommits, lastCPU = now, cpu
			if len(r) == n {
				close(stop)
				seconds <- r
				return
			}
		}
	}()
	return seconds
}

// TestSnapshotStateBounded commits 10,000 commands, 1,000 at a time, with a
// service that snapshots every 10 entries, and checks that the persisted
// Raft state stays bounded. Once every peer has applied a round, its state
// is the hard state plus at most 9 entries past its latest snapshot, however
// many commands came before; without snapshots it would grow by about 20 KB
// a round (200 KB at the end). While commands flow the state also holds the
// entries a follower's service has not applied yet: that depends on
// scheduling, not on the number of commands, so it is reported, not
// asserted.
func TestSnapshotStateBounded(t *testing.T) {
	c := newMiniCluster(t, 3, 10)
	defer c.shutdown()
	l := c.leader()
	var mu sync.Mutex
	flowing := 0
	var settled []int
	for round := 1; round <= 10; round++ {
		runProposers(t, c, l, 10, 1000, func() {
			mu.Lock()
			defer mu.Unlock()
			flowing = max(flowing, c.maxStateSize())
		})
		c.mu.Lock()
		last := c.applied[l]
		c.mu.Unlock()
		for i := range c.rafts {
			if !c.awaitApplied(i, last) {
				t.Fatalf("peer %d did not apply index %d within 5 s", i, last)
			}
		}
		settled = append(settled, c.maxStateSize())
	}
	t.Logf("raft state after each 1,000 commands, once applied everywhere: %v bytes; at most %d bytes while commands flowed",
		settled, flowing)
	const bound = 2000 // 9 entries and the hard state, with gob's type descriptors
	for k, s := range settled {
		if s > bound {
			t.Fatalf("after %d commands the raft state is %d bytes once applied everywhere (bound %d)", 1000*(k+1), s, bound)
		}
	}
}

// TestIdleCPU measures the CPU time three idle peers use in 10 s (heartbeats
// and timers only). Skipped with -short.
func TestIdleCPU(t *testing.T) {
	if testing.Short() {
		t.Skip("10 s measurement; skipped with -short")
	}
	c := newMiniCluster(t, 3, 0)
	defer c.shutdown()
	c.leader()
	time.Sleep(500 * time.Millisecond)
	before := cpuTime(t)
	rpcs0 := c.net.GetTotalCount()
	time.Sleep(10 * time.Second)
	used := cpuTime(t) - before
	t.Logf("3 idle peers for 10 s: %.3f CPU seconds (%.2f%% of one core), %d RPCs",
		used.Seconds(), 100*used.Seconds()/10, c.net.GetTotalCount()-rpcs0)
	if used > time.Second {
		t.Fatalf("idle cluster used %v of CPU in 10 s", used)
	}
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Errorf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTickerDelivery measures how many of the ticker's ticks a
// goroutine receives on this machine, as a share of the ticks due in the
// time it ran: what an election timer counting ticks (rather than reading
// the clock) would lose on a loaded machine (see discountPause).
func BenchmarkTickerDelivery(b *testing.B) {
	t := time.NewTicker(tickInterval)
	defer t.Stop()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		<-t.C
	}
	due := float64(time.Since(start)) / float64(tickInterval)
	b.ReportMetric(100*float64(b.N)/due, "%ticks-delivered")
}
