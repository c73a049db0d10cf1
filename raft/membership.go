package raft

import (
	"errors"
	"fmt"
	"time"

	"miniraftkv/labrpc"
)

// Cluster membership changes, one server at a time (dissertation §4.1,
// "Safety"): any majority of the old configuration and any majority of a
// configuration that adds or removes a single server overlap, so a change
// of one server can take effect the moment it is in a server's log,
// without the joint consensus of §4.3. Only one change may be in flight:
// a leader refuses a new one until the previous one is committed, and
// until it has committed an entry of its own term (the fix to the bug of
// §4.1's single-server changes, noted in the dissertation's errata: a
// leader must not change the configuration before it knows which entries
// its predecessors committed).
//
// MembershipOptions, given to MakeWithOptions, turn this on; Make's peers
// never change their membership.

// MembershipOptions makes a peer's membership changeable. A nil
// Options.Membership is what Make gives: peers 0..len(peers)-1, all
// voters, for the peer's whole life.
type MembershipOptions struct {
	// Self is this server's id; MakeWithOptions's me must equal it.
	Self int
	// Initial are the voters of a cluster being created, used only when
	// the persisted state holds no configuration. Empty: this server joins
	// an existing cluster and waits, never campaigning, until a leader adds
	// it and it learns a configuration that lists it as a voter.
	Initial []Member
	// Dial returns an end for a member. Raft calls it, with its lock held
	// (so it must not block), once per member id it must reach that
	// MakeWithOptions's peers does not cover (peers[id], when id <
	// len(peers) and it is not nil), and again when a member's address
	// changes. It may be nil when peers covers every member ever added.
	Dial func(Member) *labrpc.ClientEnd
}

// Errors of AddServer and RemoveServer, beside ErrNotLeader and ErrKilled.
var (
	// ErrChangeInProgress: a configuration change is not committed yet,
	// or this leader has not committed an entry of its term yet (§4.1).
	ErrChangeInProgress = errors.New("raft: a configuration change is in progress (or the leader has not yet committed an entry of its term); retry later")
	// ErrFixedMembership: the peer was built without MembershipOptions.
	ErrFixedMembership = errors.New("raft: membership is fixed (peer built without MembershipOptions)")
	// ErrCatchUpTooSlow: the new server did not catch up with the leader's
	// log within the rounds of §4.2.1, or stopped making progress (it is
	// unreachable or too slow); it is taken out again as a learner if
	// this peer still leads (Configuration shows whether it is).
	ErrCatchUpTooSlow = errors.New("raft: the new server did not catch up with the leader's log (unreachable or too slow); not added")
	// ErrRemovalLosesQuorum: RemoveServer refused to remove a voter
	// because the voters left would not include a majority that this
	// leader heard from within the last quorumTimeout: the cluster would
	// be unable to commit anything, the removal included, until one came
	// back. Bring one back, or remove a server that is down first.
	ErrRemovalLosesQuorum = errors.New("raft: RemoveServer: the voters left would have no majority this leader heard from recently; restore or remove a server that is down first")
	// ErrLeadershipLost: this peer stopped leading before the change
	// committed; it may or may not take effect, so look at Configuration
	// on the new leader.
	ErrLeadershipLost = errors.New("raft: leadership lost before the configuration change committed; check the configuration on the new leader")
)

// AddServer adds m to the cluster (§4.2.1): the leader appends a
// configuration with m as a learner, replicates its log to m (a snapshot
// if m needs one), and once m has caught up (catchup.go), appends a
// configuration with m as a voter. It returns nil when that configuration
// is committed, or an error saying why not: ErrNotLeader, ErrKilled,
// ErrFixedMembership, ErrChangeInProgress, ErrTransferInProgress,
// ErrCatchUpTooSlow (m is then taken out again if this peer still
// leads), ErrLeadershipLost, or
// one naming a member that cannot work (an id in use at another address).
// Adding a server that is already a voter at the same address returns nil.
func (rf *Raft) AddServer(m Member) error {
	if err := validateMembers([]Member{m}); err != nil {
		return fmt.Errorf("raft: AddServer: %v", err)
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if err := rf.changeAllowed(); err != nil {
		return err
	}
	if err := rf.addable(m); err != nil || rf.members.conf.isVoter(m.ID) {
		return err // nil: already a voter at that address
	}
	rf.members.busy = true
	defer func() { rf.members.busy = false }()
	term := rf.currentTerm
	if i := memberIndex(rf.members.conf.Learners, m.ID); i < 0 || rf.members.conf.Learners[i] != m {
		c := rf.members.conf.ConfigChange
		learners := append(withoutMember(c.Learners, m.ID), m)
		if err := rf.awaitCommit(rf.appendConfigEntry(ConfigChange{Voters: c.Voters, Learners: learners}), term); err != nil {
			return err
		}
	}
	if err := rf.catchUp(m.ID, term); err != nil {
		rf.dlog(topicLeader, "server %d did not catch up (%v): taking it out again", m.ID, err)
		rf.removeMember(m.ID, term) // best effort: the catch-up error is the news
		return err
	}
	c := rf.members.conf.ConfigChange
	voters := append(cloneMembers(c.Voters), m)
	return rf.awaitCommit(rf.appendConfigEntry(ConfigChange{Voters: voters, Learners: withoutMember(c.Learners, m.ID)}), term)
}

// RemoveServer removes the server with this id from the cluster (§4.2.2):
// the leader appends a configuration without it and returns once that is
// committed. A leader that removes itself keeps leading, without counting
// itself in any majority, until the entry commits, then steps down
// (removeself.go); the others elect a new leader. Errors as for
// AddServer, an error for the last voter, which cannot go, and
// ErrRemovalLosesQuorum when the voters left have no majority that this
// leader heard from recently; removing an id that is no member returns
// nil.
func (rf *Raft) RemoveServer(id int) error {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if err := rf.changeAllowed(); err != nil {
		return err
	}
	c := &rf.members.conf
	switch {
	case !c.isVoter(id) && !c.isLearner(id):
		return nil
	case c.isVoter(id) && len(c.Voters) == 1:
		return fmt.Errorf("raft: RemoveServer: %d is the only voter; a cluster needs one", id)
	case c.isVoter(id) && !rf.liveQuorumWithout(id):
		return ErrRemovalLosesQuorum
	}
	rf.members.busy = true
	defer func() { rf.members.busy = false }()
	return rf.removeMember(id, rf.currentTerm)
}

// removeMember appends a configuration without id and waits for it to
// commit. Caller holds rf.mu. Only the leader of term appends: an entry of
// our term appended anywhere else would break the Log Matching Property.
func (rf *Raft) removeMember(id, term int) error {
	if err := rf.leadershipErr(term); err != nil {
		return err
	}
	c := rf.members.conf.ConfigChange
	next := ConfigChange{Voters: withoutMember(c.Voters, id), Learners: withoutMember(c.Learners, id)}
	return rf.awaitCommit(rf.appendConfigEntry(next), term)
}

// liveQuorumWithout reports whether the voters of the configuration in use
// without id include a majority of themselves that this leader heard from
// within quorumTimeout (itself included, if it stays). A change takes
// effect once appended (§4.1), so a removal that leaves no live majority
// could not even commit itself; like etcd's strict reconfiguration check,
// RemoveServer refuses it. Caller holds rf.mu and is the leader.
func (rf *Raft) liveQuorumWithout(id int) bool {
	next := newConfiguration(ConfigChange{Voters: withoutMember(rf.members.conf.Voters, id)}, 0)
	return hasQuorum(next.voterIDs, rf.heardWithin(quorumTimeout, time.Now()))
}

// Configuration returns the configuration this peer uses, the latest in
// its log (§4.1): the voters, the learners, the log index of the entry
// that holds it (0 for the initial one) and whether this peer knows that
// entry to be committed. A peer built with Make returns its peers 0..n-1
// as voters, index 0, committed; one waiting to join returns no voters.
func (rf *Raft) Configuration() (voters, learners []Member, index int, committed bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	c := &rf.members.conf
	return cloneMembers(c.Voters), cloneMembers(c.Learners), c.index, c.index <= rf.commitIndex
}

// changeAllowed returns why this peer may not begin a configuration change
// now, or nil: it must lead, and the previous change must be committed,
// as must an entry of its own term (§4.1; the blank entry a new leader
// appends, becomeLeader, provides one at once). Caller holds rf.mu.
func (rf *Raft) changeAllowed() error {
	switch {
	case rf.killed():
		return ErrKilled
	case !rf.members.changeable:
		return ErrFixedMembership
	case rf.role != leader:
		return ErrNotLeader
	case rf.transferring():
		return ErrTransferInProgress
	case rf.members.busy || rf.members.conf.index > rf.commitIndex || !rf.committedInTerm():
		return ErrChangeInProgress
	}
	return nil
}

// addable returns an error if m cannot be added: its id is a voter's at
// another address, or there is no way to reach it. Caller holds rf.mu.
func (rf *Raft) addable(m Member) error {
	c := &rf.members.conf
	if i := memberIndex(c.Voters, m.ID); i >= 0 && c.Voters[i].Addr != m.Addr {
		return fmt.Errorf("raft: AddServer: id %d is already a voter at %q; remove it first", m.ID, c.Voters[i].Addr)
	}
	if m.ID == rf.me && !c.isVoter(m.ID) {
		return fmt.Errorf("raft: AddServer: %d is this leader, which is not a member", m.ID)
	}
	if rf.members.dial == nil && (m.ID >= rf.members.given || rf.endOf(m.ID) == nil) {
		return fmt.Errorf("raft: AddServer: no end for id %d and no MembershipOptions.Dial to make one", m.ID)
	}
	return nil
}

// awaitCommit waits until the configuration entry at index, appended in
// term, is committed. It returns ErrLeadershipLost if this peer stops
// leading term first (the entry may yet commit, or be replaced) and
// ErrKilled on Kill. Caller holds rf.mu, released while waiting.
func (rf *Raft) awaitCommit(index, term int) error {
	for {
		if t, ok := rf.log.term(index); rf.commitIndex >= index && (ok && t == term || rf.leads(term)) {
			return nil
		}
		if err := rf.leadershipErr(term); err != nil {
			return err
		}
		rf.members.changed.Wait()
	}
}

// leads reports whether this peer is the live leader of term. Caller holds
// rf.mu.
func (rf *Raft) leads(term int) bool {
	return !rf.killed() && rf.role == leader && rf.currentTerm == term
}

// leadershipErr returns ErrKilled or ErrLeadershipLost unless this peer
// still leads term. Caller holds rf.mu.
func (rf *Raft) leadershipErr(term int) error {
	switch {
	case rf.killed():
		return ErrKilled
	case !rf.leads(term):
		return ErrLeadershipLost
	}
	return nil
}

// withoutMember returns a copy of ms without id.
func withoutMember(ms []Member, id int) []Member {
	var out []Member
	for _, m := range ms {
		if m.ID != id {
			out = append(out, m)
		}
	}
	return out
}

// validate returns an error naming the first membership option that
// cannot work.
func (o *MembershipOptions) validate() error {
	if o.Self < 0 || o.Self > maxMemberID {
		return fmt.Errorf("Options.Membership.Self = %d out of range; want 0 <= id <= %d", o.Self, maxMemberID)
	}
	if err := validateMembers(o.Initial); err != nil {
		return fmt.Errorf("Options.Membership.Initial: %v", err)
	}
	return nil
}
