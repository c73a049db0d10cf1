package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"miniraftkv/internal/kvnode"
	"miniraftkv/internal/latency"
	"miniraftkv/labrpc"
	"miniraftkv/raftkv"
)

// benchConfig is what bench's flags say.
type benchConfig struct {
	clients   int
	duration  time.Duration
	keys      int
	valueSize int
	gets      float64 // fraction of operations that are Gets; the rest are Puts
}

func parseBench(args []string, stderr io.Writer) (benchConfig, error) {
	var c benchConfig
	fs := flag.NewFlagSet("raftkv bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.clients, "clients", 100, "concurrent clients, each a Clerk with one operation at a time")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to run")
	fs.IntVar(&c.keys, "keys", 1000, "number of distinct keys")
	fs.IntVar(&c.valueSize, "value-size", 16, "bytes per Put value")
	fs.Float64Var(&c.gets, "gets", 0, "fraction of operations that are Gets (0: every operation is a Put)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, usageError{fmt.Sprintf("bench: unexpected argument %q (bench takes only flags)", fs.Arg(0))}
	}
	if c.valueSize > raftkv.MaxValueBytes-16 {
		return c, usageError{fmt.Sprintf("bench: -value-size %d exceeds the limit of about %d bytes", c.valueSize, raftkv.MaxValueBytes-16)}
	}
	if c.clients < 1 || c.duration <= 0 || c.keys < 1 || c.valueSize < 0 || c.gets < 0 || c.gets > 1 {
		return c, usageError{"bench: -clients, -duration and -keys must be positive, -gets between 0 and 1"}
	}
	return c, nil
}

// benchRun is what the clients of one bench share.
type benchRun struct {
	cfg       benchConfig
	ends      []*labrpc.ClientEnd
	deadline  time.Time
	completed atomic.Int64
	writes    atomic.Int64
}

// bench runs the clients, printing a progress line each second, then the
// throughput, latency percentiles and each server's disk work meanwhile.
//
// A client's operation may block for as long as no leader serves it: the
// run ends with an error if the clients have not all finished within
// timeout after the duration, or at once if no server can be reached.
func bench(ends []*labrpc.ClientEnd, w watch, args []string, timeout time.Duration, stdout, stderr io.Writer) error {
	cfg, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	before := statuses(ends)
	start := time.Now()
	r := &benchRun{cfg: cfg, ends: ends, deadline: start.Add(cfg.duration)}
	lats := make([][]time.Duration, cfg.clients)
	var wg sync.WaitGroup
	for i := 0; i < cfg.clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lats[i] = r.client(int64(i))
		}(i)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	stopProgress := r.progress(stdout, start)
	err = w.await(finished, cfg.duration+timeout)
	stopProgress()
	if err != nil {
		return fmt.Errorf("bench: gave up after %d operations; %w", r.completed.Load(), err)
	}
	elapsed := time.Since(start)
	after := statuses(ends)
	printSummary(stdout, cfg, latency.Merge(lats), elapsed)
	printDisk(stdout, before, after, r.writes.Load(), elapsed)
	return nil
}

// client runs operations one after another until the deadline and returns
// their latencies.
func (r *benchRun) client(seed int64) []time.Duration {
	ck := raftkv.MakeClerk(r.ends)
	rng := rand.New(rand.NewSource(seed))
	value := strings.Repeat("v", r.cfg.valueSize)
	var lats []time.Duration
	for time.Now().Before(r.deadline) {
		key := fmt.Sprintf("k%d", rng.Intn(r.cfg.keys))
		t0 := time.Now()
		if rng.Float64() < r.cfg.gets {
			ck.Get(key)
		} else {
			ck.Put(key, value)
			r.writes.Add(1)
		}
		lats = append(lats, time.Since(t0))
		r.completed.Add(1)
	}
	return lats
}

// progress prints a line a second until the returned stop is called.
func (r *benchRun) progress(stdout io.Writer, start time.Time) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var last int64
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				n := r.completed.Load()
				fmt.Fprintf(stdout, "%5.1fs  %7d ops/s  %9d ops\n", time.Since(start).Seconds(), n-last, n)
				last = n
			}
		}
	}()
	return func() { close(done); <-finished }
}

func printSummary(stdout io.Writer, cfg benchConfig, lats []time.Duration, elapsed time.Duration) {
	fmt.Fprintf(stdout, "%d clients, %.0f%% gets, %v: %d ops, %.0f ops/s, latency p50 %v p99 %v max %v\n",
		cfg.clients, cfg.gets*100, elapsed.Round(time.Millisecond), len(lats),
		float64(len(lats))/elapsed.Seconds(), latency.Percentile(lats, 0.50).Round(time.Microsecond),
		latency.Percentile(lats, 0.99).Round(time.Microsecond), latency.Percentile(lats, 1).Round(time.Microsecond))
}

// statuses asks every server for its status; a missing answer is left
// zero with ok false.
func statuses(ends []*labrpc.ClientEnd) []serverStatus {
	out := make([]serverStatus, len(ends))
	for i, end := range ends {
		out[i].StatusReply, out[i].ok = kvnode.QueryStatus(end)
	}
	return out
}

type serverStatus struct {
	kvnode.StatusReply
	ok bool
}

// printDisk prints each server's fsyncs per second during the run and the
// Puts per appended record (each append is one fsync of the state file).
func printDisk(stdout io.Writer, before, after []serverStatus, writes int64, elapsed time.Duration) {
	for i := range after {
		if !before[i].ok || !after[i].ok {
			fmt.Fprintf(stdout, "server %d: no status (unreachable before or after)\n", i)
			continue
		}
		appends := after[i].Appends - before[i].Appends
		fsyncs := after[i].Fsyncs - before[i].Fsyncs
		perAppend := 0.0
		if appends > 0 {
			perAppend = float64(writes) / float64(appends)
		}
		role := "follower"
		if after[i].IsLeader {
			role = "leader"
		}
		fmt.Fprintf(stdout, "server %d (%s): %.0f fsyncs/s, %d appends, %d rewrites, %.1f puts per append\n",
			i, role, float64(fsyncs)/elapsed.Seconds(), appends, after[i].Rewrites-before[i].Rewrites, perAppend)
	}
}
