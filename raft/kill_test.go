package raft

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// raftGoroutines counts the goroutines whose stacks run code of this
// package's peers (ticker, applier, RPC senders), as opposed to labrpc's.
func raftGoroutines() (int, string) {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	count := 0
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, fn := range []string{"raft.(*Raft).ticker", "raft.(*Raft).applier"} {
			if strings.Contains(g, fn) {
				count++
				found = append(found, g)
			}
		}
	}
	return count, strings.Join(found, "\n\n")
}

// TestKillStopsEveryGoroutine checks that Kill stops a peer's own goroutines
// at once, that Start and GetState on a killed peer return at once without
// claiming leadership, and that once the network has drained its in-flight
// calls the goroutine count is back where it started.
func TestKillStopsEveryGoroutine(t *testing.T) {
	time.Sleep(100 * time.Millisecond) // let earlier tests' networks drain
	baseline := runtime.NumGoroutine()

	c := newMiniCluster(t, 3, 5)
	l := c.leader()
	for i := 0; i < 20; i++ {
		if !c.commit(l, i) {
			t.Fatalf("commit %d failed", i)
		}
	}
	for _, rf := range c.rafts {
		rf.Kill()
	}
	start := time.Now()
	for {
		n, stacks := raftGoroutines()
		if n == 0 {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("%d ticker/applier goroutines still running 1 s after Kill:\n%s", n, stacks)
		}
		time.Sleep(5 * time.Millisecond)
	}

	done := make(chan bool)
	go func() {
		_, _, isLeader := c.rafts[l].Start(99)
		_, isLeader2 := c.rafts[l].GetState()
		done <- isLeader || isLeader2
	}()
	select {
	case claimed := <-done:
		if claimed {
			t.Fatalf("a killed peer still claims to be the leader")
		}
	case <-time.After(time.Second):
		t.Fatalf("Start/GetState blocked on a killed peer")
	}

	c.net.Cleanup()
	close(c.stop)
	c.services.Wait()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines 3 s after Kill and Cleanup, %d before the cluster:\n%s",
				runtime.NumGoroutine(), baseline, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
