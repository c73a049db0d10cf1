package raft

import "time"

// Catching a new server up before it votes (dissertation §4.2.1). A server
// added with an empty log would, as a voter, make the cluster need it for
// every commit until it holds the whole log: with three servers, one down
// and one new, nothing commits for as long as that takes. So it first
// joins as a learner, which the leader replicates to (a snapshot if it
// needs one) but no majority counts, and is promoted only once caught up.
// Catching up is done in rounds: each round replicates every entry the
// leader held when the round began; a round shorter than the minimum
// election timeout means the server is as close as it will get, and it is
// promoted. After maxCatchUpRounds rounds, or when it stops making
// progress ("so slow that it will never catch up"), AddServer fails and,
// if this peer still leads, the learner is taken out again.

const (
	// maxCatchUpRounds bounds the rounds of §4.2.1 ("e.g. ten").
	maxCatchUpRounds = 10
	// catchUpStallLimit is how long the new server's matchIndex may stay
	// where it is before AddServer gives up on it. Progress, not replies:
	// a server that answers but never stores anything (its disk fails, it
	// belongs to another cluster) would otherwise hold the change, and
	// every later one, for ever.
	catchUpStallLimit = 2 * time.Second
	// catchUpSnapshotLimit is how long it may stay there once an
	// InstallSnapshot went out to it: a large snapshot may take longer to
	// send and store than catchUpStallLimit. Counted from the first one
	// sent since matchIndex last moved, so that failed ones resent do not
	// extend it.
	catchUpSnapshotLimit = 10 * catchUpStallLimit
)

// catchUp runs the rounds of §4.2.1 for learner id and returns nil once a
// round took less than electionTimeoutMin. Caller holds rf.mu, released
// while waiting, and leads term.
func (rf *Raft) catchUp(id, term int) error {
	for round := 1; round <= maxCatchUpRounds; round++ {
		target, start := rf.log.lastIndex(), time.Now()
		if err := rf.awaitMatch(id, target, term, start); err != nil {
			return err
		}
		took := time.Since(start)
		rf.dlog(topicLeader, "catch-up round %d of server %d: through %d in %v", round, id, target, took)
		if took < electionTimeoutMin {
			return nil
		}
	}
	return ErrCatchUpTooSlow
}

// awaitMatch waits until learner id holds the log through target. It fails
// with ErrCatchUpTooSlow when the learner's matchIndex has not moved for
// the limit stallDeadline gives (counted from start at the earliest), and
// as leadershipErr says when the leadership ends. Caller holds rf.mu,
// released while waiting.
func (rf *Raft) awaitMatch(id, target, term int, start time.Time) error {
	for {
		if err := rf.leadershipErr(term); err != nil {
			return err
		}
		p := &rf.lead.progress[id]
		if p.matchIndex >= target {
			return nil
		}
		deadline := stallDeadline(p, start)
		if !time.Now().Before(deadline) {
			return ErrCatchUpTooSlow
		}
		rf.awaitChangeUntil(deadline)
	}
}

// stallDeadline returns when a learner with progress p, in a round begun
// at start, is deemed stalled: catchUpStallLimit after its matchIndex last
// moved (or start), or catchUpSnapshotLimit after the first InstallSnapshot
// sent to it since then, whichever is later.
func stallDeadline(p *peerProgress, start time.Time) time.Time {
	advanced := p.advancedAt
	if advanced.Before(start) {
		advanced = start
	}
	deadline := advanced.Add(catchUpStallLimit)
	if p.snapshotSentAt.After(p.advancedAt) {
		if d := p.snapshotSentAt.Add(catchUpSnapshotLimit); d.After(deadline) {
			deadline = d
		}
	}
	return deadline
}

// awaitChangeUntil waits for members.changed to be broadcast, or until
// deadline. Caller holds rf.mu, released while waiting.
func (rf *Raft) awaitChangeUntil(deadline time.Time) {
	timer := time.AfterFunc(time.Until(deadline), func() {
		rf.mu.Lock()
		rf.members.changed.Broadcast()
		rf.mu.Unlock()
	})
	rf.members.changed.Wait()
	timer.Stop()
}
