package raft

import (
	"sync"
	"time"

	"miniraftkv/labrpc"
)

// Ends and leader progress for the members of a changeable configuration.
// rf.peers and the leader's per-peer slices are indexed by member id; they
// grow to cover every id the configuration in use names, and are only read
// with rf.mu held (a sender takes its end before it releases rf.mu for the
// call). With Make they are never touched after construction.

// ensureEnds gives rf.peers an end for every member of the configuration
// in use, dialling those peers does not cover and those whose address
// changed. Caller holds rf.mu.
func (rf *Raft) ensureEnds() {
	if !rf.members.changeable {
		return
	}
	rf.growPeers(rf.me)
	c := &rf.members.conf
	for _, list := range [][]Member{c.Voters, c.Learners} {
		for _, m := range list {
			rf.growPeers(m.ID)
			if m.ID != rf.me {
				rf.ensureEnd(m)
			}
		}
	}
}

// growPeers makes rf.peers long enough to hold id. Caller holds rf.mu.
func (rf *Raft) growPeers(id int) {
	for len(rf.peers) <= id {
		rf.peers = append(rf.peers, nil)
	}
}

// ensureEnd dials m unless peers, as given, covers it or it was dialled
// at its address already. Caller holds rf.mu.
func (rf *Raft) ensureEnd(m Member) {
	if _, dialled := rf.members.dialled[m.ID]; !dialled && m.ID < rf.members.given && rf.peers[m.ID] != nil {
		return // peers[id], as given, is used for good
	}
	if addr, ok := rf.members.dialled[m.ID]; ok && addr == m.Addr {
		return
	}
	if rf.members.dial == nil {
		rf.dlog(topicWarn, "no end for member %d (%q) and no Dial to make one", m.ID, m.Addr)
		return
	}
	rf.peers[m.ID] = rf.members.dial(m)
	rf.members.dialled[m.ID] = m.Addr
}

// endOf returns the end for peer, or nil if there is none (a member that
// could not be dialled). Caller holds rf.mu.
func (rf *Raft) endOf(peer int) *labrpc.ClientEnd {
	if peer < len(rf.peers) {
		return rf.peers[peer]
	}
	return nil
}

// syncLeaderProgress gives a leader progress and senders for every id
// rf.peers covers, and starts afresh the progress of each member that was
// not in the configuration before, prev: a server added again may have
// lost everything it held when it was removed. Caller holds rf.mu and is
// the leader.
func (rf *Raft) syncLeaderProgress(prev *configuration) {
	now := time.Now()
	for len(rf.lead.progress) < len(rf.peers) {
		rf.lead.progress = append(rf.lead.progress, peerProgress{nextIndex: rf.log.lastIndex() + 1, lastReply: now})
		rf.lead.senders = append(rf.lead.senders, &senders{wake: sync.NewCond(&rf.mu)})
	}
	for _, id := range rf.members.conf.members() {
		if id != rf.me && !prev.isVoter(id) && !prev.isLearner(id) {
			rf.lead.progress[id] = peerProgress{nextIndex: rf.log.lastIndex() + 1, lastReply: now}
		}
	}
}
