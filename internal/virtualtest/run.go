//go:build go1.25

package virtualtest

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"miniraftkv/labrpc"
)

var (
	seedFlag = flag.Int64("virtual.seed", 0,
		"the seed of every test of this run in virtual time (0: a random one, printed)")
	stallFlag = flag.Duration("virtual.stall", DefaultStall,
		"fail a test whose virtual clock has not moved for this long in real time")
	limitFlag = flag.Duration("virtual.limit", DefaultLimit,
		"fail a test still running after this much virtual time (0: no limit)")
)

// DefaultLimit is the virtual time a test may run before the watchdog fails
// it: the testers' own limit per test. A test that reaches it would fail
// their check anyway, but only once it returned; a test that can never
// return (clerks retrying for ever while the clock keeps moving) would
// otherwise run, and grow, until go test's real-time -timeout.
const DefaultLimit = 120 * time.Second

// DefaultStall is how long, in real time, the virtual clock may stand still
// before the watchdog fails the test. A tester's longest stretch of pure CPU
// work is the KV history check at the end of a test, a few seconds at most.
const DefaultStall = 60 * time.Second

// hopLatency is how long, in virtual time, each request and each reply
// takes to cross a labrpc network. With none, a clerk that retries at once
// spins while the virtual clock stands still; 100 us still let clients run
// away, and 5 ms made a Raft round trip too slow for the KV speed tests' 33
// ms per operation.
const hopLatency = time.Millisecond

// clockTick is how often, in virtual time, the clock's progress is
// published to the watchdog.
const clockTick = 100 * time.Millisecond

// Run runs test in virtual time inside a synctest bubble, seeding
// math/rand's global source with the run's seed and passing the seed to
// enter before the test starts (see the package comment).
func Run(t *testing.T, test func(*testing.T), enter func(seed int64)) {
	seed := *seedFlag
	for seed == 0 {
		seed = rand.Int63()
	}
	fmt.Printf("virtual time: %s, seed %d (repeat it with -virtual.seed %d)\n", OriginalName(t.Name()), seed, seed)
	checkSeeding()
	labrpc.SetDefaultLatency(hopLatency)
	enter(seed)
	var p progress
	stopWatch := watchClock(t.Name(), &p, *stallFlag, *limitFlag)
	defer stopWatch()
	synctest.Test(t, func(t *testing.T) {
		rand.Seed(seed) //lint:ignore SA1019 the deprecated global seeding is the point: tests draw from it
		stopTicks := publishClock(&p.clock)
		defer p.ended.Store(true)
		defer stopTicks()
		test(t)
	})
}

// checkSeeding panics if rand.Seed does nothing, as it does since Go 1.24
// unless the binary is built with randseednop=0 (the generated file says
// so): a seed that is not used would make every replay a lie.
func checkSeeding() {
	draw := func() int64 {
		rand.Seed(1) //lint:ignore SA1019 see Run
		return rand.Int63()
	}
	if first := draw(); draw() != first {
		panic("virtualtest: rand.Seed has no effect; the test binary needs //go:debug randseednop=0")
	}
}

// progress is what the watchdog knows of a test in its bubble.
type progress struct {
	clock atomic.Int64 // virtual milliseconds since the test began, every clockTick
	ended atomic.Bool  // the test function has returned; synctest waits for its goroutines
}

// publishClock starts a goroutine of the bubble that stores the virtual time
// into clock every clockTick until stop is called.
func publishClock(clock *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	start := time.Now()
	go func() {
		ticker := time.NewTicker(clockTick)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-ticker.C:
				clock.Store(now.Sub(start).Milliseconds())
			}
		}
	}()
	return func() { close(done) }
}

// watchClock starts the real-time watchdog, outside the bubble: if clock
// has not changed for stall, or has reached limit (when not 0) while the
// test runs, it fails the whole binary (see stalled and overran).
func watchClock(name string, p *progress, stall, limit time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		ticker := time.NewTicker(min(stall/10, time.Second))
		defer ticker.Stop()
		last, movedAt := p.clock.Load(), time.Now()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
			c := p.clock.Load()
			if limit > 0 && c >= limit.Milliseconds() && !p.ended.Load() {
				overran(name, c, limit)
			}
			if c != last {
				last, movedAt = c, time.Now()
			} else if time.Since(movedAt) >= stall {
				stalled(name, c, stall, p.ended.Load())
			}
		}
	}()
	return func() { close(done) }
}

// overran prints every goroutine's stack and ends the binary: the test has
// run longer in virtual time than any tester allows a test, and is most
// likely live-locked (its goroutines keep the clock moving, so stalled
// never fires).
func overran(name string, clockMs int64, limit time.Duration) {
	printStacks()
	panic(fmt.Sprintf("%s: still running after %v of virtual time, past -virtual.limit %v "+
		"(the testers allow a test 120 s): live-locked?; every goroutine's stack is above",
		name, time.Duration(clockMs)*time.Millisecond, limit))
}

func printStacks() {
	buf := make([]byte, 64<<20)
	buf = buf[:runtime.Stack(buf, true)]
	fmt.Fprintf(os.Stderr, "%s\n", buf)
}

// stalled prints every goroutine's stack and ends the binary: the test can
// neither finish nor fail by itself, and its goroutines, stuck or spinning,
// are what the reader needs.
func stalled(name string, clockMs int64, stall time.Duration, ended bool) {
	printStacks()
	if ended {
		panic(fmt.Sprintf("%s: no progress in real time: the test ended at %d ms of virtual time, "+
			"but %v later goroutines it started still run (in virtual time every goroutine must "+
			"exit when its peer is killed and the test cleans up); every goroutine's stack is above",
			name, clockMs, stall))
	}
	panic(fmt.Sprintf("%s: no progress in real time: the virtual clock has stood at %d ms for %v "+
		"(a goroutine spinning without blocking, blocked on a mutex, or waiting on real I/O "+
		"keeps it still); every goroutine's stack is above", name, clockMs, stall))
}
