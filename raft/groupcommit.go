package raft

import "sync"

// Group commit of new log entries (the Raft dissertation, §10.2.1).
//
// Start and the AppendEntries handler do not save the entries they add
// themselves: they hand the work to the peer's saver goroutine, which
// persists everything unsaved at once. The handler waits for that save
// before it replies Success; entries several calls added meanwhile are
// saved together. The leader does not wait at all: it may send entries
// before it has saved them, as long as it counts its own copy
// (matchIndex[me]) only once they are saved.
//
// It is also cheaper per entry: encoding needs a deep stack, which the
// saver has grown once, while a handler goroutine may be new (labrpc reuses
// them, a real transport may not) and grow its own.
//
// Everything else is still persisted synchronously by whoever changes it:
// currentTerm and votedFor with persist(), snapshots with rewriteState().
// Both save any pending entries too.
//
// The saver encodes under rf.mu but hands the bytes to the persister after
// releasing it: a durable persister spends a disk flush there, during which
// Start, handlers and heartbeats carry on (and add entries to the next
// group). Saves still reach the persister in the order their states were
// encoded: each takes saveOrder while it holds rf.mu, and keeps it until
// its write is done. Until the saver's write is done, the state it holds
// counts as unsaved (saver.writing), and Kill waits for it.

// Claims, each checked by a test that fails when it is broken (a persister
// that holds the saver's write on cue puts the test in the window):
//   - safety: an AppendEntries answers Success only once every entry it
//     relies on is saved, also entries an earlier call added whose write is
//     still in flight outside rf.mu (TestAppendAckWaitsForSaveInFlight,
//     TestAppendEntriesSavedBeforeSuccess);
//   - safety: a save asked for during a write is written before its asker
//     is told it is done (TestSaveAskedDuringWriteIsWritten);
//   - safety: saves reach the persister in the order they were encoded: a
//     vote saved during the saver's write lands after it (TestSavesLandInOrder);
//   - safety: a leader counts its own copy of an entry only once it is
//     saved (TestLeaderCountsOnlySavedEntries).

// saver is the state of the saver goroutine, protected by rf.mu.
type saver struct {
	running   bool       // saveLoop has been started (unit tests may not start it)
	writing   bool       // the saver is writing outside rf.mu; its state is not saved yet
	requested uint64     // number of saves asked for
	done      uint64     // the saves asked for up to this one are complete
	wake      *sync.Cond // signalled when a save is asked for
	saved     *sync.Cond // broadcast when a save completes
}

func (s *saver) init(mu *sync.Mutex) {
	s.wake = sync.NewCond(mu)
	s.saved = sync.NewCond(mu)
}

// wakeAll wakes the saver and everyone waiting on it, on Kill.
func (s *saver) wakeAll() {
	s.wake.Broadcast()
	s.saved.Broadcast()
}

// requestSave asks the saver to persist whatever is unsaved and returns
// the number of the request. Caller holds rf.mu.
func (rf *Raft) requestSave() uint64 {
	if !rf.saver.running {
		rf.persist()
		rf.countOwnCopy()
		return rf.saver.done
	}
	rf.saver.requested++
	rf.saver.wake.Signal()
	return rf.saver.requested
}

// awaitSaved returns once the persistent state, as it is now, is on disk,
// or reports false if the peer was killed meanwhile. It releases rf.mu
// while it waits, so the caller must recheck what it relies on. Caller
// holds rf.mu.
func (rf *Raft) awaitSaved() bool {
	if rf.stateUnsaved() || rf.saver.writing {
		want := rf.requestSave()
		for rf.saver.done < want && !rf.killed() {
			rf.saver.saved.Wait()
		}
	}
	return !rf.killed()
}

// saveLoop is the saver goroutine. It exits when the peer is killed.
func (rf *Raft) saveLoop() {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	for {
		for !rf.killed() && rf.saver.done == rf.saver.requested {
			rf.saver.wake.Wait()
		}
		if rf.killed() {
			return
		}
		upTo := rf.saver.requested
		if rf.encodeUnsaved() {
			rf.writeOutsideLock()
		}
		if rf.killed() {
			return // the waiters see killed too
		}
		rf.saver.done = upTo
		rf.saver.saved.Broadcast()
		rf.countOwnCopy()
	}
}

// writeOutsideLock hands what is encoded to the persister with rf.mu
// released, and takes rf.mu again. Caller holds rf.mu.
func (rf *Raft) writeOutsideLock() {
	write := rf.prepareWrite()
	rf.saveOrder.Lock()
	rf.saver.writing = true
	rf.mu.Unlock()
	if !rf.killed() { // Kill waits for saveOrder: a write it did not wait for must not happen
		write()
	}
	rf.saveOrder.Unlock()
	rf.mu.Lock()
	rf.saver.writing = false
}

// awaitWrite waits until no save is being written outside rf.mu. The
// caller may hold rf.mu: the saver does not need it to finish its write.
func (rf *Raft) awaitWrite() {
	rf.saveOrder.Lock()
	//lint:ignore SA2001 the empty critical section is the wait for the saver's write
	rf.saveOrder.Unlock()
}

// countOwnCopy lets a leader count the entries it has saved towards a
// majority (Figure 2 counts the leader's own matchIndex). Caller holds
// rf.mu, with the whole log saved.
func (rf *Raft) countOwnCopy() {
	if rf.role == leader {
		rf.lead.progress[rf.me].matchIndex = rf.log.lastIndex()
		rf.advanceCommitIndex()
	}
}
