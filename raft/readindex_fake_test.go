package raft_test

// ReadIndex (dissertation §6.4) tested on the paper harness: the real peer
// leads, the fakes hold back or answer its AppendEntries as each test says.

import (
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/raft"
)

// readResult is what one ReadIndex call returned.
type readResult struct {
	index int
	ok    bool
}

// readIndexer is the ReadIndex method, beside the lab API. The tests find it
// with a type assertion, so that this file compiles against a Raft without
// it (the student handout's), where they skip.
type readIndexer interface{ ReadIndex() (int, bool) }

// readIndexOf returns rf's ReadIndex, or skips the test if rf has none.
func readIndexOf(t *testing.T, rf *raft.Raft) func() (int, bool) {
	t.Helper()
	r, ok := interface{}(rf).(readIndexer)
	if !ok {
		t.Skip("this Raft has no ReadIndex method")
	}
	return r.ReadIndex
}

// startRead calls ReadIndex on rf in a goroutine; its result arrives on the
// returned channel.
func startRead(t *testing.T, rf *raft.Raft) <-chan readResult {
	readIndex := readIndexOf(t, rf)
	ch := make(chan readResult, 1)
	go func() {
		index, ok := readIndex()
		ch <- readResult{index, ok}
	}()
	return ch
}

// expectNoRead fails the test if a read returns within d.
func expectNoRead(t *testing.T, reads <-chan readResult, d time.Duration, why string) {
	t.Helper()
	select {
	case r := <-reads:
		t.Fatalf("ReadIndex returned (%d, %v) %s", r.index, r.ok, why)
	case <-time.After(d):
	}
}

// expectRead waits up to waitLong for a read to return (index, true).
func expectRead(t *testing.T, reads <-chan readResult, index int, why string) {
	t.Helper()
	select {
	case r := <-reads:
		if !r.ok || r.index != index {
			t.Fatalf("ReadIndex returned (%d, %v) %s; want (%d, true)", r.index, r.ok, why, index)
		}
	case <-time.After(waitLong):
		t.Fatalf("ReadIndex did not return within %v %s", waitLong, why)
	}
}

// leadWithCommit elects the real peer and has it commit one entry of its
// term (the fakes accept appends); it returns that entry's index.
func (p *paperNet) leadWithCommit() int {
	p.t.Helper()
	p.electReal(0)
	index, _, ok := p.real().Start("x")
	if !ok {
		p.t.Fatalf("real peer refused Start right after winning the election")
	}
	p.awaitApplied(index)
	return index
}

// holdAppends scripts fake f to hold its next AppendEntries until first is
// closed and every later one until later is closed, and returns a channel
// closed once the first one has arrived.
func (p *paperNet) holdAppends(f *fakePeer, first, later <-chan struct{}) <-chan struct{} {
	arrived := make(chan struct{})
	var calls atomic.Int32
	f.script(nil, func(a raft.AppendEntriesArgs) raft.AppendEntriesReply {
		gate := later
		if calls.Add(1) == 1 {
			close(arrived)
			gate = first
		}
		p.hold(gate)
		return raft.AppendEntriesReply{Term: a.Term, Success: true}
	})
	return arrived
}

// TestReadIndexRefusedBeforeCommitInTerm: a new leader does not know which
// entries its predecessors committed until it commits one of its own term,
// so it must refuse ReadIndex until then (§6.4); afterwards it serves reads
// at its commitIndex.
func TestReadIndexRefusedBeforeCommitInTerm(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	p.electReal(0)
	if index, ok := readIndexOf(t, p.real())(); ok {
		t.Fatalf("ReadIndex = (%d, true) before the leader committed an entry of its term; want false", index)
	}
	index, _, _ := p.real().Start("x")
	p.awaitApplied(index)
	expectRead(t, startRead(t, p.real()), index, "after the leader committed an entry of its term")
}

// TestReadIndexRefusedByFollower: only a leader serves reads; a follower
// and a killed peer refuse at once.
func TestReadIndexRefusedByFollower(t *testing.T) {
	p := newPaperNet(t, 3)
	defer p.cleanup()
	if _, ok := readIndexOf(t, p.real())(); ok {
		t.Fatalf("ReadIndex succeeded on a follower")
	}
	p.leadWithCommit()
	p.real().Kill()
	if _, ok := readIndexOf(t, p.real())(); ok {
		t.Fatalf("ReadIndex succeeded on a killed peer")
	}
}

// TestReadIndexNeedsMajorityAfterRead: a read is served only once a majority
// has answered AppendEntries sent after the read arrived; answers to calls
// made before it prove nothing about leadership at the time of the read.
func TestReadIndexNeedsMajorityAfterRead(t *testing.T) {
	p := newPaperNet(t, 5)
	defer p.cleanup()
	index := p.leadWithCommit()
	old := make(chan struct{})
	later := make([]chan struct{}, p.n)
	var arrived []<-chan struct{}
	for i := 1; i < p.n; i++ {
		later[i] = make(chan struct{})
		arrived = append(arrived, p.holdAppends(p.fakes[i], old, later[i]))
	}
	for _, a := range arrived {
		<-a // every follower holds a call made before the read
	}
	reads := startRead(t, p.real())
	expectNoRead(t, reads, 100*time.Millisecond, "while no follower answered")
	close(old)
	expectNoRead(t, reads, 150*time.Millisecond, "when only calls made before the read were answered")
	close(later[1])
	expectNoRead(t, reads, 150*time.Millisecond, "with 2 of 5 peers (leader included) confirming")
	close(later[2])
	expectRead(t, reads, index, "with 3 of 5 peers confirming")
}

// TestReadIndexReadsShareRound: reads that arrive while the followers'
// calls are in flight share the next round: ten reads cost each follower
// one more AppendEntries (two if a heartbeat falls due meanwhile), not ten.
func TestReadIndexReadsShareRound(t *testing.T) {
	const nreads = 10
	p := newPaperNet(t, 3)
	defer p.cleanup()
	index := p.leadWithCommit()
	held := make(chan struct{}) // every call waits until the reads have arrived
	for i := 1; i < p.n; i++ {
		<-p.holdAppends(p.fakes[i], held, held)
	}
	results := make([]<-chan readResult, nreads)
	for k := range results {
		results[k] = startRead(t, p.real())
	}
	before := make([]int, p.n)
	for i := 1; i < p.n; i++ {
		before[i] = len(p.fakes[i].appendsSeen())
	}
	// Give the reads time to arrive while the calls are held; a read
	// arriving later would only cost a second round.
	time.Sleep(50 * time.Millisecond)
	close(held)
	for _, r := range results {
		expectRead(t, r, index, "after the followers answered")
	}
	for i := 1; i < p.n; i++ {
		if calls := len(p.fakes[i].appendsSeen()) - before[i]; calls > 2 {
			t.Errorf("S%d received %d AppendEntries for %d reads that arrived together; want at most 2", i, calls, nreads)
		}
	}
}
