package raft

import (
	"fmt"
)

// LogEntry is one entry of the replicated log: a command and the term in
// which a leader received it (Figure 2).
type LogEntry struct {
	Term    int
	Command interface{}
}

// raftLog is the log with its snapshot offset. It is the only code that
// turns log indices into storage positions; everything else speaks in Raft
// indices (the first entry has index 1). It has no locks and no timers: the
// caller holds rf.mu.
//
// Position 0 is a sentinel standing for the last entry covered by the
// snapshot: its index is base and its term the snapshot's last term (0 and 0
// with no snapshot), so the entry before any real entry always has a term.
//
// The positions are stored in segments of segmentSize entries rather than
// one slice. A single slice copies every entry, and faults in fresh memory
// for all of them, each time it outgrows its capacity: once a log holds
// millions of entries that stalls the peer for a good part of a second.
// Only the first segment is ever copied, while it fills; later ones are
// allocated whole.
//
// Invariants: base <= lastIndex(); terms never decrease along the log;
// every segment but the last holds exactly segmentSize positions, and the
// last holds at least one.
type raftLog struct {
	segments [][]LogEntry
	base     int // index of position 0, the snapshot's last included index
	// unsaved is the lowest index changed (appended or truncated) since
	// markSaved, or 0 when nothing changed; statestream.go encodes only
	// entries from there on.
	unsaved int
}

// segmentShift sets segmentSize, a power of two so that a position splits
// into segment and offset with a shift and a mask.
const (
	segmentShift = 12
	segmentSize  = 1 << segmentShift
)

func newRaftLog() raftLog {
	return raftLog{segments: [][]LogEntry{{{Term: 0}}}}
}

// size is the number of positions: the sentinel and the entries.
func (l *raftLog) size() int {
	return (len(l.segments)-1)*segmentSize + len(l.segments[len(l.segments)-1])
}

// entryAt returns the entry at a position, which must be below size().
func (l *raftLog) entryAt(pos int) *LogEntry {
	return &l.segments[pos>>segmentShift][pos&(segmentSize-1)]
}

// pos converts an index into a position.
func (l *raftLog) pos(index int) int { return index - l.base }

// snapshotIndex is the index of the last entry the snapshot covers.
func (l *raftLog) snapshotIndex() int { return l.base }

// snapshotTerm is the term of the last entry the snapshot covers.
func (l *raftLog) snapshotTerm() int { return l.segments[0][0].Term }

// firstIndex is the index of the first entry still held in memory.
func (l *raftLog) firstIndex() int { return l.base + 1 }

// lastIndex is the index of the last entry (the snapshot's if none follow it).
func (l *raftLog) lastIndex() int { return l.base + l.size() - 1 }

// lastTerm is the term of the last entry.
func (l *raftLog) lastTerm() int { return l.entryAt(l.size() - 1).Term }

// length is the number of entries after the snapshot.
func (l *raftLog) length() int { return l.size() - 1 }

// term returns the term of the entry at index, or false if that entry is
// neither held nor the snapshot's last one.
func (l *raftLog) term(index int) (int, bool) {
	if index < l.base || index > l.lastIndex() {
		return 0, false
	}
	return l.entryAt(l.pos(index)).Term, true
}

// at returns the entry at index, which must be in firstIndex..lastIndex.
func (l *raftLog) at(index int) LogEntry {
	if index <= l.base || index > l.lastIndex() {
		panic(fmt.Sprintf("raft: log entry %d requested from log %s", index, l.describe()))
	}
	return *l.entryAt(l.pos(index))
}

// copyRange returns a fresh copy of the entries from..to inclusive, at most
// max of them; safe to hand to another goroutine or an RPC.
func (l *raftLog) copyRange(from, to, max int) []LogEntry {
	if from <= l.base {
		from = l.base + 1
	}
	if to > l.lastIndex() {
		to = l.lastIndex()
	}
	if to-from+1 > max {
		to = from + max - 1
	}
	if to < from {
		return nil
	}
	out := make([]LogEntry, 0, to-from+1)
	for from <= to {
		run := l.run(from)
		if n := to - from + 1; len(run) > n {
			run = run[:n]
		}
		out = append(out, run...)
		from += len(run)
	}
	return out
}

// run returns the entries from index (above snapshotIndex) on that lie in
// one segment, without copying, or nil if index is past the end. It is
// valid only until the log next changes, so only for immediate encoding
// under rf.mu; to go through the rest of the log, call it again at
// index+len(run).
func (l *raftLog) run(index int) []LogEntry {
	if index <= l.base {
		panic(fmt.Sprintf("raft: entries from %d requested from log %s", index, l.describe()))
	}
	if index > l.lastIndex() {
		return nil
	}
	p := l.pos(index)
	return l.segments[p>>segmentShift][p&(segmentSize-1):]
}

// append adds entries at the end, filling the last segment before it
// starts a new one. The first segment grows as a slice does, so that a
// short log stays small; every later one is allocated whole.
func (l *raftLog) append(entries ...LogEntry) {
	if len(entries) == 0 {
		return
	}
	l.markUnsaved(l.lastIndex() + 1)
	for len(entries) > 0 {
		last := len(l.segments) - 1
		if len(l.segments[last]) == segmentSize {
			l.segments = append(l.segments, make([]LogEntry, 0, segmentSize))
			last++
		}
		k := min(segmentSize-len(l.segments[last]), len(entries))
		l.segments[last] = append(l.segments[last], entries[:k]...)
		entries = entries[k:]
	}
}

// truncateFrom deletes the entry at index and all that follow it.
func (l *raftLog) truncateFrom(index int) {
	if index <= l.base {
		panic(fmt.Sprintf("raft: truncating at %d would cut into the snapshot of log %s", index, l.describe()))
	}
	if index > l.lastIndex() {
		return
	}
	l.markUnsaved(index)
	p := l.pos(index)
	seg, off := p>>segmentShift, p&(segmentSize-1)
	if off == 0 {
		seg-- // the segment would be left empty: drop it entirely (p > 0, so seg > 0)
		off = segmentSize
	}
	// Let the dropped segments and commands be garbage-collected.
	clear(l.segments[seg+1:])
	clear(l.segments[seg][off:])
	l.segments = l.segments[:seg+1]
	l.segments[seg] = l.segments[seg][:off]
}

func (l *raftLog) markUnsaved(index int) {
	if l.unsaved == 0 || index < l.unsaved {
		l.unsaved = index
	}
}

// markSaved records that everything in the log has been persisted.
func (l *raftLog) markSaved() { l.unsaved = 0 }

// matches reports whether the log contains an entry at prevIndex whose term
// is prevTerm (AppendEntries receiver rule 2). Entries covered by the
// snapshot are committed, hence identical on every peer, so they match.
func (l *raftLog) matches(prevIndex, prevTerm int) bool {
	if prevIndex < l.base {
		return true
	}
	t, ok := l.term(prevIndex)
	return ok && t == prevTerm
}

// mergeFrom stores entries, which follow prevIndex, applying AppendEntries
// receiver rules 3 and 4: "If an existing entry conflicts with a new one
// (same index but different terms), delete the existing entry and all that
// follow it" and "Append any new entries not already in the log". Entries
// the log already holds are left alone, so a stale or duplicate
// AppendEntries never shortens the log. It returns the index of the last
// new entry, prevIndex+len(entries).
func (l *raftLog) mergeFrom(prevIndex int, entries []LogEntry) int {
	for k, e := range entries {
		index := prevIndex + 1 + k
		if index <= l.base {
			continue // covered by the snapshot
		}
		if index > l.lastIndex() {
			l.append(entries[k:]...)
			break
		}
		if l.entryAt(l.pos(index)).Term != e.Term {
			l.truncateFrom(index)
			l.append(entries[k:]...)
			break
		}
	}
	return prevIndex + len(entries)
}

// conflictHint is what a follower whose log does not match at prevIndex
// tells the leader: the term of its entry there and the first index it
// holds for that term, or term 0 and its last index + 1 if it has no entry
// at prevIndex.
func (l *raftLog) conflictHint(prevIndex int) (conflictTerm, conflictIndex int) {
	t, ok := l.term(prevIndex)
	if !ok || prevIndex <= l.base {
		return 0, l.lastIndex() + 1
	}
	first := prevIndex
	for first-1 > l.base && l.entryAt(l.pos(first-1)).Term == t {
		first--
	}
	return t, first
}

// lastIndexOfTerm returns the index of the last entry whose term is term.
func (l *raftLog) lastIndexOfTerm(term int) (int, bool) {
	for p := l.size() - 1; p >= 0; p-- {
		switch t := l.entryAt(p).Term; {
		case t == term:
			return l.base + p, true
		case t < term:
			return 0, false // terms only decrease going backwards
		}
	}
	return 0, false
}

// nextIndexAfterConflict is where a leader should resume sending to a
// follower that rejected an AppendEntries with the given hint: just past
// the leader's last entry for the conflicting term if it has one (the
// follower's entries of that term may all match), else at the first index
// the follower holds for that term (or just past its log when it is short).
func (l *raftLog) nextIndexAfterConflict(conflictTerm, conflictIndex int) int {
	if conflictTerm != 0 {
		if last, ok := l.lastIndexOfTerm(conflictTerm); ok {
			return last + 1
		}
	}
	return conflictIndex
}

// isUpToDate reports whether a log ending with (lastTerm, lastIndex) is at
// least as up-to-date as this one (§5.4.1): "If the logs have last entries
// with different terms, then the log with the later term is more
// up-to-date. If the logs end with the same term, then whichever log is
// longer is more up-to-date."
func (l *raftLog) isUpToDate(lastTerm, lastIndex int) bool {
	if lastTerm != l.lastTerm() {
		return lastTerm > l.lastTerm()
	}
	return lastIndex >= l.lastIndex()
}

// compactTo discards every entry up through index, which a snapshot whose
// last entry has term term now covers (§7). If the log holds that entry
// with that term, the entries after it are kept (Figure 13, receiver rule
// 6); otherwise the whole log is discarded (rule 7). The kept entries move
// to fresh segments so the discarded ones can be garbage-collected.
func (l *raftLog) compactTo(index, term int) {
	kept := newRaftLog()
	kept.segments[0][0].Term = term
	kept.base = index
	if t, ok := l.term(index); ok && t == term {
		kept.append(l.copyRange(index+1, l.lastIndex(), l.length())...)
	}
	*l = kept
	l.unsaved = 0
}

// describe summarises the log for debug output and panics.
func (l *raftLog) describe() string {
	return fmt.Sprintf("[snapshot %d/T%d, entries %d..%d, last term %d]",
		l.base, l.snapshotTerm(), l.firstIndex(), l.lastIndex(), l.lastTerm())
}

// quorumMatchIndex returns the highest index that a majority of the
// voters' matchIndex (the leader's own included, if it votes) has reached:
// the "N such that a majority of matchIndex[i] >= N" of Figure 2.
func quorumMatchIndex(voters []int, progress []peerProgress) int {
	return quorumValue(voters, func(peer int) int { return progress[peer].matchIndex }, func(a, b int) bool { return a < b })
}
