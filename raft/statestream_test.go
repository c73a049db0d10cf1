package raft

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
)

// idlePeer builds a peer of a 3-peer cluster from p without starting its
// goroutines, so tests can drive its persistent state directly.
func idlePeer(p *Persister) *Raft {
	return newRaft(make([]*labrpc.ClientEnd, 3), 0, p, make(chan ApplyMsg))
}

// restoreOrPanic restores a peer from state and returns the panic message,
// if any.
func restoreOrPanic(state, snapshot []byte) (rf *Raft, msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	p := MakePersister()
	p.Save(state, snapshot)
	return idlePeer(p), ""
}

func sameState(t *testing.T, a, b *Raft) {
	t.Helper()
	if a.currentTerm != b.currentTerm || a.votedFor != b.votedFor {
		t.Fatalf("hard state T%d/%d, want T%d/%d", b.currentTerm, b.votedFor, a.currentTerm, a.votedFor)
	}
	if a.log.snapshotIndex() != b.log.snapshotIndex() || a.log.snapshotTerm() != b.log.snapshotTerm() {
		t.Fatalf("snapshot %s, want %s", b.log.describe(), a.log.describe())
	}
	if got, want := allEntries(b.log), allEntries(a.log); !reflect.DeepEqual(got, want) {
		t.Fatalf("log %v, want %v", got, want)
	}
}

func TestPersistRoundTripAndAppendOnly(t *testing.T) {
	p := MakePersister()
	rf := idlePeer(p)
	rf.currentTerm, rf.votedFor = 1, 2
	rf.persist()
	var prev []byte
	for i := 1; i <= 50; i++ {
		rf.log.append(LogEntry{Term: rf.currentTerm, Command: fmt.Sprintf("cmd%d", i)})
		rf.persist()
		cur := p.ReadRaftState()
		appended := bytes.HasPrefix(cur, prev)
		if i > 1 && !appended && len(cur) >= len(prev) {
			t.Fatalf("save %d rewrote bytes already saved without compacting (%d -> %d bytes)", i, len(prev), len(cur))
		}
		if i > 1 && appended && len(cur)-len(prev) > 64 {
			t.Fatalf("appending one small entry cost %d bytes: earlier entries re-encoded?", len(cur)-len(prev))
		}
		prev = cur
		if i%10 == 0 {
			rf.currentTerm++
			rf.votedFor = noVote
			rf.log.truncateFrom(rf.log.lastIndex() - 2) // a new leader overwrote two entries
		}
	}
	rf.persist()
	sameState(t, rf, idlePeer(p.Copy()))
}

// TestPersistThroughPlainSave: with a persister that has only the
// exported methods (a course's persister.go, docs/course-files.md), Raft saves
// through Save, and what it saves is byte for byte what the chunked path
// saves, through appends, truncations, term changes and rewrites.
func TestPersistThroughPlainSave(t *testing.T) {
	chunked, plain := MakePersister(), MakePersister()
	a, b := idlePeer(chunked), idlePeer(plain)
	if a.chunkSaver == nil {
		t.Fatal("our Persister's saveChunks was not found")
	}
	b.chunkSaver = nil
	for i := 1; i <= 3000; i++ {
		for _, rf := range []*Raft{a, b} {
			rf.log.append(LogEntry{Term: rf.currentTerm, Command: fmt.Sprintf("%0200d", i)})
			if i%500 == 0 {
				rf.currentTerm++
				rf.log.truncateFrom(rf.log.lastIndex() - 100)
			}
			rf.persist()
		}
		if got, want := plain.ReadRaftState(), chunked.ReadRaftState(); !bytes.Equal(got, want) {
			t.Fatalf("step %d: plain Save holds %d bytes, chunked %d, and they differ", i, len(got), len(want))
		}
	}
	if plain.RaftStateSize() != chunked.RaftStateSize() {
		t.Fatalf("RaftStateSize %d (plain) != %d (chunked)", plain.RaftStateSize(), chunked.RaftStateSize())
	}
	restarted := idlePeer(plain.Copy())
	restarted.chunkSaver = nil
	sameState(t, a, restarted)
}

// TestPersistLongLogInChunks persists a log of several segments, in a
// stream of several chunks, a batch at a time, and checks that no save
// rewrites bytes saved before, that truncating at a segment boundary
// survives a restart, and that a restart restores the log exactly.
func TestPersistLongLogInChunks(t *testing.T) {
	p := MakePersister()
	rf := idlePeer(p)
	rf.currentTerm = 1
	var prev []byte
	for batch := 0; batch < 30; batch++ {
		for k := 0; k < 500; k++ {
			rf.log.append(LogEntry{Term: rf.currentTerm, Command: fmt.Sprintf("%0300d", batch*500+k)})
		}
		if batch == 20 {
			rf.currentTerm++
			// Index 2*segmentSize is the first position of the third
			// segment (position 0 is the snapshot's sentinel), so the
			// whole segment goes.
			rf.log.truncateFrom(2 * segmentSize)
			if len(rf.log.segments) != 2 {
				t.Fatalf("truncating at a segment's first position left %d segments", len(rf.log.segments))
			}
		}
		rf.persist()
		cur := p.ReadRaftState()
		if len(cur) != p.RaftStateSize() {
			t.Fatalf("batch %d: ReadRaftState has %d bytes, RaftStateSize says %d", batch, len(cur), p.RaftStateSize())
		}
		if batch != 20 && !bytes.HasPrefix(cur, prev) {
			t.Fatalf("batch %d rewrote bytes already saved", batch)
		}
		prev = cur
	}
	if len(rf.stream.buf.full) < 2 || rf.log.length() < 2*segmentSize {
		t.Fatalf("the test did not reach several chunks (%d) and segments (log %s)", len(rf.stream.buf.full)+1, rf.log.describe())
	}
	sameState(t, rf, idlePeer(p.Copy()))
}

func TestPersistCompactsObsoleteRecords(t *testing.T) {
	p := MakePersister()
	rf := idlePeer(p)
	rf.currentTerm = 1
	for i := 0; i < 2000; i++ {
		// Append four entries, then lose three of them to a new leader.
		for k := 0; k < 4; k++ {
			rf.log.append(LogEntry{Term: rf.currentTerm, Command: strings.Repeat("x", 50)})
		}
		rf.persist()
		rf.currentTerm++
		rf.log.truncateFrom(rf.log.lastIndex() - 2)
		rf.persist()
	}
	live := rf.log.length()
	perEntry := p.RaftStateSize() / live
	if perEntry > 2*80 {
		t.Fatalf("state is %d bytes for %d live entries (%d per entry): obsolete records are not compacted",
			p.RaftStateSize(), live, perEntry)
	}
	sameState(t, rf, idlePeer(p.Copy()))
}

// TestPersistTermChurnStaysBounded: a peer that only changes term and vote
// (a candidate cut off from the others, election after election) appends a
// hard-state record each time; the persisted state must stay within a
// quarter of its compact size (maxGarbageShare), since services bound it.
func TestPersistTermChurnStaysBounded(t *testing.T) {
	p := MakePersister()
	rf := idlePeer(p)
	rf.currentTerm = 1
	for i := 0; i < 20; i++ {
		rf.log.append(LogEntry{Term: 1, Command: strings.Repeat("x", 40)})
	}
	rf.rewriteState()
	compact := p.RaftStateSize()
	for i := 0; i < 1000; i++ {
		rf.currentTerm++
		rf.votedFor = rf.me
		rf.persist()
		if size, limit := p.RaftStateSize(), compact+compact/maxGarbageShare+rf.stream.hsBytes; size > limit {
			t.Fatalf("term %d: persisted state %d bytes, over %d (compact %d)", rf.currentTerm, size, limit, compact)
		}
	}
	sameState(t, rf, idlePeer(p.Copy()))
}

func TestPersistSnapshotRewritesCompactly(t *testing.T) {
	p := MakePersister()
	rf := idlePeer(p)
	rf.currentTerm = 3
	for i := 0; i < 100; i++ {
		rf.log.append(LogEntry{Term: 3, Command: i})
	}
	rf.persist()
	rf.commitIndex = 100
	rf.Snapshot(95, []byte("service state"))
	if p.RaftStateSize() > 400 {
		t.Fatalf("state after snapshot is %d bytes for 5 entries", p.RaftStateSize())
	}
	if string(p.ReadSnapshot()) != "service state" {
		t.Fatalf("snapshot not saved with the state")
	}
	restored := idlePeer(p.Copy())
	sameState(t, rf, restored)
	if !restored.snapshotPending || restored.lastApplied != 95 || restored.commitIndex != 95 {
		t.Fatalf("restart from snapshot: pending %v lastApplied %d commit %d, want true 95 95",
			restored.snapshotPending, restored.lastApplied, restored.commitIndex)
	}
}

// recordBoundaries returns the offsets at which the records of a stream end.
func recordBoundaries(t *testing.T, state []byte) map[int]bool {
	r := bytes.NewReader(state)
	dec := labgob.NewDecoder(r)
	ends := map[int]bool{}
	for r.Len() > 0 {
		var rec persistRecord
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("decoding a good stream: %v", err)
		}
		ends[len(state)-r.Len()] = true
	}
	return ends
}

func TestRestoreRejectsTruncatedState(t *testing.T) {
	p := MakePersister()
	rf := idlePeer(p)
	rf.currentTerm, rf.votedFor = 2, 1
	for i := 0; i < 5; i++ {
		rf.log.append(LogEntry{Term: 2, Command: i * 1000})
		rf.persist()
	}
	state := p.ReadRaftState()
	ends := recordBoundaries(t, state)
	for cut := 1; cut < len(state); cut++ {
		_, msg := restoreOrPanic(state[:cut], nil)
		switch {
		case ends[cut] && msg != "":
			t.Fatalf("cut at record boundary %d: unexpected panic %q", cut, msg)
		case !ends[cut] && msg == "":
			t.Fatalf("state cut to %d of %d bytes (mid-record) was accepted", cut, len(state))
		case !ends[cut] && !strings.Contains(msg, "S0") || !ends[cut] && !strings.Contains(msg, "persisted state"):
			t.Fatalf("unclear error for truncated state: %q", msg)
		}
	}
}

func TestRestoreRejectsCorruptState(t *testing.T) {
	encode := func(recs ...persistRecord) []byte { return encodeRecords(t, recs...) }
	base := persistRecord{Kind: recordSnapshotBase}
	cases := []struct {
		name  string
		state []byte
	}{
		{"not gob at all", []byte("this is not a raft state")},
		{"unknown record kind", encode(base, persistRecord{Kind: 42})},
		{"term goes backwards", encode(base, persistRecord{Kind: recordHardState, Term: 5}, persistRecord{Kind: recordHardState, Term: 4})},
		{"vote for a peer that does not exist", encode(base, persistRecord{Kind: recordHardState, Term: 1, VotedFor: 7})},
		{"entries leave a gap", encode(base, persistRecord{Kind: recordHardState, Term: 1},
			persistRecord{Kind: recordEntries, From: 3, Entries: []LogEntry{{Term: 1}}})},
		{"entry from a future term", encode(base, persistRecord{Kind: recordHardState, Term: 1},
			persistRecord{Kind: recordEntries, From: 1, Entries: []LogEntry{{Term: 2}}})},
		{"snapshot base not first", encode(persistRecord{Kind: recordHardState, Term: 1}, base)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, msg := restoreOrPanic(c.state, nil)
			if msg == "" {
				t.Fatalf("corrupt state accepted")
			}
			if !strings.Contains(msg, "S0") || !strings.Contains(msg, "persisted state") {
				t.Fatalf("unclear error: %q", msg)
			}
		})
	}
}
