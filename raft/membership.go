package raft

import (
	"errors"
	"fmt"

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
	// log within the rounds of §4.2.1 (it is unreachable or too slow); it
	// was removed again as a learner.
	ErrCatchUpTooSlow = errors.New("raft: the new server did not catch up with the leader's log (unreachable or too slow); not added")
	// ErrLeadershipLost: this peer stopped leading before the change
	// committed; it may or may not take effect, so look at Configuration
	// on the new leader.
	ErrLeadershipLost = errors.New("raft: leadership lost before the configuration change committed; check the configuration on the new leader")
)

// AddServer adds m to the cluster (§4.2.1): the leader appends a
// configuration with m as a learner, replicates its log to m (a snapshot
// if m needs one), and once m has caught up, appends a configuration with
// m as a voter. It returns nil when that configuration is committed, or
// an error saying why not: ErrNotLeader, ErrKilled, ErrFixedMembership,
// ErrChangeInProgress, ErrCatchUpTooSlow, ErrLeadershipLost, or one
// naming a member that cannot work (an id already in use). Adding a
// server that is already a voter with the same address returns nil.
func (rf *Raft) AddServer(m Member) error {
	return ErrFixedMembership
}

// RemoveServer removes the server with this id from the cluster (§4.2.2):
// the leader appends a configuration without it and returns once that is
// committed. A leader that removes itself keeps leading, without counting
// itself in any majority, until the entry commits, then steps down; the
// others elect a new leader. Errors as for AddServer; removing an id that
// is no member returns nil.
func (rf *Raft) RemoveServer(id int) error {
	return ErrFixedMembership
}

// Configuration returns the configuration this peer uses, the latest in
// its log (§4.1): the voters, the learners, the log index of the entry
// that holds it (0 for the initial one) and whether that entry is known
// to this peer to be committed. A peer built with Make returns its peers
// 0..n-1 as voters, index 0, committed.
func (rf *Raft) Configuration() (voters, learners []Member, index int, committed bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return nil, nil, 0, false
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
