package raft

import (
	"fmt"
	"time"
)

// Replication timing and batching. See doc.go for why these numbers.
const (
	// heartbeatInterval is the longest a leader stays silent towards a
	// follower; anything sent (entries, a commit notice) counts.
	heartbeatInterval = 250 * time.Millisecond
	// staleCallAfter is how long a leader waits for an outstanding call to
	// an unresponsive follower before probing it again. A call to a cut-off
	// peer can take up to 7 s to fail in labrpc; without this a follower
	// that reconnects would wait for it.
	staleCallAfter = 500 * time.Millisecond
	// responsiveFor is how long after its last reply a follower still
	// counts as responsive: one whose call is merely slow (a delayed reply)
	// rather than lost, so it keeps getting heartbeats on time.
	responsiveFor = 600 * time.Millisecond
	// commitNoticeDelay is how long a leader holds back an AppendEntries
	// that would only tell a follower the new commitIndex, hoping the next
	// entries (which carry it too) come first. The ticker sends the notice
	// on its first tick after the delay.
	commitNoticeDelay = 2 * time.Millisecond
	// maxEntriesPerAppend bounds one AppendEntries batch.
	maxEntriesPerAppend = 1000
	// tickInterval is the resolution of the ticker goroutine.
	tickInterval = 10 * time.Millisecond
)

// peerProgress is everything a leader knows of one follower: Figure 2's
// nextIndex and matchIndex, and what it has sent it. At most one
// AppendEntries or InstallSnapshot is outstanding per follower: the next
// batch goes out as soon as the reply to the previous one arrives, so
// entries proposed while a call is in flight travel together.
//
// Invariant: matchIndex < nextIndex.
type peerProgress struct {
	nextIndex   int       // index of the next log entry to send (Figure 2)
	matchIndex  int       // highest index known to be replicated there (Figure 2)
	inflight    bool      // the latest call has not returned yet
	seq         uint64    // number of the latest call; older calls' returns do not clear inflight
	sentAt      time.Time // when the latest call was sent
	failures    int       // consecutive calls that returned false
	lastReply   time.Time // when a reply from this follower last arrived
	sentCommit  int       // LeaderCommit carried by the latest AppendEntries
	acked       uint64    // highest seq of a call the follower answered in our term (see readindex.go)
	ackedSentAt time.Time // when the latest call the follower answered in our term was sent (see lease.go)
	fruitless   int       // consecutive rejections of the latest call that moved nextIndex no closer to a match
	// With changeable membership only, for a new server's catch-up
	// (catchup.go): when matchIndex last moved up, and when the first
	// InstallSnapshot since then was sent.
	advancedAt, snapshotSentAt time.Time
}

// retryBackoff is how long to wait after the latest call failed before
// sending pending entries again: at once after a single loss (the
// unreliable network drops 10% of messages), then doubling from 10 ms up to
// the heartbeat interval while a follower stays unreachable.
func retryBackoff(failures int) time.Duration {
	if failures <= 1 {
		return 0
	}
	d := 10 * time.Millisecond << uint(failures-2)
	if d > heartbeatInterval || d <= 0 {
		return heartbeatInterval
	}
	return d
}

// sendDue decides whether a leader should send to a follower now, given its
// progress and whether there is something to send (entries it lacks or a
// commitIndex it has not been told).
func sendDue(p peerProgress, hasWork bool, now time.Time) bool {
	since := now.Sub(p.sentAt)
	switch {
	case p.inflight && now.Sub(p.lastReply) < responsiveFor:
		// The follower answers, just slowly: keep its heartbeats on time.
		return since >= heartbeatInterval
	case p.inflight:
		// Probably cut off: probe it now and then.
		return since >= staleCallAfter
	case p.failures > 0:
		// The last call was lost: retry soon, backing off while it lasts.
		return since >= retryBackoff(p.failures)
	case p.fruitless > 0:
		// The follower's answers lead nowhere: never resend in a tight
		// loop, whatever it says.
		return since >= retryBackoff(p.fruitless+1)
	case hasWork:
		return true
	default:
		return since >= heartbeatInterval
	}
}

// tickLeader is a leader's clock tick: it steps down if it has been cut off
// from a majority, and otherwise moves a leadership transfer on (§3.10)
// and sends whatever heartbeats, retries and commit notices are due.
// Caller holds rf.mu and is the leader.
func (rf *Raft) tickLeader(now time.Time) {
	if !rf.stepDownWithoutQuorum(now) && !rf.stepDownIfRemoved(now) {
		rf.advanceTransfer(now)
		rf.replicateToAll(now)
	}
}

// replicateToAll gives every follower whatever is due now. Caller holds
// rf.mu and is the leader.
func (rf *Raft) replicateToAll(now time.Time) {
	for _, peer := range rf.members.conf.members() {
		if peer != rf.me {
			rf.replicateTo(peer, now)
		}
	}
}

// replicateTo applies Figure 2's "If last log index >= nextIndex for a
// follower: send AppendEntries RPC with log entries starting at nextIndex",
// together with heartbeats (§5.2), commit notices and the calls a read round
// waits for (§6.4, readindex.go), when sendDue says so.
// A follower that needs entries the snapshot has replaced gets the snapshot
// instead (§7). Caller holds rf.mu and is the leader.
func (rf *Raft) replicateTo(peer int, now time.Time) {
	p := &rf.lead.progress[peer]
	hasEntries := p.nextIndex <= rf.log.lastIndex()
	commitNoticeDue := p.sentCommit < rf.commitIndex && now.Sub(rf.lead.commitAdvancedAt) >= commitNoticeDelay
	if !sendDue(*p, hasEntries || commitNoticeDue || rf.readNeedsCall(peer), now) {
		return
	}
	p.inflight = true
	p.seq++
	p.sentAt = now
	rf.dispatch(peer, p.seq)
}

// appendEntriesArgs builds the AppendEntries for peer: the entries from its
// nextIndex on, as many as one call may carry. Caller holds rf.mu and is
// the leader.
func (rf *Raft) appendEntriesArgs(peer int) AppendEntriesArgs {
	prev := rf.lead.progress[peer].nextIndex - 1
	prevTerm, _ := rf.log.term(prev)
	args := AppendEntriesArgs{
		Term:         rf.currentTerm,
		LeaderId:     rf.me,
		PrevLogIndex: prev,
		PrevLogTerm:  prevTerm,
		Entries:      rf.boundBatchBytes(rf.log.copyRange(prev+1, rf.log.lastIndex(), rf.appendBatchLimit())),
		LeaderCommit: rf.commitIndex,
	}
	rf.lead.progress[peer].sentCommit = rf.commitIndex
	if len(args.Entries) > 0 {
		rf.dlog(topicLog, "sending %d entries %d..%d to S%d (commit %d)",
			len(args.Entries), prev+1, prev+len(args.Entries), peer, args.LeaderCommit)
	} else {
		rf.dlog(topicLog, "heartbeat to S%d (commit %d)", peer, args.LeaderCommit)
	}
	return args
}

// appendEntriesTo makes one AppendEntries call for one of peer's senders,
// s, and handles its reply. A notice the reply gave rise to goes to the
// service's logger with rf.mu released. Caller holds rf.mu, which is
// released during the Call.
func (rf *Raft) appendEntriesTo(peer int, args AppendEntriesArgs, seq uint64, s *senders) {
	var reply AppendEntriesReply
	sent, ok := rf.callOutsideLock(peer, s, "Raft.AppendEntries", &args, &reply)
	notice := rf.handleAppendReply(peer, args, reply, seq, sent, ok)
	if logf := rf.settings.logf; notice != "" && logf != nil {
		rf.mu.Unlock()
		logf("%s", notice)
		rf.mu.Lock()
	}
}

// handleAppendReply acts on the return of an AppendEntries call and sends
// the next one if it is due, returning a notice for the operator, if any.
// Caller holds rf.mu.
func (rf *Raft) handleAppendReply(peer int, args AppendEntriesArgs, reply AppendEntriesReply,
	seq uint64, sent time.Time, ok bool) string {
	if !rf.replyCounts(peer, seq, sent, ok, args.Term, reply.Term) {
		return ""
	}
	notice := ""
	if reply.Success {
		rf.handleAppendSuccess(peer, args.PrevLogIndex+len(args.Entries))
	} else {
		notice = rf.handleAppendRejection(peer, args, reply, rf.lead.progress[peer].seq == seq)
	}
	rf.replicateTo(peer, time.Now()) // the next batch, if any, at once
	return notice
}

// replyCounts runs the checks every leader-side reply path begins with once
// its call returns, and reports whether the reply is to be acted on. A
// killed peer ignores it; a reply carrying a higher term makes this peer a
// follower (Figure 2, rules for all servers); a reply to a call of an older
// term of ours is stale; otherwise finishCall records the call's return,
// and a reply in our term counts for the read rounds (§6.4) and the lease
// (§6.4.1) of a call sent at time sent. Caller holds rf.mu.
func (rf *Raft) replyCounts(peer int, seq uint64, sent time.Time, ok bool, sentTerm, replyTerm int) bool {
	if rf.killed() || (ok && rf.adoptHigherTerm(replyTerm)) {
		return false
	}
	if rf.role != leader || rf.currentTerm != sentTerm {
		return false // the reply belongs to an older term of ours
	}
	if !rf.finishCall(peer, seq, ok) {
		return false
	}
	if replyTerm == sentTerm { // not a killed peer's empty answer
		rf.recordReadAck(peer, seq, sent)
	}
	return true
}

// finishCall updates a follower's progress when a call returns and reports
// whether it returned a reply. Caller holds rf.mu and is the leader.
func (rf *Raft) finishCall(peer int, seq uint64, ok bool) bool {
	p := &rf.lead.progress[peer]
	if ok {
		p.lastReply = time.Now()
	}
	if seq == p.seq {
		p.inflight = false
		if ok {
			p.failures = 0
		} else {
			p.failures++
		}
	}
	return ok
}

// handleAppendSuccess applies Figure 2's "If successful: update nextIndex
// and matchIndex for follower (§5.3)". Replies can arrive out of order, so
// both only move forward. A transfer's target that has caught up gets its
// TimeoutNow at once (§3.10). Caller holds rf.mu and is the leader.
func (rf *Raft) handleAppendSuccess(peer int, match int) {
	rf.lead.progress[peer].fruitless = 0
	if match > rf.lead.progress[peer].matchIndex {
		rf.lead.progress[peer].matchIndex = match
		if rf.members.changeable {
			rf.lead.progress[peer].advancedAt = time.Now()
		}
	}
	if rf.lead.transfer.active && rf.lead.transfer.target == peer {
		rf.advanceTransfer(time.Now())
	}
	if rf.lead.progress[peer].matchIndex+1 > rf.lead.progress[peer].nextIndex {
		rf.lead.progress[peer].nextIndex = rf.lead.progress[peer].matchIndex + 1
	}
	if rf.members.changeable {
		rf.members.changed.Broadcast() // a new server's catch-up may wait for it (catchup.go)
	}
	rf.advanceCommitIndex()
}

// handleAppendRejection applies Figure 2's "If AppendEntries fails because
// of log inconsistency: decrement nextIndex and retry (§5.3)", skipping a
// whole conflicting term at a time with the follower's hint. Replies can
// come in any order, so a stale one never takes nextIndex to or below
// matchIndex. But the rejection of the latest call may prove that the
// follower lost entries it had acknowledged (lostAcknowledged): then
// matchIndex was wrong, and is forgotten, so that nextIndex can fall as
// far as the follower needs; the returned notice says so. A rejection of
// the latest call that brings nextIndex no closer to a match counts as
// fruitless, and the next call waits a backoff (sendDue). latest says the
// call is the latest sent to peer. Caller holds rf.mu and is the leader.
func (rf *Raft) handleAppendRejection(peer int, args AppendEntriesArgs, reply AppendEntriesReply, latest bool) string {
	p := &rf.lead.progress[peer]
	p.sentCommit = 0 // a rejecting follower ignored LeaderCommit
	next := rf.log.nextIndexAfterConflict(reply.ConflictTerm, reply.ConflictIndex)
	next = min(resumeIndex(next, reply.FollowerCommit), rf.lead.progress[peer].nextIndex)
	lost := latest && lostAcknowledged(args.PrevLogIndex, rf.lead.progress[peer].matchIndex, reply)
	notice := ""
	if lost {
		next = max(next, 1)
		notice = fmt.Sprintf("raft: peer %d rejected entry %d after acknowledging entries through %d in term %d: "+
			"it lost saved state (restarted without its last records?); resending from index %d",
			peer, args.PrevLogIndex, rf.lead.progress[peer].matchIndex, rf.currentTerm, next)
		rf.lead.progress[peer].matchIndex = 0
	}
	next = max(next, rf.lead.progress[peer].matchIndex+1)
	if latest && (lost || next > args.PrevLogIndex) {
		p.fruitless++
	} else if latest {
		p.fruitless = 0
	}
	rf.dlog(topicLog, "S%d rejected prev %d/T%d (conflict T%d at %d); nextIndex %d -> %d",
		peer, args.PrevLogIndex, args.PrevLogTerm, reply.ConflictTerm, reply.ConflictIndex, rf.lead.progress[peer].nextIndex, next)
	rf.lead.progress[peer].nextIndex = next
	return notice
}

// lostAcknowledged reports whether a follower's rejection of an
// AppendEntries built on prevIndex contradicts matchIndex, the highest
// index it acknowledged in this term: by its hint its log ends before
// matchIndex, or it rejects an entry at or below matchIndex. A correct
// follower does neither; one restarted without its last saved records (an
// unsynced write lost in a machine crash, a torn record dropped) does. A
// hint of index 0 is no hint.
func lostAcknowledged(prevIndex, matchIndex int, reply AppendEntriesReply) bool {
	if reply.ConflictTerm == 0 && reply.ConflictIndex > 0 {
		return reply.ConflictIndex <= matchIndex
	}
	return prevIndex <= matchIndex
}

// resumeIndex chooses where a leader resumes sending after a rejection:
// just past the follower's commitIndex, which is certain to match, when that
// costs at most one batch of entries the follower may already hold; else
// the fast-backtracking guess next, which may need more round trips. (With
// replies delayed by seconds, round trips are what makes catching up slow.)
func resumeIndex(next, followerCommit int) int {
	safe := followerCommit + 1
	if safe < next && next-safe <= maxEntriesPerAppend {
		return safe
	}
	return next
}

// advanceCommitIndex applies Figure 2's last leader rule: "If there exists
// an N such that N > commitIndex, a majority of matchIndex[i] >= N, and
// log[N].term == currentTerm: set commitIndex = N (§5.3, §5.4)". Entries of
// earlier terms are committed only indirectly (§5.4.2, Figure 8). Followers
// hear of it with the next entries, or from the ticker a few milliseconds
// later. Caller holds rf.mu and is the leader.
func (rf *Raft) advanceCommitIndex() {
	n := quorumMatchIndex(rf.voters(), rf.lead.progress)
	if n <= rf.commitIndex {
		return
	}
	if t, _ := rf.log.term(n); t != rf.currentTerm {
		return
	}
	rf.dlog(topicCommit, "commitIndex %d -> %d", rf.commitIndex, n)
	rf.commitIndex = n
	rf.lead.commitAdvancedAt = time.Now()
	rf.applyCond.Signal()
	if rf.members.changeable {
		rf.members.changed.Broadcast() // a membership change may wait for it (membership.go)
	}
}

// AppendEntries is the AppendEntries RPC handler (Figure 2, receiver
// implementation), with the conflict hint of fast backtracking on failure.
func (rf *Raft) AppendEntries(args *AppendEntriesArgs, reply *AppendEntriesReply) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if len(args.Entries) > 0 {
		rf.awaitCompaction() // before anything is decided: it releases rf.mu
	}
	var current bool
	if reply.Term, current = rf.admitRequest(args.Term); !current {
		return
	}
	rf.acceptLeader(args.LeaderId)
	// 2. Reply false if log doesn't contain an entry at prevLogIndex whose
	// term matches prevLogTerm (§5.3).
	if !rf.log.matches(args.PrevLogIndex, args.PrevLogTerm) {
		reply.ConflictTerm, reply.ConflictIndex = rf.log.conflictHint(args.PrevLogIndex)
		reply.FollowerCommit = rf.commitIndex
		rf.dlog(topicLog, "rejecting prev %d/T%d from S%d: conflict T%d at %d, log %s", args.PrevLogIndex,
			args.PrevLogTerm, args.LeaderId, reply.ConflictTerm, reply.ConflictIndex, rf.log.describe())
		return
	}
	// 3. and 4.: delete conflicting entries, append new ones.
	lastNew := rf.log.mergeFrom(args.PrevLogIndex, args.Entries)
	rf.noteMergedConfigs(args.PrevLogIndex, len(args.Entries))
	// Success tells the leader we hold every entry up to the last new one:
	// all of them must be on disk first, including any an earlier call
	// appended that the saver has not saved yet.
	if !rf.awaitSaved() {
		return
	}
	if rf.currentTerm != args.Term {
		// The term moved on while we waited (a newer leader or candidate,
		// or our own election), and what we merged may have been
		// replaced; our term in the reply makes this leader step down.
		reply.Term = rf.currentTerm
		return
	}
	reply.Success = true
	rf.followLeaderCommit(args.LeaderCommit, lastNew)
}

// acceptLeader handles an AppendEntries or InstallSnapshot from the leader
// of currentTerm: a candidate of the same term steps down ("If
// AppendEntries RPC received from new leader: convert to follower"), the
// election timer restarts (§5.2) and the time is noted for the pre-vote's
// leader stickiness (§9.6). Caller holds rf.mu.
func (rf *Raft) acceptLeader(leaderId int) {
	if rf.role != follower {
		rf.dlog(topicLeader, "S%d leads term %d", leaderId, rf.currentTerm)
		rf.becomeFollower(rf.currentTerm)
	}
	rf.election.quietElections = 0
	rf.resetElectionTimer()
	// Pre-votes are refused for a while (§9.6), and with lease reads on
	// votes too (lease.go).
	rf.heard = leaderHeard{at: time.Now(), inTerm: true}
}

// followLeaderCommit applies receiver rule 5: "If leaderCommit >
// commitIndex, set commitIndex = min(leaderCommit, index of last new
// entry)". Caller holds rf.mu.
func (rf *Raft) followLeaderCommit(leaderCommit, lastNew int) {
	n := leaderCommit
	if lastNew < n {
		n = lastNew
	}
	if n > rf.commitIndex {
		rf.dlog(topicCommit, "commitIndex %d -> %d (leader's is %d)", rf.commitIndex, n, leaderCommit)
		rf.commitIndex = n
		rf.applyCond.Signal()
	}
}
