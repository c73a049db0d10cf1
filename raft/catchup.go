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
// promoted. After maxCatchUpRounds rounds, or when it stops answering,
// AddServer fails and the learner is taken out again.

const (
	// maxCatchUpRounds bounds the rounds of §4.2.1 ("e.g. ten").
	maxCatchUpRounds = 10
	// catchUpStallLimit is how long the new server may go without
	// answering the leader at all before AddServer gives up on it. An
	// InstallSnapshot may take longer than that; the heartbeats sent
	// meanwhile by a second sender (sender.go) are answered.
	catchUpStallLimit = 2 * time.Second
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
// with ErrCatchUpTooSlow when the learner has not answered for
// catchUpStallLimit (counted from start at the earliest), and as
// leadershipErr says when the leadership ends. Caller holds rf.mu, released
// while waiting.
func (rf *Raft) awaitMatch(id, target, term int, start time.Time) error {
	for {
		if err := rf.leadershipErr(term); err != nil {
			return err
		}
		p := &rf.lead.progress[id]
		if p.matchIndex >= target {
			return nil
		}
		heard := p.lastReply
		if heard.Before(start) {
			heard = start
		}
		if time.Since(heard) >= catchUpStallLimit {
			return ErrCatchUpTooSlow
		}
		rf.awaitChangeUntil(heard.Add(catchUpStallLimit))
	}
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
