package raft

import (
	"fmt"
	"sort"
	"sync"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
)

// Cluster configurations (dissertation §4.1). A configuration is the set of
// servers that vote (whose majority commits entries and elects leaders)
// and the servers that only receive the log (learners, the non-voting
// members of §4.2.1). Each member has a stable integer id, which is what
// votedFor and the leader's progress are keyed by, and an address the
// service turns into a ClientEnd (MembershipOptions.Dial); Raft never
// interprets the address.
//
// A configuration change is an ordinary log entry whose command is a
// ConfigChange holding the whole new configuration (not a delta), so a
// server that sees any one of them knows the cluster. Each server uses the
// latest configuration in its log, committed or not (§4.1); the
// configuration as of a snapshot's last index travels with the snapshot.
// The pure functions here know nothing of locks or timers.

// Member is one server of a cluster: a stable id, unique in the cluster,
// and the address the service dials to reach it.
type Member struct {
	ID   int
	Addr string
}

// ConfigChange is the command of a configuration entry. Raft appends these
// itself (AddServer, RemoveServer) and delivers them on applyCh like any
// committed entry, with CommandValid set, so that CommandIndex stays
// contiguous; a service has nothing to apply for them and should only
// move its applied index on, and must not modify it (its slices are
// Raft's). Services built with Make never see one.
type ConfigChange struct {
	Voters   []Member // vote and count towards every majority
	Learners []Member // receive the log, never vote or count (§4.2.1)
}

// configuration is a ConfigChange as Raft uses it, with the log index of
// the entry that holds it (0 for a configuration no entry holds: the
// initial one, or none at all for a server waiting to join).
type configuration struct {
	ConfigChange
	index    int
	voterIDs []int // the voters' ids in order: what every quorum counts
}

// newConfiguration builds a configuration from the members of c at index.
func newConfiguration(c ConfigChange, index int) configuration {
	ids := make([]int, len(c.Voters))
	for i, m := range c.Voters {
		ids[i] = m.ID
	}
	sort.Ints(ids)
	return configuration{ConfigChange: c, index: index, voterIDs: ids}
}

// fixedConfiguration is the configuration of a peer built with Make: the
// peers 0..n-1, all voters, with no addresses (the ends are given).
func fixedConfiguration(n int) configuration {
	voters := make([]Member, n)
	for i := range voters {
		voters[i] = Member{ID: i}
	}
	return newConfiguration(ConfigChange{Voters: voters}, 0)
}

// isVoter reports whether id votes in c.
func (c *configuration) isVoter(id int) bool {
	return memberIndex(c.Voters, id) >= 0
}

// isLearner reports whether id is a learner in c.
func (c *configuration) isLearner(id int) bool {
	return memberIndex(c.Learners, id) >= 0
}

// members returns the ids of every server the leader replicates to: the
// voters, then the learners.
func (c *configuration) members() []int {
	if len(c.Learners) == 0 {
		return c.voterIDs
	}
	ids := append([]int(nil), c.voterIDs...)
	for _, m := range c.Learners {
		ids = append(ids, m.ID)
	}
	return ids
}

// memberIndex returns the position of id in ms, or -1.
func memberIndex(ms []Member, id int) int {
	for i, m := range ms {
		if m.ID == id {
			return i
		}
	}
	return -1
}

// validateMembers returns an error naming the first member of a list that
// cannot work: a negative id, or an id twice.
func validateMembers(ms []Member) error {
	seen := make(map[int]bool, len(ms))
	for _, m := range ms {
		switch {
		case m.ID < 0 || m.ID > maxMemberID:
			return fmt.Errorf("member id %d out of range; want 0 <= id <= %d", m.ID, maxMemberID)
		case seen[m.ID]:
			return fmt.Errorf("member id %d appears twice", m.ID)
		}
		seen[m.ID] = true
	}
	return nil
}

// maxMemberID bounds member ids. Ends and the leader's progress and
// senders live in slices indexed by id, rebuilt at every change of
// leadership, and each ReadIndex round copies one entry per slot: a large
// id would make each of them cost that many slots. 1023 leaves room to
// number servers freely (not by port: 7301 is out of range) and keeps
// that cost small.
const maxMemberID = 1023

// cloneMembers returns a copy of ms that later changes to ms cannot reach.
func cloneMembers(ms []Member) []Member {
	if len(ms) == 0 {
		return nil
	}
	return append([]Member(nil), ms...)
}

// membershipState is what a peer knows of its cluster's configurations:
// the one as of its snapshot and those in its log after it. Caller holds
// rf.mu for everything.
type membershipState struct {
	changeable bool                           // built with MembershipOptions; false: fixed, as Make
	dial       func(Member) *labrpc.ClientEnd // ends for members peers does not cover
	given      int                            // len(peers) as given: ids below it use peers[id] when not nil
	dialled    map[int]string                 // the address each dialled end was made for
	initial    ConfigChange                   // MembershipOptions.Initial as voters

	snap   configuration   // as of log.snapshotIndex(); committed (or the initial one)
	logged []configuration // configuration entries after the snapshot, in index order
	// conf is the latest of snap and logged: the one this peer uses
	// (§4.1), whose voters every quorum counts.
	conf configuration

	// changed is broadcast when something an AddServer or RemoveServer in
	// progress waits for may have happened: commitIndex moved, a member's
	// matchIndex moved, the leadership ended, the peer was killed.
	changed *sync.Cond
	// busy is set while an AddServer or RemoveServer runs: one change at
	// a time (§4.1), also while a new server catches up.
	busy bool
}

// configChangeGobName is the name ConfigChange is registered under with
// labgob, to travel in log entries (persisted, and in AppendEntries) as a
// command.
const configChangeGobName = "raft.ConfigChange"

func init() {
	labgob.RegisterName(configChangeGobName, ConfigChange{})
}
