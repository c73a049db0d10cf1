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
