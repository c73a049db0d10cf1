package raft

import "time"

// A leader that removes itself (dissertation §4.2.2). Once the entry
// without it is appended, it "manages a cluster that does not include
// itself": it goes on replicating and committing, but no majority counts
// it (quorum.go takes the voters of the configuration in use, §4.1). When
// that entry is committed it steps down, and never campaigns again
// (tickElection): the remaining servers time out and elect a leader among
// themselves. It waits, a heartbeat interval at most, until each voter
// has been sent the commitIndex that covers the entry, so that they too
// know the change is done.
//
// Until its removal is committed, though, the others may still use the
// configuration before it and need its vote, which they cannot get if its
// log is the longer one (Figure 2, RequestVote rule 2): a leader that
// appended its removal and then lost the leadership before any other
// server had the entry would wedge the cluster for good if it never
// campaigned. So a server may campaign while it is a voter of the latest
// configuration it knows to be committed (mayCampaign). Safety is
// unchanged: votes are counted over the voters of the configuration in
// use (§4.1), which do not include it, so it does not vote for itself;
// if it wins it is the §4.2.2 leader outside its own configuration, whose
// blank entry commits the removal, and it then steps down.

// stepDownIfRemoved applies §4.2.2's "once the Cnew entry is committed,
// the leader steps down". It reports whether it did. Caller holds rf.mu
// and is the leader.
func (rf *Raft) stepDownIfRemoved(now time.Time) bool {
	c := &rf.members.conf
	if !rf.members.changeable || c.isVoter(rf.me) || c.index > rf.commitIndex {
		return false
	}
	if !rf.votersToldCommit(c.index) && now.Sub(rf.lead.commitAdvancedAt) < heartbeatInterval {
		return false
	}
	rf.dlog(topicLeader, "configuration %d, without us, is committed: stepping down (§4.2.2)", c.index)
	rf.becomeFollower(rf.currentTerm)
	return true
}

// votersToldCommit reports whether every voter has been sent a
// commitIndex of at least index. Caller holds rf.mu and is the leader.
func (rf *Raft) votersToldCommit(index int) bool {
	for _, peer := range rf.voters() {
		if rf.lead.progress[peer].sentCommit < index {
			return false
		}
	}
	return true
}

// mayCampaign reports whether this peer may start an election: it is a
// voter of the configuration in use, or of the latest configuration it
// knows to be committed and one not yet committed removes it (§4.2.2
// interrupted; see above). The latest committed one, not merely the one
// before the latest: each new leader appends a blank entry, which may
// itself be interrupted. Caller holds rf.mu.
func (rf *Raft) mayCampaign() bool {
	if rf.members.conf.isVoter(rf.me) {
		return true
	}
	committed := rf.members.snap
	for _, c := range rf.members.logged {
		if c.index <= rf.commitIndex {
			committed = c
		}
	}
	return committed.index < rf.members.conf.index && committed.isVoter(rf.me)
}

// ownVote is the vote a candidate gives itself: 1 if it is a voter of the
// configuration in use, whose voters every election counts (§4.1), and 0
// for one that an uncommitted entry removed (mayCampaign). Caller holds
// rf.mu.
func (rf *Raft) ownVote() int {
	if rf.members.conf.isVoter(rf.me) {
		return 1
	}
	return 0
}
