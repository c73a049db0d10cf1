package raft

import (
	"fmt"
	"sync"
	"time"

	"miniraftkv/labrpc"
)

// Keeping a peer's configuration in step with its log (dissertation §4.1):
// "a server always uses the latest configuration in its log, regardless of
// whether the entry is committed". Every change to the log that can add
// or remove a configuration entry comes through here: the leader's own
// appends (appendConfigEntry), a follower's merge of a leader's entries
// (noteMergedConfigs, which also drops configurations that a conflicting
// leader truncated away: the peer falls back to the previous one), a
// snapshot (compactConfigs; the snapshot carries the configuration as of
// its last index) and a restart (loadConfigurations). A peer built with
// Make has one fixed configuration and none of this runs.

// initMembership sets a peer's membership up before its persisted state
// is read. Caller holds rf.mu.
func (rf *Raft) initMembership(opts *MembershipOptions) {
	rf.members.changed = sync.NewCond(&rf.mu)
	if opts == nil {
		rf.members.snap = fixedConfiguration(len(rf.peers))
		rf.members.conf = rf.members.snap
		return
	}
	rf.members.changeable = true
	rf.members.dial = opts.Dial
	rf.members.given = len(rf.peers)
	rf.peers = append([]*labrpc.ClientEnd(nil), rf.peers...) // grown here, never the caller's
	rf.members.dialled = make(map[int]string)
	rf.members.initial = ConfigChange{Voters: cloneMembers(opts.Initial)}
}

// loadConfigurations finds the configurations of the log just restored
// (the snapshot's came with it); with none at all the initial one applies,
// which for a joining server has no voters. Caller holds rf.mu.
func (rf *Raft) loadConfigurations() {
	if !rf.members.changeable {
		return
	}
	if len(rf.members.snap.Voters) == 0 {
		rf.members.snap = newConfiguration(rf.members.initial, 0)
	}
	rf.members.logged = nil
	rf.scanConfigs(rf.log.firstIndex(), rf.log.lastIndex())
	rf.useLatestConfiguration()
}

// scanConfigs appends to logged the configurations of the entries from..to.
// Caller holds rf.mu.
func (rf *Raft) scanConfigs(from, to int) {
	for index := from; index <= to; index++ {
		if c, ok := rf.log.at(index).Command.(ConfigChange); ok {
			rf.members.logged = append(rf.members.logged, newConfiguration(c, index))
		}
	}
}

// noteMergedConfigs follows a follower's merge of n entries after prevIndex
// (mergeFrom): configurations at indices it replaced or truncated are
// forgotten and those of the merged entries noted. Caller holds rf.mu.
func (rf *Raft) noteMergedConfigs(prevIndex, n int) {
	if !rf.members.changeable || n == 0 {
		return
	}
	last := min(prevIndex+n, rf.log.lastIndex())
	var before, after []configuration
	for _, c := range rf.members.logged {
		switch {
		case c.index <= prevIndex:
			before = append(before, c)
		case c.index > last && c.index <= rf.log.lastIndex():
			after = append(after, c) // beyond the merged entries, and not truncated
		}
	}
	rf.members.logged = before
	rf.scanConfigs(max(prevIndex+1, rf.log.firstIndex()), last)
	rf.members.logged = append(rf.members.logged, after...)
	rf.useLatestConfiguration()
}

// compactConfigs follows a compaction of the log through its snapshot
// index: the latest configuration at or below it becomes the snapshot's
// (the one a snapshot received from the leader carries, when given), and
// those beyond it stay only if the log kept their entries. Caller holds
// rf.mu.
func (rf *Raft) compactConfigs(fromLeader *ConfigChange, fromLeaderIndex int) {
	if !rf.members.changeable {
		return
	}
	base := rf.log.snapshotIndex()
	var kept []configuration
	for _, c := range rf.members.logged {
		switch {
		case c.index <= base:
			rf.members.snap = c
		case c.index <= rf.log.lastIndex():
			kept = append(kept, c)
		}
	}
	if fromLeader != nil {
		rf.members.snap = newConfiguration(*fromLeader, fromLeaderIndex)
	}
	rf.members.logged = kept
	rf.useLatestConfiguration()
}

// appendConfigEntry is the leader's append of a configuration entry; the
// new configuration takes effect at once (§4.1). It returns the entry's
// index. Caller holds rf.mu and is the leader.
func (rf *Raft) appendConfigEntry(c ConfigChange) int {
	rf.log.append(LogEntry{Term: rf.currentTerm, Command: c})
	index := rf.log.lastIndex()
	rf.members.logged = append(rf.members.logged, newConfiguration(c, index))
	rf.useLatestConfiguration()
	rf.dlog(topicLeader, "appended configuration %d: voters %v, learners %v", index, c.Voters, c.Learners)
	rf.requestSave()
	rf.replicateToAll(time.Now())
	return index
}

// useLatestConfiguration makes the latest configuration the one in use,
// with an end for each member and, on a leader, progress for each.
// Caller holds rf.mu.
func (rf *Raft) useLatestConfiguration() {
	prev := rf.members.conf
	rf.members.conf = rf.members.snap
	if n := len(rf.members.logged); n > 0 {
		rf.members.conf = rf.members.logged[n-1]
	}
	rf.ensureEnds()
	if rf.role == leader {
		rf.syncLeaderProgress(&prev)
	}
}

// replaySnapshotConf applies a snapshot configuration record
// (statestream.go): the configuration as of the snapshot base, which must
// come right after it. A peer with fixed membership ignores it.
func (rf *Raft) replaySnapshotConf(n int, rec persistRecord) error {
	if n != 1 || len(rec.Entries) != 1 || rec.From < 0 || rec.From > rf.log.snapshotIndex() {
		return fmt.Errorf("misplaced or invalid snapshot configuration record (index %d, %d entries)", rec.From, len(rec.Entries))
	}
	c, ok := rec.Entries[0].Command.(ConfigChange)
	if !ok || len(c.Voters) == 0 || validateMembers(append(cloneMembers(c.Voters), c.Learners...)) != nil {
		return fmt.Errorf("snapshot configuration record holds no valid configuration: %v", rec.Entries[0].Command)
	}
	if rf.members.changeable {
		rf.members.snap = newConfiguration(c, rec.From)
	}
	return nil
}

// validVote reports whether v can be a persisted votedFor: noVote or a
// peer's id (any member id, with changeable membership).
func (rf *Raft) validVote(v int) bool {
	if rf.members.changeable {
		return v >= noVote && v <= maxMemberID
	}
	return v >= noVote && v < len(rf.peers)
}
