package raft

import "miniraftkv/labrpc"

// The pre-vote of the Raft dissertation (§9.6, "Preventing disruptions when
// a server rejoins the cluster"). A peer cut off from the cluster keeps
// timing out; without pre-vote each timeout starts an election in a new
// term, and when the peer comes back its higher term makes the working
// leader step down (§4.2.3). With pre-vote, a peer whose election timeout
// elapses first asks the others whether they would vote for it, changing
// nothing; only if a majority would does it raise its term and run the
// election. A peer that could not win therefore never raises its term.
//
// Receivers are "sticky" (§4.2.3): a peer that heard from the leader of its
// term within the minimum election timeout refuses, so a follower that
// merely missed a few heartbeats cannot even start an election while the
// leader keeps a majority. Pre-vote sits beside check-quorum
// (stepDownWithoutQuorum): a leader that lost its majority steps down,
// and its followers, no longer hearing from it, grant pre-votes again.
// Lease reads need more: the same refusal for real votes (lease.go).

// Claims, each checked by a test that fails when it is broken:
//   - liveness (no disruption): a peer raises its term only once a
//     majority, itself included, would vote for it: not with 1 of 3 or 2 of
//     5 (TestPreVoteNeedsMajority, TestRejoiningFollowerPreVote);
//   - liveness: a leader, and a follower that heard from one within
//     electionTimeoutMin, would vote for no one (TestLeaderRefusesPreVote,
//     TestPreVoteGrantRule);
//   - safety: answering a pre-vote changes nothing, and asking for one does
//     not raise the asker's term (TestPreVoteChangesNothing).

// preVoteRound is a would-be candidate's pre-vote in progress.
type preVoteRound struct {
	id      int  // numbers the rounds, so that a reply to an earlier one is not counted
	active  bool // cleared when the round wins, the election timer restarts or the term moves on
	granted int  // peers that would vote for us, ourselves included
	heard   bool // some peer answered this round
}

// voterView is what a peer knows when it answers a PreVote.
type voterView struct {
	currentTerm int
	votedFor    int
	heardLeader bool // we lead, or heard from the leader of currentTerm within electionTimeoutMin
	logUpToDate bool // the candidate's log is at least as up-to-date as ours (§5.4.1)
}

// preVoteRefusal is the grant rule of a pre-vote: a peer says it would vote
// for the sender if a RequestVote for args.Term could get its vote
// (Figure 2, receiver rules 1 and 2) and it has not heard from a current
// leader within the minimum election timeout (§9.6, §4.2.3). It returns why
// the peer refuses, or "" when it grants.
func preVoteRefusal(args *PreVoteArgs, v voterView) string {
	switch {
	case args.Term < v.currentTerm:
		return "its term is behind ours"
	case args.Term == v.currentTerm && v.votedFor != noVote && v.votedFor != args.CandidateId:
		return "we voted for another peer in that term"
	case v.heardLeader:
		return "we heard from a current leader within the minimum election timeout"
	case !v.logUpToDate:
		return "its log is behind ours"
	}
	return ""
}

// SetPreVote turns pre-vote (dissertation §9.6) on or off. It is on by
// default: a peer runs an election only after a majority said it would vote
// for it, so a peer that cannot win never raises its term. With it off, an
// election timeout starts an election at once, as in Figure 2. It goes
// beyond the lab API; a peer answers PreVote RPCs either way. Prefer
// Options.DisablePreVote, given to MakeWithOptions: a setting made at
// construction holds from the peer's first election on.
func (rf *Raft) SetPreVote(on bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.settings.preVote = on
}

// startPreVote begins a pre-vote round for term currentTerm+1 (§9.6). It
// changes neither currentTerm nor votedFor, so nothing is persisted. The
// election timer restarts: a round that does not win is superseded by the
// next one when it runs out. Caller holds rf.mu.
func (rf *Raft) startPreVote() {
	rf.resetElectionTimer() // also abandons the previous round
	rf.preVoteRound = preVoteRound{id: rf.preVoteRound.id + 1, active: true, granted: rf.ownVote()}
	rf.dlog(topicTimer, "election timeout; asking for pre-votes for term %d (quiet elections %d)",
		rf.currentTerm+1, rf.election.quietElections)
	if rf.preVoteRound.granted >= rf.majority() {
		rf.startElection() // a cluster of one
		return
	}
	args := PreVoteArgs{
		Term:         rf.currentTerm + 1,
		CandidateId:  rf.me,
		LastLogIndex: rf.log.lastIndex(),
		LastLogTerm:  rf.log.lastTerm(),
	}
	for _, peer := range rf.voters() {
		if end := rf.endOf(peer); peer != rf.me && end != nil {
			go rf.requestPreVoteFrom(peer, end, args, rf.preVoteRound.id)
		}
	}
}

// requestPreVoteFrom sends one PreVote and counts the answer; once a
// majority would vote for us, the real election starts (§9.6). A higher
// term in the reply is news like in any other reply (Figure 2, rules for
// all servers).
func (rf *Raft) requestPreVoteFrom(peer int, end *labrpc.ClientEnd, args PreVoteArgs, round int) {
	var reply PreVoteReply
	if !end.Call("Raft.PreVote", &args, &reply) {
		return
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() || rf.adoptHigherTerm(reply.Term) {
		return
	}
	r := &rf.preVoteRound
	if !r.active || r.id != round || rf.currentTerm+1 != args.Term {
		return // a stale answer: that round was won or abandoned
	}
	r.heard = true
	if !reply.VoteGranted {
		return
	}
	r.granted++
	rf.dlog(topicVote, "pre-vote from S%d (%d of %d needed)", peer, r.granted, rf.majority())
	if r.granted == rf.majority() {
		rf.startElection()
	}
}

// PreVote is the PreVote RPC handler (§9.6). It tells the sender whether
// this peer would vote for it in an election for args.Term, and changes
// nothing: not currentTerm, not votedFor, not the election timer. The
// higher term in args is a question, not news of a newer term, so the
// rule for all servers of Figure 2 does not apply to it.
func (rf *Raft) PreVote(args *PreVoteArgs, reply *PreVoteReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() {
		return
	}
	reply.Term = rf.currentTerm
	view := voterView{
		currentTerm: rf.currentTerm,
		votedFor:    rf.votedFor,
		heardLeader: rf.role == leader || rf.heard.recently(),
		logUpToDate: rf.log.isUpToDate(args.LastLogTerm, args.LastLogIndex),
	}
	if why := preVoteRefusal(args, view); why != "" {
		rf.dlog(topicVote, "no pre-vote for S%d (term %d): %s", args.CandidateId, args.Term, why)
		return
	}
	reply.VoteGranted = true
	rf.dlog(topicVote, "would vote for S%d in term %d", args.CandidateId, args.Term)
}
