package main

import (
	"context"
	"io"
	"math/rand"
	"os"
	"os/signal"
	"time"

	"miniraftkv/linearizability"
)

// clientGrace is how long clients get to finish their last operation once
// the faults are undone; operations still running then are recorded as
// never returned.
const clientGrace = 15 * time.Second

// simulate runs one simulation, writes its HTML timeline into timeline and
// returns the exit status. A run stopped by Ctrl-C still checks what was
// recorded, and exits 130 as an interrupted command does unless the check
// found a violation (1).
func simulate(cfg config, timeline *os.File, out io.Writer) int {
	con := &console{out: out}
	steps := MakeSchedule(rand.New(rand.NewSource(cfg.seed)), cfg.faults, cfg.servers, cfg.duration)
	con.printf("kvsim: %d servers, %d clients, %d keys, %v, faults %s, maxraftstate %d, seed %d\n",
		cfg.servers, cfg.clients, cfg.keys, cfg.duration, cfg.faults, cfg.maxraftstate, cfg.seed)

	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stopSignals()

	c := newCluster(cfg.servers, cfg.maxraftstate)
	defer c.shutdown()
	c.startAll()
	start := time.Now()
	rec := linearizability.NewKvRecorder()
	pool := startClients(c, rec, cfg.clients, cfg.keys, cfg.seed)
	inj := newInjector(c, steps, con, rec)
	stopFaults, faultsDone := make(chan struct{}), make(chan struct{})
	go func() {
		inj.run(start, stopFaults)
		close(faultsDone)
	}()

	showProgress(ctx, c, inj, rec, con, start, cfg.duration)
	interrupted := ctx.Err() != nil
	stopSignals() // a second Ctrl-C quits at once
	if interrupted {
		con.printf("kvsim: interrupted: checking what was recorded so far\n")
	}
	close(stopFaults)
	<-faultsDone
	inj.restoreAll()
	con.printf("%6.1fs  faults off: network healed and reliable, every server up; clients finishing (up to %v)\n",
		time.Since(start).Seconds(), clientGrace)
	if !pool.stopAndWait(clientGrace) {
		con.printf("kvsim: some clients did not finish within %v: their operations count as never returned\n", clientGrace)
	}
	runTime := time.Since(start)
	status := checkAndReport(cfg, c, inj, rec, con, runTime, timeline)
	if interrupted && status != exitViolation {
		return exitInterrupted
	}
	return status
}

// showProgress prints a progress line every second until duration has
// passed or ctx is cancelled.
func showProgress(ctx context.Context, c *cluster, inj *injector, rec *linearizability.KvRecorder, con *console,
	start time.Time, duration time.Duration) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	end := time.NewTimer(duration)
	defer end.Stop()
	lastOps, lastAt := 0, start
	for {
		select {
		case <-ctx.Done():
			return
		case <-end.C:
			return
		case now := <-tick.C:
			ops := rec.Returned()
			rate := float64(ops-lastOps) / now.Sub(lastAt).Seconds()
			con.printf("%s\n", ProgressLine(now.Sub(start), ops, rate, c.observe(), inj.state()))
			lastOps, lastAt = ops, now
		}
	}
}
