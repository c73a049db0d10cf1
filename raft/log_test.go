package raft

import (
	"math/rand"
	"reflect"
	"sort"
	"testing"
	"testing/quick"
	"time"
)

// logOf builds a log whose snapshot ends at base with term baseTerm,
// followed by entries with the given terms (commands are their indices).
func logOf(base, baseTerm int, terms ...int) raftLog {
	l := newRaftLog()
	l.compactTo(base, baseTerm)
	for k, t := range terms {
		l.append(LogEntry{Term: t, Command: base + 1 + k})
	}
	l.markSaved()
	return l
}

// allEntries copies every entry after the snapshot.
func allEntries(l raftLog) []LogEntry {
	return l.copyRange(l.firstIndex(), l.lastIndex(), l.length())
}

func termsOf(l raftLog) []int {
	ts := []int{}
	for i := l.firstIndex(); i <= l.lastIndex(); i++ {
		ts = append(ts, l.at(i).Term)
	}
	return ts
}

func TestLogIndexArithmetic(t *testing.T) {
	cases := []struct {
		name                           string
		l                              raftLog
		first, last, lastTerm, snapIdx int
	}{
		{"empty", logOf(0, 0), 1, 0, 0, 0},
		{"three entries", logOf(0, 0, 1, 1, 2), 1, 3, 2, 0},
		{"snapshot only", logOf(10, 3), 11, 10, 3, 10},
		{"snapshot and tail", logOf(10, 3, 3, 4), 11, 12, 4, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := c.l
			got := []int{l.firstIndex(), l.lastIndex(), l.lastTerm(), l.snapshotIndex()}
			want := []int{c.first, c.last, c.lastTerm, c.snapIdx}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("first/last/lastTerm/snapshot = %v, want %v", got, want)
			}
			if _, ok := l.term(l.snapshotIndex() - 1); ok && l.snapshotIndex() > 0 {
				t.Fatalf("term() answered for an index inside the snapshot")
			}
			if _, ok := l.term(l.lastIndex() + 1); ok {
				t.Fatalf("term() answered past the end")
			}
		})
	}
}

func TestLogMatches(t *testing.T) {
	l := logOf(5, 2, 2, 3, 3) // indices 6,7,8
	cases := []struct {
		name            string
		prevIndex, term int
		want            bool
	}{
		{"inside snapshot always matches", 3, 1, true},
		{"snapshot's last entry, right term", 5, 2, true},
		{"snapshot's last entry, wrong term", 5, 1, false},
		{"held entry, right term", 7, 3, true},
		{"held entry, wrong term", 7, 2, false},
		{"past the end", 9, 3, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := l.matches(c.prevIndex, c.term); got != c.want {
				t.Fatalf("matches(%d, %d) = %v, want %v", c.prevIndex, c.term, got, c.want)
			}
		})
	}
}

func TestLogMergeFrom(t *testing.T) {
	e := func(terms ...int) []LogEntry {
		es := make([]LogEntry, len(terms))
		for k, t := range terms {
			es[k] = LogEntry{Term: t}
		}
		return es
	}
	cases := []struct {
		name      string
		l         raftLog
		prev      int
		entries   []LogEntry
		wantTerms []int
		wantLast  int
	}{
		{"append to empty", logOf(0, 0), 0, e(1, 1), []int{1, 1}, 2},
		{"duplicate leaves log alone", logOf(0, 0, 1, 1, 2), 0, e(1, 1), []int{1, 1, 2}, 2},
		{"stale shorter append does not truncate", logOf(0, 0, 1, 1, 2), 1, e(1), []int{1, 1, 2}, 2},
		{"conflict truncates and appends", logOf(0, 0, 1, 1, 2), 1, e(3, 3), []int{1, 3, 3}, 3},
		{"extends after matching prefix", logOf(0, 0, 1, 1), 1, e(1, 2, 2), []int{1, 1, 2, 2}, 4},
		{"skips entries covered by snapshot", logOf(3, 1, 2), 1, e(1, 1, 2, 2), []int{2, 2}, 5},
		{"heartbeat", logOf(0, 0, 1), 1, nil, []int{1}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := c.l
			last := l.mergeFrom(c.prev, c.entries)
			if last != c.wantLast {
				t.Fatalf("last new index %d, want %d", last, c.wantLast)
			}
			if got := termsOf(l); !reflect.DeepEqual(got, c.wantTerms) {
				t.Fatalf("terms %v, want %v", got, c.wantTerms)
			}
		})
	}
}

func TestLogConflictHintAndBackup(t *testing.T) {
	follower := logOf(0, 0, 1, 1, 2, 2, 2) // 1..5
	leader := logOf(0, 0, 1, 1, 3, 3, 3, 3)
	cases := []struct {
		name                   string
		prev                   int
		wantTerm, wantIndex    int
		wantNextOnLeader       int
		wantNextOnLeaderReason string
	}{
		{"too short", 7, 0, 6, 6, "follower's length"},
		{"conflicting term 2 starts at 3", 5, 2, 3, 3, "leader lacks term 2"},
		{"matching term 1", 2, 1, 1, 3, "leader's last term-1 entry + 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			term, index := follower.conflictHint(c.prev)
			if term != c.wantTerm || index != c.wantIndex {
				t.Fatalf("conflictHint(%d) = (T%d, %d), want (T%d, %d)", c.prev, term, index, c.wantTerm, c.wantIndex)
			}
			if next := leader.nextIndexAfterConflict(term, index); next != c.wantNextOnLeader {
				t.Fatalf("next index %d, want %d (%s)", next, c.wantNextOnLeader, c.wantNextOnLeaderReason)
			}
		})
	}
}

func TestLogIsUpToDate(t *testing.T) {
	l := logOf(0, 0, 1, 2, 2) // last T2 at 3
	cases := []struct {
		name              string
		lastTerm, lastIdx int
		want              bool
	}{
		{"later term wins though shorter", 3, 1, true},
		{"earlier term loses though longer", 1, 10, false},
		{"same term, longer", 2, 4, true},
		{"same term, same length", 2, 3, true},
		{"same term, shorter", 2, 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := l.isUpToDate(c.lastTerm, c.lastIdx); got != c.want {
				t.Fatalf("isUpToDate(T%d, %d) = %v, want %v", c.lastTerm, c.lastIdx, got, c.want)
			}
		})
	}
}

func TestLogCompactTo(t *testing.T) {
	cases := []struct {
		name        string
		l           raftLog
		index, term int
		wantTerms   []int
		wantFirst   int
	}{
		{"keeps suffix after matching entry", logOf(0, 0, 1, 1, 2, 2), 2, 1, []int{2, 2}, 3},
		{"discards all on term mismatch", logOf(0, 0, 1, 1, 2, 2), 2, 5, []int{}, 3},
		{"snapshot beyond the log", logOf(0, 0, 1), 10, 4, []int{}, 11},
		{"whole log", logOf(0, 0, 1, 1), 2, 1, []int{}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := c.l
			l.compactTo(c.index, c.term)
			if got := termsOf(l); !reflect.DeepEqual(got, c.wantTerms) {
				t.Fatalf("terms %v, want %v", got, c.wantTerms)
			}
			if l.firstIndex() != c.wantFirst || l.snapshotTerm() != c.term {
				t.Fatalf("first %d snapshot term %d, want %d and %d", l.firstIndex(), l.snapshotTerm(), c.wantFirst, c.term)
			}
		})
	}
}

func TestLogCopyRangeDoesNotAlias(t *testing.T) {
	l := logOf(0, 0, 1, 1, 1, 1)
	c := l.copyRange(2, 3, 10)
	if len(c) != 2 {
		t.Fatalf("copyRange(2,3) has %d entries", len(c))
	}
	c[0].Term = 99
	if l.at(2).Term != 1 {
		t.Fatalf("copyRange aliases the live log")
	}
	if got := len(l.copyRange(1, 4, 3)); got != 3 {
		t.Fatalf("copyRange ignored its max: %d entries", got)
	}
	if got := l.copyRange(5, 4, 10); got != nil {
		t.Fatalf("empty range gave %v", got)
	}
}

func TestLogUnsavedTracking(t *testing.T) {
	l := logOf(0, 0, 1, 1, 1)
	if l.unsaved != 0 {
		t.Fatalf("fresh log unsaved = %d", l.unsaved)
	}
	l.append(LogEntry{Term: 2})
	if l.unsaved != 4 {
		t.Fatalf("after append unsaved = %d, want 4", l.unsaved)
	}
	l.truncateFrom(2)
	if l.unsaved != 2 {
		t.Fatalf("after truncate unsaved = %d, want 2", l.unsaved)
	}
}

// sortedQuorum computes the same thing another way: sorted in decreasing
// order, the value in the middle is the largest that a majority reaches.
func sortedQuorum(match []int) int {
	sorted := append([]int(nil), match...)
	sort.Sort(sort.Reverse(sort.IntSlice(sorted)))
	return sorted[len(sorted)/2]
}

func TestQuorumMatchIndex(t *testing.T) {
	cases := []struct {
		match []int
		want  int
	}{
		{[]int{5}, 5},
		{[]int{5, 3, 4}, 4},
		{[]int{0, 0, 7}, 0},
		{[]int{9, 1, 2, 8}, 2},
		{[]int{1, 2, 3, 4, 5}, 3},
	}
	for _, c := range cases {
		if got := quorumMatchIndex(firstPeers(len(c.match)), progressWithMatch(c.match)); got != c.want {
			t.Errorf("quorumMatchIndex(%v) = %d, want %d", c.match, got, c.want)
		}
	}
	f := func(raw []uint8) bool {
		if len(raw) == 0 {
			return true
		}
		match := make([]int, len(raw))
		for i, v := range raw {
			match[i] = int(v)
		}
		return quorumMatchIndex(firstPeers(len(match)), progressWithMatch(match)) == sortedQuorum(match)
	}
	if err := quick.Check(f, nil); err != nil {
		t.Fatal(err)
	}
}

func TestSendDue(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name string
		p    peerProgress
		work bool
		want bool
	}{
		{"idle and quiet: heartbeat due", peerProgress{sentAt: now.Add(-heartbeatInterval)}, false, true},
		{"idle, sent recently: nothing", peerProgress{sentAt: now.Add(-heartbeatInterval / 2)}, false, false},
		{"work, nothing in flight: at once", peerProgress{sentAt: now}, true, true},
		{"work, call in flight: wait", peerProgress{inflight: true, sentAt: now.Add(-time.Millisecond)}, true, false},
		{"call in flight too long: presumed lost", peerProgress{inflight: true, sentAt: now.Add(-staleCallAfter)}, false, true},
		{"responsive follower, slow call: heartbeat on time", peerProgress{inflight: true, lastReply: now,
			sentAt: now.Add(-heartbeatInterval)}, false, true},
		{"after one failure: at once", peerProgress{failures: 1, sentAt: now}, false, true},
		{"after many failures: back off", peerProgress{failures: 5, sentAt: now}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := sendDue(c.p, c.work, now); got != c.want {
				t.Fatalf("sendDue = %v, want %v", got, c.want)
			}
		})
	}
	for f := 0; f < 70; f++ {
		if d := retryBackoff(f); d < 0 || d > heartbeatInterval {
			t.Fatalf("retryBackoff(%d) = %v out of range", f, d)
		}
	}
}

func TestElectionTimeoutRange(t *testing.T) {
	for _, r := range []float64{0, 0.5, 0.999} {
		d := electionTimeout(r, 0)
		if d < electionTimeoutMin || d > electionTimeoutMax {
			t.Fatalf("electionTimeout(%v) = %v outside [%v, %v]", r, d, electionTimeoutMin, electionTimeoutMax)
		}
		if d <= 300*time.Millisecond || heartbeatInterval*3/2 > d {
			t.Fatalf("electionTimeout %v not above the paper's 150-300 ms and 1.5 heartbeats", d)
		}
		if q := electionTimeout(r, 100); q != quietBackoff*d {
			t.Fatalf("quiet backoff gives %v, want %v", q, quietBackoff*d)
		}
	}
}

func TestResumeIndex(t *testing.T) {
	cases := []struct {
		name                 string
		next, commit, expect int
	}{
		{"follower's commit close behind the guess: resume after it", 40, 30, 31},
		{"guess already at the commit: keep it", 31, 30, 31},
		{"commit far behind: keep the guess", 5000, 10, 5000},
		{"commit ahead of the guess: keep the guess", 10, 20, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := resumeIndex(c.next, c.commit); got != c.expect {
				t.Fatalf("resumeIndex(%d, %d) = %d, want %d", c.next, c.commit, got, c.expect)
			}
		})
	}
}

// naiveLog is the log as one slice, indexed from base: what raftLog's
// segments must behave like.
type naiveLog struct {
	base    int
	entries []LogEntry // entries[0] is the snapshot's last entry
}

func (n *naiveLog) last() int { return n.base + len(n.entries) - 1 }

// TestLogSegmentsMatchNaiveLog drives a raftLog across many segment
// boundaries with random appends, truncations (at and around boundaries)
// and compactions, and checks every index against a single-slice model.
func TestLogSegmentsMatchNaiveLog(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	l := newRaftLog()
	model := naiveLog{entries: []LogEntry{{Term: 0}}}
	term := 1
	for step := 0; step < 400; step++ {
		switch op := r.Intn(10); {
		case op < 6: // append a batch, sometimes larger than a segment
			n := r.Intn(3 * segmentSize / 2)
			if r.Intn(4) == 0 {
				term++
			}
			batch := make([]LogEntry, n)
			for k := range batch {
				batch[k] = LogEntry{Term: term, Command: step*10000 + k}
			}
			l.append(batch...)
			model.entries = append(model.entries, batch...)
		case op < 9 && model.last() > model.base: // truncate, often at a boundary
			index := model.base + 1 + r.Intn(model.last()-model.base)
			if r.Intn(2) == 0 {
				p := (index - model.base) &^ (segmentSize - 1)
				if p > 0 {
					index = model.base + p + r.Intn(3) - 1
				}
			}
			if index > model.base {
				l.truncateFrom(index)
				model.entries = model.entries[:index-model.base]
			}
		case model.last() > model.base: // compact, keeping the rest
			index := model.base + r.Intn(model.last()-model.base+1)
			idxTerm := model.entries[index-model.base].Term
			l.compactTo(index, idxTerm)
			model.entries = append([]LogEntry{{Term: idxTerm}}, model.entries[index-model.base+1:]...)
			model.base = index
		}
		checkAgainstNaive(t, step, &l, &model)
	}
}

func checkAgainstNaive(t *testing.T, step int, l *raftLog, model *naiveLog) {
	t.Helper()
	if l.snapshotIndex() != model.base || l.lastIndex() != model.last() ||
		l.snapshotTerm() != model.entries[0].Term || l.lastTerm() != model.entries[len(model.entries)-1].Term {
		t.Fatalf("step %d: log %s, model base %d last %d", step, l.describe(), model.base, model.last())
	}
	for i := model.base + 1; i <= model.last(); i++ {
		if got, want := l.at(i), model.entries[i-model.base]; got != want {
			t.Fatalf("step %d: entry %d is %v, want %v", step, i, got, want)
		}
	}
	if got := allEntries(*l); !reflect.DeepEqual(got, append([]LogEntry(nil), model.entries[1:]...)) {
		t.Fatalf("step %d: copyRange of everything differs from the model", step)
	}
	covered := 0
	for from := l.firstIndex(); from <= l.lastIndex(); {
		run := l.run(from)
		if len(run) == 0 || len(run) > segmentSize {
			t.Fatalf("step %d: run(%d) has %d entries", step, from, len(run))
		}
		covered += len(run)
		from += len(run)
	}
	if covered != l.length() {
		t.Fatalf("step %d: runs cover %d entries of %d", step, covered, l.length())
	}
	for k, seg := range l.segments {
		if len(seg) == 0 || (k < len(l.segments)-1 && len(seg) != segmentSize) {
			t.Fatalf("step %d: segment %d of %d holds %d positions", step, k, len(l.segments), len(seg))
		}
	}
}

// progressWithMatch is a leader's progress with the given matchIndex per peer.
func progressWithMatch(match []int) []peerProgress {
	progress := make([]peerProgress, len(match))
	for i, m := range match {
		progress[i].matchIndex = m
	}
	return progress
}
