package raft

import "time"

// Lease reads (dissertation §6.4.1), off by default (SetLeaseReads). A
// leader that a majority acknowledged recently answers ReadIndex at once,
// without the round of heartbeats: no other leader can have been elected
// since, so its commitIndex still holds every completed write.
//
// Why no other leader can exist. A follower that answers an AppendEntries
// (or InstallSnapshot) of the leader's term does so after the leader sent
// it, and restarts its election timer and notes the time as it does. With
// lease reads on, a peer refuses every RequestVote, without taking its term,
// for electionTimeoutMin after it last heard from a leader (leader
// stickiness, §4.2.3; see voteStickiness). A new leader needs the votes of
// a majority, and any majority includes a peer of the majority that
// answered calls the leader sent at time t or later; that peer votes no
// earlier than t + electionTimeoutMin. The lease, which starts at the
// send time t of the calls a majority answered, is shorter than that by
// leaseDriftMargin. Measuring it from when the replies arrived would be
// wrong: a reply can take longer than the margin to come back.
//
// The pre-vote's stickiness (prevote.go) is not enough on its own: a peer
// can grant a pre-vote, hear from the leader, and then grant the real vote
// to the peer it pre-voted for. Nor does the stickiness survive a term
// change (heard.inTerm): a stale pre-vote reply can hand a follower a
// higher term. So the vote refusal here counts from heard.at alone,
// across terms, and applies only with lease reads on, which leaves the
// lab's election behaviour unchanged by default. It must be on at every
// peer: a peer's lease relies on the other peers' refusals.
//
// Clocks. The argument compares durations measured on different peers'
// clocks: the leader's lease and the followers' vote refusal. It assumes
// that each peer measures with a monotonic clock (Go's time.Now carries a
// monotonic reading, and Sub uses it: a wall-clock step changes nothing)
// and that clock rates differ by little: leaseDriftMargin must exceed the
// drift over one electionTimeoutMin (400 ms), which allows a rate
// difference of 12% here. Inside one process, where the labrpc
// network runs every peer, all peers read the same monotonic clock: there
// is no drift at all, and the margin only covers the time between reading
// the clock and making the call.

// Claims, each checked by a test that fails when it is broken:
//   - safety: the lease starts when the calls a majority answered were
//     sent, not when the answers came, and from the majority's, not the
//     freshest follower's (TestLeaseWindow, TestLeaseCountsFromSend);
//   - safety: it has ended at exactly leaseDuration (TestLeaseWindow);
//   - safety: a peer that stepped down, or a leader that sent TimeoutNow in
//     its term, serves no read under a lease (TestLeaseReadRefusedAfterStepDown,
//     TestNoLeaseReadAfterTimeoutNow);
//   - safety: with lease reads on, a follower that heard from a leader
//     within electionTimeoutMin refuses votes (TestLeaseFollowerRefusesVotes);
//   - liveness: within the lease a read needs no round (TestLeaseReadNeedsNoRound).

const (
	// leaseDriftMargin is how much shorter than electionTimeoutMin a
	// lease is, for drift between the leader's clock and its followers'.
	leaseDriftMargin = 50 * time.Millisecond
	// leaseDuration is how long after a majority's acknowledged calls
	// were sent the leader may answer reads without a round.
	leaseDuration = electionTimeoutMin - leaseDriftMargin
)

// SetLeaseReads turns lease reads (dissertation §6.4.1) on or off. Off by
// default. With it on, ReadIndex answers at once while the leader holds a
// lease (a majority answered calls it sent within leaseDuration), and falls
// back to a round of heartbeats otherwise; it still refuses before the
// leader committed an entry of its term. It must be set at every peer of
// the cluster: with it on, a peer refuses to vote for electionTimeoutMin
// after hearing from a leader, and other peers' leases rely on that. The
// lease assumes monotonic clocks of nearly the same rate (see lease.go).
// It goes beyond the lab API. Prefer Options.LeaseReads, given to
// MakeWithOptions from the one configuration of the cluster: every peer
// then has it from the start, as the leases of the others need.
func (rf *Raft) SetLeaseReads(on bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.settings.leaseReads = on
}

// leaseHolds reports whether this leader may answer a read at now without
// a round: lease reads are on, it has not sent TimeoutNow in this term (a
// transfer's election may win at once; transfer.go), and a majority (the
// leader included) answered calls sent less than leaseDuration before now.
// Caller holds rf.mu and is the leader.
func (rf *Raft) leaseHolds(now time.Time) bool {
	return rf.settings.leaseReads && !rf.lead.leaseEnded && now.Sub(rf.leaseStart(now)) < leaseDuration
}

// leaseStart is when the calls the lease rests on were sent: the latest time
// t such that a majority, the leader included, answered calls sent at t or
// later in the current term. Caller holds rf.mu and is the leader.
func (rf *Raft) leaseStart(now time.Time) time.Time {
	sentAt := func(peer int) time.Time {
		if peer == rf.me {
			return now // the leader acknowledges itself at once
		}
		return rf.lead.progress[peer].ackedSentAt
	}
	return quorumValue(rf.voters(), sentAt, time.Time.Before)
}

// voteStickiness reports why this peer refuses a RequestVote outright,
// without taking its term, or "" if it does not: with lease reads on, it
// heard from a leader less than electionTimeoutMin ago (§4.2.3, §6.4.1).
// Caller holds rf.mu.
//
// With changeable membership it does the same whatever the lease setting,
// and a leader refuses too: the rule of §4.2.3 that keeps a removed
// server, which no longer hears from the leader and times out, from
// deposing it with a higher term even with pre-vote off. (A leader cut off
// from its majority steps down first, check-quorum, so it blocks nothing.)
func (rf *Raft) voteStickiness() string {
	switch {
	case rf.members.changeable && rf.role == leader:
		return "we lead (§4.2.3)"
	case time.Since(rf.heard.at) >= electionTimeoutMin:
		return ""
	case rf.settings.leaseReads:
		return "lease reads on and a leader heard within the minimum election timeout"
	case rf.members.changeable:
		return "a leader heard within the minimum election timeout (§4.2.3)"
	}
	return ""
}
