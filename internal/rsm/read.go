package rsm

// readWaiter is a Read waiting for the apply loop to reach its read index.
type readWaiter struct {
	index int
	ready chan struct{} // closed once lastApplied >= index
}

// Read runs query against the state machine without a log entry
// (dissertation §6.4): Raft's ReadIndex confirms that this replica still
// leads and gives the commit index at the time of the call; once the apply
// loop has applied through it, the state holds every write that completed
// before Read began, and query runs (from the calling goroutine: it must
// take the service's own lock). It returns false when ReadIndex refuses
// (not the leader, leadership lost, or no entry of the leader's term
// committed yet) or after Kill; the caller then puts the query through the
// log with Submit, or tries another replica.
func (r *RSM) Read(query func() interface{}) (interface{}, bool) {
	if r.Killed() {
		return nil, false
	}
	index, ok := r.rf.ReadIndex()
	if !ok || !r.awaitApplied(index) {
		return nil, false
	}
	return query(), true
}

// awaitApplied waits until the apply loop has applied through index, and
// reports false if the replica was killed first.
func (r *RSM) awaitApplied(index int) bool {
	r.mu.Lock()
	if r.lastApplied >= index {
		r.mu.Unlock()
		return !r.Killed()
	}
	w := readWaiter{index: index, ready: make(chan struct{})}
	r.readWaiters = append(r.readWaiters, w)
	r.mu.Unlock()
	select {
	case <-w.ready:
		return !r.Killed()
	case <-r.killed:
		return false
	}
}

// releaseReads lets go every Read whose index is now applied. Caller holds
// r.mu.
func (r *RSM) releaseReads() {
	waiting := r.readWaiters[:0]
	for _, w := range r.readWaiters {
		if w.index <= r.lastApplied {
			close(w.ready)
		} else {
			waiting = append(waiting, w)
		}
	}
	clear(r.readWaiters[len(waiting):])
	r.readWaiters = waiting
}
