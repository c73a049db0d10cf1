package raft

import "time"

// Read-only queries without log entries: the ReadIndex of the Raft
// dissertation, §6.4. A leader answers a read from its state machine once it
// knows three things: the read index (its commitIndex when the read
// arrived) holds every write that completed before the read began, which is
// only true once it has committed an entry of its own term; it was still the
// leader after the read arrived, which one round of heartbeats answered by a
// majority proves (no other leader can have been elected meanwhile, so no
// write can have committed elsewhere); and its state machine has applied
// through the read index, which the service waits for.
//
// The round reuses the leader's AppendEntries calls (replication.go). A
// round notes, per follower, the seq of the latest call when it began; a
// follower's reply in our term to any later call counts for it. Reads that
// arrive before any call of the newest round has gone out join that round,
// so a burst of reads costs one round. A follower with a pending round gets a
// call as soon as it has none in flight, so an idle leader sends nothing
// extra, and a busy one sends nothing beyond its usual one call per follower
// at a time.

// Claims, each checked by a test that fails when it is broken:
//   - safety: a read is confirmed only by answers in our term to calls sent
//     after it arrived; a read arriving once the newest round's calls are
//     out starts a round of its own (TestReadRoundWindows,
//     TestReadIndexNeedsMajorityAfterRead);
//   - safety: a round needs a majority, the leader included: one of two
//     followers with 3 peers, two of four with 5 (TestReadRoundWindows,
//     TestReadRoundConfirmed);
//   - safety: no read before the leader committed an entry of its term, on
//     a follower, or after Kill (TestReadIndexRefusedBeforeCommitInTerm,
//     TestReadIndexRefusedByFollower);
//   - liveness: reads arriving before any call of the newest round went
//     out share it (TestReadRoundWindows, TestReadIndexReadsShareRound).

// readRound is one round of heartbeats confirming leadership for the reads
// that joined it.
type readRound struct {
	after     []uint64 // per peer: progress seq when the round began; replies to later calls count
	confirmed bool     // a majority answered later calls; set before done is closed
	// done is closed when the round is confirmed or abandoned (the peer
	// stopped leading or was killed). Each round has its own, so that
	// confirming one wakes only its reads.
	done chan struct{}
}

// readRounds is a leader's unconfirmed read rounds, oldest first. They
// belong to the leader state of one term (resetLeaderState ends them).
// Every round's after is, peer by peer, at most the next one's, so a round
// is confirmed as soon as a later one is.
type readRounds struct {
	pending []*readRound
}

// ReadIndex returns once a read-only query may be answered from the state
// machine at the returned index (dissertation §6.4): the index is the
// commitIndex when ReadIndex was called, and a majority has since
// acknowledged this peer as leader of the current term. The caller must wait
// until its state machine has applied through the index, then answer.
//
// It returns ok == false at once if this peer is not the leader, is killed,
// or has not yet committed an entry of its current term (until then its
// commitIndex may lag behind writes its predecessor committed; the service
// can put the query through the log instead, with Start). It returns false
// later if the peer stops leading before a majority answers. Reads that
// arrive together share one round of heartbeats. ReadIndex is beside the lab
// API: services that only use Start need not call it.
func (rf *Raft) ReadIndex() (int, bool) {
	rf.mu.Lock()
	// Checked under rf.mu: Kill abandons the pending rounds under it, so a
	// round joined after that would never end.
	if rf.killed() || rf.role != leader || !rf.committedInTerm() {
		rf.mu.Unlock()
		return 0, false
	}
	index := rf.commitIndex
	if rf.leaseHolds(time.Now()) {
		rf.dlog(topicRead, "read at %d: served under the lease", index)
		rf.mu.Unlock()
		return index, true
	}
	round := rf.joinReadRound()
	rf.dlog(topicRead, "read at %d: waiting for its round", index)
	rf.mu.Unlock()
	<-round.done
	return index, round.confirmed
}

// committedInTerm reports whether commitIndex holds an entry of currentTerm:
// a new leader learns which entries its predecessors committed only when one
// of its own commits (§6.4, §5.4.2). Caller holds rf.mu.
func (rf *Raft) committedInTerm() bool {
	t, _ := rf.log.term(rf.commitIndex)
	return t == rf.currentTerm
}

// joinReadRound returns the round a read arriving now joins: the newest one
// if none of its calls has gone out yet, otherwise a new one, whose calls go
// out at once. Caller holds rf.mu and is the leader.
func (rf *Raft) joinReadRound() *readRound {
	r := &rf.lead.reads
	if n := len(r.pending); n > 0 && rf.noCallSince(r.pending[n-1]) {
		return r.pending[n-1]
	}
	round := &readRound{after: make([]uint64, len(rf.lead.progress)), done: make(chan struct{})}
	for peer := range round.after {
		round.after[peer] = rf.lead.progress[peer].seq
	}
	r.pending = append(r.pending, round)
	rf.confirmReadRounds() // a cluster of one needs no replies
	rf.replicateToAll(time.Now())
	return round
}

// noCallSince reports whether no call to any follower has been made since
// round began. Caller holds rf.mu.
func (rf *Raft) noCallSince(round *readRound) bool {
	for peer := range round.after {
		if peer != rf.me && rf.lead.progress[peer].seq != round.after[peer] {
			return false
		}
	}
	return true
}

// readNeedsCall reports whether the newest read round still waits for a
// call to peer: replicateTo then has work for it. Caller holds rf.mu and is
// the leader.
func (rf *Raft) readNeedsCall(peer int) bool {
	r := &rf.lead.reads
	n := len(r.pending)
	return n > 0 && peer < len(r.pending[n-1].after) && r.pending[n-1].after[peer] == rf.lead.progress[peer].seq
}

// recordReadAck notes that peer answered call seq, sent at time sent, in
// our current term, and confirms the read rounds that now have a majority.
// The lease (lease.go) counts from when the call was sent, not from now:
// the peer may have heard from us long before its reply arrived. Caller
// holds rf.mu and is the leader.
func (rf *Raft) recordReadAck(peer int, seq uint64, sent time.Time) {
	p := &rf.lead.progress[peer]
	if seq > p.acked {
		p.acked = seq
	}
	if sent.After(p.ackedSentAt) {
		p.ackedSentAt = sent
	}
	rf.confirmReadRounds()
}

// confirmReadRounds marks confirmed, oldest first, every pending round a
// majority has answered, and wakes their reads. Caller holds rf.mu and is
// the leader.
func (rf *Raft) confirmReadRounds() {
	r := &rf.lead.reads
	n := 0
	for n < len(r.pending) && roundConfirmed(rf.voters(), r.pending[n].after, rf.lead.progress, rf.me) {
		r.pending[n].confirmed = true
		close(r.pending[n].done)
		n++
	}
	if n > 0 {
		rf.dlog(topicRead, "%d read rounds confirmed", n)
		r.pending = append(r.pending[:0], r.pending[n:]...)
	}
}

// abandonReadRounds ends every pending round unconfirmed: the peer stopped
// leading or was killed, so their reads must go elsewhere. Caller holds
// rf.mu.
func (rf *Raft) abandonReadRounds() {
	for _, round := range rf.lead.reads.pending {
		close(round.done)
	}
	rf.lead.reads.pending = nil
}

// roundConfirmed reports whether the leader me and the followers that
// answered a call made after the round began (acked > after) form a
// majority of the voters. A voter added since the round began has no
// entry in after and does not count for it.
func roundConfirmed(voters []int, after []uint64, progress []peerProgress, me int) bool {
	return hasQuorum(voters, func(peer int) bool {
		return peer == me || (peer < len(after) && progress[peer].acked > after[peer])
	})
}
