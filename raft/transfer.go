package raft

import (
	"errors"
	"fmt"
	"time"

	"miniraftkv/labrpc"
)

// Leadership transfer, as in §3.10 of the Raft dissertation ("Leadership
// transfer extension"). The leader hands its role to a chosen peer: it
// stops accepting new commands, catches the target's log up with its own
// (ordinary AppendEntries calls, until matchIndex[target] is its last
// index), then sends the target a TimeoutNow RPC. The target starts an
// election at once, as if its election timeout had elapsed, but skipping
// pre-vote (§9.6): the other peers heard from the leader moments ago and
// would refuse a pre-vote. Its log is as up-to-date as the old leader's,
// and it is first to raise the term, so it normally wins; the old leader
// steps down when it sees the higher term. If the transfer has not
// completed within an election timeout (the target is cut off, crashed, or
// lost the election), the leader abandons it and accepts commands again.

// Claims, each checked by a test that fails when it is broken:
//   - liveness: TimeoutNow from the leader of our term starts an election
//     at once, without a pre-vote (TestTimeoutNowStartsElectionAtOnce);
//   - liveness: TimeoutNow of an older term, or to a leader, changes
//     nothing (TestTimeoutNowIgnoredWhenStaleOrLeading);
//   - safety: the leader sends TimeoutNow only once the target holds its
//     whole log, refuses commands meanwhile, and keeps no lease after
//     sending it (TestTransferCatchesUpTarget, TestTransferRefusesStart,
//     TestNoLeaseReadAfterTimeoutNow).

// transferTimeout bounds a transfer: "If the transfer does not complete
// after about one election timeout, the leader aborts the transfer and
// resumes accepting client requests" (§3.10). The longest timeout of the
// range leaves the target's election time to finish.
const transferTimeout = electionTimeoutMax

// timeoutNowRetry is how long after an unanswered or fruitless TimeoutNow
// (lost, or the target killed) the leader sends another while the
// transfer lasts.
const timeoutNowRetry = 50 * time.Millisecond

// The errors TransferLeadership returns.
var (
	ErrNotLeader          = errors.New("raft: this peer is not the leader")
	ErrKilled             = errors.New("raft: this peer has been killed")
	ErrTransferInProgress = errors.New("raft: a leadership transfer is already in progress")
)

// leadershipTransfer is a leader's transfer in progress, if any.
type leadershipTransfer struct {
	active   bool      // begun and neither completed nor abandoned (see transferring)
	target   int       // the peer that is to lead
	deadline time.Time // when the leader gives up and accepts commands again
	inflight bool      // a TimeoutNow call to target has not returned yet
	sentAt   time.Time // when the latest TimeoutNow was sent
}

// TransferLeadership asks this peer, if it leads, to hand leadership to
// server (dissertation §3.10). It returns at once, like Start: nil means
// the transfer has begun, not that it has completed. From then on Start
// returns isLeader == false, as on a follower, so a service redirects its
// clients (GetState still reports this peer as leader, which it is). The
// transfer completes when server wins an election in a higher term, which
// this peer notices by stepping down (GetState); if that has not happened
// within an election timeout, this peer accepts commands again. It
// returns ErrKilled after Kill, ErrNotLeader on a peer that does not lead,
// ErrTransferInProgress while an earlier transfer lasts,
// ErrChangeInProgress while an AddServer or RemoveServer runs, and an error
// naming server when it is this peer or not an index of peers.
func (rf *Raft) TransferLeadership(server int) error {
	if rf.killed() {
		return ErrKilled
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	switch {
	case !rf.members.conf.isVoter(server):
		// Only a voter can win the election (§4.1).
		return fmt.Errorf("raft: no peer %d to transfer leadership to (%d voters)", server, len(rf.voters()))
	case server == rf.me:
		return fmt.Errorf("raft: peer %d cannot transfer leadership to itself", server)
	case rf.role != leader:
		return ErrNotLeader
	case rf.transferring():
		return ErrTransferInProgress
	case rf.members.busy:
		// One or the other (§4.1, §3.10): an AddServer's promotion or
		// a removal appended after TimeoutNow went out would be lost
		// when the target wins without it.
		return ErrChangeInProgress
	}
	now := time.Now()
	rf.lead.transfer = leadershipTransfer{active: true, target: server, deadline: now.Add(transferTimeout)}
	rf.dlog(topicLeader, "transferring leadership to S%d; refusing commands until %v", server, transferTimeout)
	// Start catching the target up now rather than at its next heartbeat
	// or probe: one call more, and only when a transfer begins.
	rf.lead.progress[server].sentAt = time.Time{}
	rf.replicateTo(server, now)
	rf.advanceTransfer(now)
	return nil
}

// transferring reports whether this leader has a transfer in progress;
// Start refuses commands meanwhile (§3.10). The transfer is leader state:
// stepping down ends it (resetLeaderState). Caller holds rf.mu.
func (rf *Raft) transferring() bool {
	return rf.role == leader && rf.lead.transfer.active
}

// advanceTransfer moves a transfer on (ticker, replies of the target): past
// its deadline it is abandoned; once the target's log matches ours it gets
// a TimeoutNow, again after timeoutNowRetry if the previous one was lost
// or had no effect. Caller holds rf.mu and is the leader.
func (rf *Raft) advanceTransfer(now time.Time) {
	if !rf.transferring() {
		return
	}
	t := &rf.lead.transfer
	if !now.Before(t.deadline) {
		t.active = false
		rf.dlog(topicLeader, "transfer to S%d did not complete within %v; accepting commands again", t.target, transferTimeout)
		return
	}
	if t.inflight || now.Sub(t.sentAt) < timeoutNowRetry || rf.lead.progress[t.target].matchIndex < rf.log.lastIndex() {
		return
	}
	t.inflight = true
	t.sentAt = now
	// The target's election is exempt from the vote refusal that lease
	// reads rest on, so this leader may be deposed before its lease runs
	// out: no lease reads for the rest of its term (lease.go).
	rf.lead.leaseEnded = true
	args := TimeoutNowArgs{Term: rf.currentTerm, LeaderId: rf.me}
	rf.dlog(topicLeader, "S%d holds our whole log (%d); sending it TimeoutNow", t.target, rf.log.lastIndex())
	if end := rf.endOf(t.target); end != nil {
		go rf.sendTimeoutNow(end, args)
	}
}

// sendTimeoutNow makes one TimeoutNow call. A reply in a higher term (the
// target has started its election) makes this peer a follower, which ends
// the transfer; otherwise advanceTransfer may try again.
func (rf *Raft) sendTimeoutNow(end *labrpc.ClientEnd, args TimeoutNowArgs) {
	var reply TimeoutNowReply
	ok := end.Call("Raft.TimeoutNow", &args, &reply)
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.killed() || (ok && rf.adoptHigherTerm(reply.Term)) {
		return
	}
	if rf.transferring() && rf.currentTerm == args.Term {
		rf.lead.transfer.inflight = false
	}
}

// TimeoutNow is the TimeoutNow RPC handler (§3.10): the leader of our term
// has brought our log up to date with its own and asks us to start an
// election at once. The election skips pre-vote and its RequestVotes carry
// DisruptLeader, since the other peers have just heard from the leader.
// The reply carries our new term, so the old leader steps down at once.
func (rf *Raft) TimeoutNow(args *TimeoutNowArgs, reply *TimeoutNowReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	var current bool
	if reply.Term, current = rf.admitRequest(args.Term); !current || rf.role == leader {
		return
	}
	if !rf.members.conf.isVoter(rf.me) {
		return // a learner or a removed server never campaigns (§4.2.1, §4.2.3)
	}
	rf.dlog(topicTimer, "TimeoutNow from S%d: running for term %d at once", args.LeaderId, rf.currentTerm+1)
	rf.election.quietElections = 0
	rf.runElection(true)
	reply.Term = rf.currentTerm
}
