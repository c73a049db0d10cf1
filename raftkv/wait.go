package raftkv

import "time"

// waiter is a handler waiting for the entry it started at one log index.
type waiter struct {
	term  int
	since time.Time        // when the handler started waiting
	done  chan applyResult // buffered 1; receives exactly one result
}

// A waiter gets exactly one result, from whichever of these takes it out of
// kv.waiters first (under kv.mu): the apply loop, with the entry applied at
// its index; a newer handler that started an entry at the same index; a
// snapshot that covered the index; or the sweep, when the waiter's term is
// over or it waited waitTimeout. The sweep runs every leadershipCheck while
// any handler waits, on one timer per server: a timer and a ticker per
// request cost a tenth of a Put.

// awaitApplied waits for the result for index, or for Kill.
func (kv *KVServer) awaitApplied(index int, w *waiter) applyResult {
	select {
	case res := <-w.done:
		return res
	case <-kv.killed:
		return kv.abandon(index, w, ErrShutdown)
	}
}

// abandon unregisters w. If a result was delivered in the meantime, that
// result wins: it is the truth about the index.
func (kv *KVServer) abandon(index int, w *waiter, why Err) applyResult {
	kv.mu.Lock()
	if kv.waiters[index] == w {
		delete(kv.waiters, index)
	}
	kv.mu.Unlock()
	select {
	case res := <-w.done:
		return res
	default:
		return applyResult{Err: why}
	}
}

// armSweep makes sure a sweep is due. Caller holds kv.mu.
func (kv *KVServer) armSweep() {
	if kv.sweep == nil && !kv.isKilled() {
		kv.sweep = time.AfterFunc(kv.leadershipCheck, kv.sweepWaiters)
	}
}

// sweepWaiters answers ErrWrongLeader to every handler whose term is over
// (this peer was deposed, so its entry may never commit; the clerk retries
// elsewhere, and the duplicate table makes that safe) or that has waited
// waitTimeout (a leader cut off in a minority may not learn that it lost
// its job), and arms the next sweep while handlers still wait.
func (kv *KVServer) sweepWaiters() {
	term, isLeader := kv.rf.GetState()
	now := time.Now()
	var expired []*waiter
	kv.mu.Lock()
	for index, w := range kv.waiters {
		if !isLeader || w.term != term || now.Sub(w.since) >= kv.waitTimeout {
			expired = append(expired, w)
			delete(kv.waiters, index)
		}
	}
	kv.sweep = nil
	if len(kv.waiters) > 0 {
		kv.armSweep()
	}
	kv.mu.Unlock()
	for _, w := range expired {
		w.done <- applyResult{Err: ErrWrongLeader} // buffered 1, and w had no result: never blocks
	}
}
