package raft

import (
	"sync"
	"testing"
	"time"
)

// TestLeaseShorterThanElectionTimeout: a lease must end before any follower
// that acknowledged it may vote again (the minimum election timeout), with
// room for clock drift (dissertation §6.4.1).
func TestLeaseShorterThanElectionTimeout(t *testing.T) {
	if leaseDuration+leaseDriftMargin > electionTimeoutMin || leaseDriftMargin <= 0 {
		t.Fatalf("lease %v with drift margin %v; want lease + margin <= the minimum election timeout %v, margin > 0",
			leaseDuration, leaseDriftMargin, electionTimeoutMin)
	}
}

// leaseRead is one ReadIndex call made by TestLeaseCutOffLeader.
type leaseRead struct {
	start, end time.Time
	ok         bool
}

// readUntil calls ReadIndex on rf over and over (1 ms apart) until stop is
// closed, and returns every call made.
func readUntil(rf *Raft, stop <-chan struct{}) []leaseRead {
	var reads []leaseRead
	for {
		select {
		case <-stop:
			return reads
		case <-time.After(time.Millisecond):
		}
		start := time.Now()
		_, ok := rf.ReadIndex()
		reads = append(reads, leaseRead{start, time.Now(), ok})
	}
}

// TestLeaseCutOffLeader: a leader with lease reads on, cut off from the
// others, stops serving reads before the others can elect a new leader and
// commit a write (§6.4.1): no read that began after that write completed is
// served by the old leader, whose commitIndex cannot hold the write. The
// old leader is asked for reads every millisecond from the partition on.
func TestLeaseCutOffLeader(t *testing.T) {
	c := newMiniCluster(t, 3, 0)
	defer c.shutdown()
	for _, rf := range c.rafts {
		rf.SetLeaseReads(true)
	}
	l := c.leader()
	if !c.commit(l, "before") {
		t.Fatalf("S%d could not commit a first command", l)
	}
	term, _ := c.rafts[l].GetState()
	stop := make(chan struct{})
	var reads []leaseRead
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); reads = readUntil(c.rafts[l], stop) }()
	cutAt := time.Now()
	c.setConnected(l, false)
	nl := awaitOtherLeader(t, c, l, term)
	if !c.commit(nl, "after") {
		t.Fatalf("new leader S%d could not commit a write", nl)
	}
	writtenAt := time.Now()
	time.Sleep(quorumTimeout) // the old leader is asked for reads until it has surely stepped down
	close(stop)
	wg.Wait()
	served := 0
	for _, r := range reads {
		if r.ok && r.start.After(writtenAt) {
			t.Fatalf("old leader S%d served a read begun %v after S%d committed a write it cannot hold",
				l, r.start.Sub(writtenAt), nl)
		}
		if r.ok && r.start.After(cutAt) {
			served++
		}
	}
	t.Logf("S%d served %d reads after it was cut off; S%d committed a write %v after the cut",
		l, served, nl, writtenAt.Sub(cutAt))
}

// awaitOtherLeader waits up to 10 s for a peer other than l to lead a term
// after term, and returns it.
func awaitOtherLeader(t *testing.T, c *miniCluster, l, term int) int {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for i, rf := range c.rafts {
			if t2, isLeader := rf.GetState(); i != l && isLeader && t2 > term {
				return i
			}
		}
	}
	t.Fatalf("no peer but the cut-off S%d led a term after %d within 10 s", l, term)
	return -1
}
