package raft

import (
	"sync"
	"time"

	"miniraftkv/labrpc"
)

// Election timing. See doc.go for why these numbers.
const (
	electionTimeoutMin = 400 * time.Millisecond
	electionTimeoutMax = 800 * time.Millisecond
	// quietBackoff multiplies the election timeout of a candidate whose
	// previous election got no answer at all (see electionTimeout).
	quietBackoff = 3
	// quorumTimeout is how long a leader goes on without replies from a
	// majority before it steps down (see stepDownWithoutQuorum).
	quorumTimeout = 1000 * time.Millisecond
	// A peer that has never seen a term (a brand-new cluster) draws its
	// first timeout from this shorter range; see startElectionTimer.
	firstTimeoutMin = 300 * time.Millisecond
	firstTimeoutMax = 450 * time.Millisecond
)

// electionTimeout draws a randomised election timeout (§5.2). A candidate
// cut off from every peer (its last election got no answer at all) waits
// quietBackoff times longer before the next, which keeps an isolated peer
// from flooding the network with RequestVotes it cannot win.
func electionTimeout(r float64, quiet int) time.Duration {
	span := electionTimeoutMax - electionTimeoutMin
	d := electionTimeoutMin + time.Duration(r*float64(span))
	if quiet > 0 {
		d *= quietBackoff
	}
	return d
}

// startElectionTimer sets a peer's first election timeout when it starts.
// A timeout must be long enough for a follower to hear from a live leader
// first (§5.2); a peer still in term 0 with an empty log has never heard of
// any leader, so waiting out the full range only delays the cluster's first
// election. It waits 300-450 ms instead: still above the heartbeat
// interval, in case a leader does exist, and spread enough that one
// candidate usually asks everyone before a second one times out. A peer
// restarting with persisted state waits the normal timeout. Caller holds
// rf.mu.
func (rf *Raft) startElectionTimer() {
	if rf.currentTerm > 0 || rf.log.lastIndex() > 0 {
		rf.resetElectionTimer()
		return
	}
	span := firstTimeoutMax - firstTimeoutMin
	rf.election.deadline = time.Now().Add(firstTimeoutMin + time.Duration(rf.election.rand.Float64()*float64(span)))
}

// resetElectionTimer starts a new randomised election timeout. Caller holds
// rf.mu. A pre-vote round in progress is abandoned: what restarts the timer
// (the leader heard from, a vote granted, an election begun) also means
// this peer should not start an election now (§9.6).
func (rf *Raft) resetElectionTimer() {
	rf.election.deadline = time.Now().Add(electionTimeout(rf.election.rand.Float64(), rf.election.quietElections))
	rf.preVoteRound.active = false
}

// pauseThreshold is how late a tick must come for discountPause to take the
// peer for paused rather than busy: a shorter pause cannot by itself stretch
// the silence between two heartbeats (at most heartbeatInterval) past the
// shortest election timeout.
const pauseThreshold = electionTimeoutMin - heartbeatInterval

// discountPause keeps a pause of this peer's own goroutines out of its
// timeouts: when gap, the time since the previous tick, is well above
// tickInterval, the peer could not run (the process was descheduled on a
// loaded machine, or stopped by a debugger); no heartbeat or reply could
// reach it either, so the silence says nothing about the other peers. A
// follower's election deadline moves on by the time lost, as if its timer
// counted ticks (as etcd's does), and so does a leader's record of when
// each follower last replied (check-quorum, stepDownWithoutQuorum).
// Without this a follower that wakes from a pause longer than the election
// timeout campaigns against a working leader whose heartbeat is queued
// behind its own tick (TestPausedClusterKeepsLeader). The
// lease (lease.go) is not affected: it and the vote refusal it rests on
// count real time. A peer slowed down for good (ticks late again and
// again) is not paused: it discounts at most one pause per
// electionTimeoutMax, so its elections are delayed, never stopped.
//
// Why not count ticks instead, as etcd does: the timers that must not
// fire after a pause come in pairs that share one clock here, the
// election timer with the heartbeats (sendDue) and the pre-vote's
// stickiness, check-quorum with the followers' replies; the lease and its
// vote refusal must stay on real time. Ticks for some of them would give a
// peer two clocks to keep consistent; one real clock corrected in this one
// place keeps the pairs together. A peer that is merely slow loses nothing
// either way: a 10 ms ticker on this loaded machine delivers 98% of its
// ticks (docs/raft-measurements.md).
// Caller holds rf.mu.
func (rf *Raft) discountPause(now time.Time, gap time.Duration) {
	if gap < pauseThreshold || now.Sub(rf.election.pauseDiscounted) < electionTimeoutMax {
		return
	}
	rf.election.pauseDiscounted = now
	lost := gap - tickInterval
	rf.dlog(topicTimer, "ticker ran %v late: a pause of ours, not counted in the timeouts", gap)
	if rf.role != leader {
		rf.election.deadline = rf.election.deadline.Add(lost)
		return
	}
	for peer := range rf.lead.progress {
		p := &rf.lead.progress[peer]
		if p.lastReply = p.lastReply.Add(lost); p.lastReply.After(now) {
			p.lastReply = now
		}
	}
}

// heardWithin returns a test of whether the leader heard from peer (or is
// peer) less than d before now. Caller holds rf.mu, also while using it,
// and is the leader.
func (rf *Raft) heardWithin(d time.Duration, now time.Time) func(peer int) bool {
	return func(peer int) bool {
		return peer == rf.me || now.Sub(rf.lead.progress[peer].lastReply) < d
	}
}

// tickElection applies Figure 2's "If election timeout elapses without
// receiving AppendEntries RPC from current leader or granting vote to
// candidate: convert to candidate" (followers) and "If election timeout
// elapses: start new election" (candidates); with pre-vote on, a pre-vote
// round (§9.6) comes first. A peer whose last campaign (pre-vote round or
// election) got no answer at all is cut off, and first waits
// quietBackoff-1 more timeouts. Caller holds rf.mu and is not the leader.
func (rf *Raft) tickElection(now time.Time) {
	if now.Before(rf.election.deadline) {
		return
	}
	if !rf.mayCampaign() {
		// A learner, a server waiting to be added, or one removed never
		// campaigns (§4.2.1, §4.2.3): it could not win, and its higher
		// term would only disrupt the cluster.
		rf.resetElectionTimer()
		return
	}
	unanswered := rf.lastCampaignUnanswered()
	if unanswered && rf.election.quietElections == 0 {
		rf.election.quietElections = 1
		rf.election.deadline = now.Add((quietBackoff - 1) * electionTimeout(rf.election.rand.Float64(), 0))
		rf.dlog(topicTimer, "no answer to our last campaign; waiting longer before the next")
		return
	}
	if unanswered {
		rf.election.quietElections++
	} else {
		rf.election.quietElections = 0
	}
	if rf.settings.preVote {
		rf.startPreVote()
	} else {
		rf.startElection()
	}
}

// lastCampaignUnanswered reports whether no peer answered the pre-vote
// round or election that this peer's last election timeout started: the
// sign of a peer cut off from the others. Caller holds rf.mu.
func (rf *Raft) lastCampaignUnanswered() bool {
	if rf.preVoteRound.active {
		return !rf.preVoteRound.heard
	}
	return rf.role == candidate && !rf.election.heardInElection
}

// adoptHigherTerm applies the rule for all servers of Figure 2: "If RPC
// request or response contains term T > currentTerm: set currentTerm = T,
// convert to follower (§5.1)". Every RPC handler and every reply path calls
// it first. It reports whether the term changed. Caller holds rf.mu.
func (rf *Raft) adoptHigherTerm(term int) bool {
	if term <= rf.currentTerm {
		return false
	}
	rf.dlog(topicTerm, "saw term %d, stepping down", term)
	rf.becomeFollower(term)
	rf.persist()
	return true
}

// becomeFollower makes this peer a follower in term (>= currentTerm),
// forgetting its vote when the term moves on. A leader stepping down gets a
// fresh election timeout, since its old one ran out long ago. Caller holds
// rf.mu and persists afterwards.
func (rf *Raft) becomeFollower(term int) {
	if term > rf.currentTerm {
		rf.currentTerm = term
		rf.votedFor = noVote
		rf.heard.inTerm = false        // the leader we heard from is not current any more
		rf.preVoteRound.active = false // it asked about a term that is now past
	}
	wasLeader := rf.role == leader
	rf.role = follower
	if wasLeader {
		rf.resetElectionTimer()
		rf.resetLeaderState() // the senders exit, the reads fail
	}
}

// stepDownWithoutQuorum applies the check of the Raft dissertation (§6.2):
// "a leader steps down if an election timeout elapses without a successful
// round of heartbeats to a majority of its cluster". A leader cut off from a
// majority can commit nothing; as a follower it stops accepting commands
// (Start returns false at once, so a client tries elsewhere instead of
// waiting on entries that will never commit). The limit, quorumTimeout, is
// well above the election timeout so that replies held back by a slow
// network do not unseat a leader that is in fact connected. Caller holds
// rf.mu and is the leader.
func (rf *Raft) stepDownWithoutQuorum(now time.Time) bool {
	if hasQuorum(rf.voters(), rf.heardWithin(quorumTimeout, now)) {
		return false
	}
	rf.dlog(topicLeader, "heard from no majority of %d voters in %v; stepping down", len(rf.voters()), quorumTimeout)
	rf.becomeFollower(rf.currentTerm)
	return true
}

// becomeCandidate applies Figure 2's "On conversion to candidate, start
// election: increment currentTerm, vote for self, reset election timer".
// (tickElection has counted quietElections, which the timer depends on.)
// Caller holds rf.mu.
func (rf *Raft) becomeCandidate() {
	rf.role = candidate
	rf.currentTerm++
	rf.votedFor = rf.me
	rf.election.votesGranted = rf.ownVote()
	rf.election.heardInElection = false
	rf.persist()
	rf.resetElectionTimer()
}

// becomeLeader takes over after winning an election: Figure 2's volatile
// leader state is reinitialised (nextIndex to just past our last entry,
// matchIndex to 0, our own to our last entry) and the initial heartbeats go out at once ("Upon
// election: send initial empty AppendEntries RPCs (heartbeat) to each
// server"). Caller holds rf.mu.
func (rf *Raft) becomeLeader() {
	rf.role = leader
	rf.election.quietElections = 0
	rf.resetLeaderState()
	rf.dlog(topicLeader, "won the election with %d votes; log %s", rf.election.votesGranted, rf.log.describe())
	if rf.members.changeable {
		// The blank entry of §4.1's fix (and §6.4): a configuration
		// change must wait for an entry of this term to commit, and an
		// entry of the configuration in use changes nothing but commits
		// it, and what precedes it, at once. appendConfigEntry sends it.
		rf.appendConfigEntry(rf.members.conf.ConfigChange)
		return
	}
	rf.replicateToAll(time.Now())
}

// resetLeaderState is the one place a leader's state begins and ends: on
// becoming leader and on stepping down. It ends what the old state holds
// (pending reads fail; the senders, woken, see the leadership is over) and
// starts afresh: Figure 2's "Reinitialized after election" nextIndex (just
// past our last entry) and matchIndex (0), with our own matchIndex our last
// entry: our whole log is saved (becomeCandidate persisted it, and a
// candidate's log does not change), so it counts as our own copy without
// waiting for the saver; all of it is from earlier terms, which commit only
// once an entry of this term does. The votes just received count as having
// heard from the voters, so a full quorumTimeout passes before the first
// check-quorum. Caller holds rf.mu.
func (rf *Raft) resetLeaderState() {
	rf.wakeLeadershipWaiters()
	rf.members.changed.Broadcast()
	rf.lead = rf.freshLeaderState()
}

// freshLeaderState is the leader state of a peer that has just won an
// election now. Caller holds rf.mu.
func (rf *Raft) freshLeaderState() leaderState {
	now := time.Now()
	progress := make([]peerProgress, len(rf.peers))
	calls := make([]*senders, len(rf.peers))
	for i := range progress {
		calls[i] = &senders{wake: sync.NewCond(&rf.mu)}
		progress[i] = peerProgress{nextIndex: rf.log.lastIndex() + 1, lastReply: now}
		if i == rf.me {
			progress[i].matchIndex = rf.log.lastIndex()
		}
	}
	return leaderState{progress: progress, senders: calls}
}

// startElection runs the candidate rule of Figure 2: become a candidate in
// a new term and send RequestVote RPCs to all other servers, each from its
// own goroutine. Caller holds rf.mu.
func (rf *Raft) startElection() {
	rf.runElection(false)
}

// runElection is startElection; disruptLeader marks the RequestVotes of a
// leadership transfer (§3.10, see RequestVoteArgs). Caller holds rf.mu.
func (rf *Raft) runElection(disruptLeader bool) {
	rf.becomeCandidate()
	rf.dlog(topicTimer, "election timeout; running for term %d (quiet elections %d)", rf.currentTerm, rf.election.quietElections)
	args := RequestVoteArgs{
		Term:         rf.currentTerm,
		CandidateId:  rf.me,
		LastLogIndex: rf.log.lastIndex(),
		LastLogTerm:  rf.log.lastTerm(),
		// Set only by a transfer's election.
		DisruptLeader: disruptLeader,
	}
	if rf.election.votesGranted >= rf.majority() {
		rf.becomeLeader() // a cluster of one
		return
	}
	for _, peer := range rf.voters() {
		if end := rf.endOf(peer); peer != rf.me && end != nil {
			go rf.requestVoteFrom(peer, end, args)
		}
	}
}

// requestVoteFrom sends one RequestVote and counts the answer: "If votes
// received from majority of servers: become leader" (Figure 2, Candidates).
func (rf *Raft) requestVoteFrom(peer int, end *labrpc.ClientEnd, args RequestVoteArgs) {
	var reply RequestVoteReply
	if !end.Call("Raft.RequestVote", &args, &reply) {
		return
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() || rf.adoptHigherTerm(reply.Term) {
		return
	}
	if rf.role != candidate || rf.currentTerm != args.Term {
		return // a stale answer from an election already decided
	}
	rf.election.heardInElection = true
	if !reply.VoteGranted {
		return
	}
	rf.election.votesGranted++
	rf.dlog(topicVote, "vote from S%d (%d of %d needed)", peer, rf.election.votesGranted, rf.majority())
	if rf.election.votesGranted == rf.majority() {
		rf.becomeLeader()
	}
}

// admitRequest runs the steps every RPC handler begins with: Figure 2's
// rule for all servers ("If RPC request ... contains term T > currentTerm:
// set currentTerm = T, convert to follower (§5.1)") and receiver rule 1,
// "Reply false if term < currentTerm (§5.1)". It returns the term for the
// reply and whether the request is of the current term and may go on; a
// killed peer answers nothing (term 0, false). Caller holds rf.mu.
func (rf *Raft) admitRequest(term int) (int, bool) {
	if rf.killed() {
		return 0, false
	}
	rf.adoptHigherTerm(term)
	return rf.currentTerm, term >= rf.currentTerm
}

// RequestVote is the RequestVote RPC handler (Figure 2, receiver
// implementation).
func (rf *Raft) RequestVote(args *RequestVoteArgs, reply *RequestVoteReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	// A leadership transfer's election is exempt (§3.10): its leader has
	// given up its lease first (leaseEndedIn, transfer.go).
	if why := rf.voteStickiness(); why != "" && !args.DisruptLeader && !rf.killed() {
		reply.Term = rf.currentTerm
		rf.dlog(topicVote, "no vote for S%d (term %d), term kept: %s", args.CandidateId, args.Term, why)
		return
	}
	var current bool
	if reply.Term, current = rf.admitRequest(args.Term); !current {
		return
	}
	// 2. If votedFor is null or candidateId, and candidate's log is at
	// least as up-to-date as receiver's log, grant vote (§5.2, §5.4).
	if rf.votedFor != noVote && rf.votedFor != args.CandidateId {
		rf.dlog(topicVote, "no vote for S%d: already voted for S%d", args.CandidateId, rf.votedFor)
		return
	}
	if !rf.log.isUpToDate(args.LastLogTerm, args.LastLogIndex) {
		rf.dlog(topicVote, "no vote for S%d: its log (T%d, %d) is behind ours %s",
			args.CandidateId, args.LastLogTerm, args.LastLogIndex, rf.log.describe())
		return
	}
	rf.votedFor = args.CandidateId
	rf.persist() // the vote must be on disk before the candidate can count it
	rf.resetElectionTimer()
	reply.VoteGranted = true
	rf.dlog(topicVote, "voted for S%d", args.CandidateId)
}
