package raft

import (
	"errors"
	"fmt"

	"miniraftkv/labrpc"
)

// Options configures a peer beyond the lab API; MakeWithOptions takes them.
// The zero value is what Make gives: pre-vote on, lease reads off, no byte
// bounds, no logger. Settings given here hold for the peer's whole life,
// and some must be the same at every peer of a cluster (LeaseReads):
// giving them at construction, from one configuration, makes that natural.
type Options struct {
	// DisablePreVote turns pre-vote (dissertation §9.6, prevote.go) off:
	// an election timeout then starts an election at once, as in Figure 2.
	DisablePreVote bool
	// LeaseReads lets ReadIndex answer without a round of heartbeats while
	// the leader holds a lease (dissertation §6.4.1, lease.go). It must be
	// set at every peer of the cluster: a leader's lease relies on the
	// other peers refusing votes, which they do only with it set.
	LeaseReads bool
	// MaxStateBytes, if positive, makes a follower whose persisted state
	// is that large, with committed entries it could compact, wait for its
	// service's snapshot before it saves more (flowcontrol.go). 0: no bound.
	MaxStateBytes int
	// MaxAppendBytes, if positive, bounds the bytes of entries one
	// AppendEntries carries (batchbytes.go). 0: no bound. With
	// MaxStateBytes set it must be below it, or a single call could carry
	// more than the state may hold.
	MaxAppendBytes int
	// Logf, if not nil, receives the few events an operator must hear of
	// even with debugging off (see SetLogf).
	Logf func(format string, args ...interface{})
	// Membership, if not nil, lets the cluster's membership change
	// (AddServer, RemoveServer; membership.go, dissertation §4). nil: the
	// members are peers 0..len(peers)-1, all voters, for good, as with Make.
	Membership *MembershipOptions
}

// settings are a peer's options as its code reads them, under rf.mu.
type settings struct {
	preVote        bool                                     // ask for pre-votes before an election
	leaseReads     bool                                     // serve reads under a lease (lease.go)
	maxStateBytes  int                                      // see flowcontrol.go; 0: no bound
	maxAppendBytes int                                      // see batchbytes.go; 0: no bound
	logf           func(format string, args ...interface{}) // nil: no notices
}

// validate returns an error naming the first option that cannot work.
func (o Options) validate() error {
	switch {
	case o.MaxStateBytes < 0:
		return fmt.Errorf("Options.MaxStateBytes = %d; want 0 (no bound) or a positive number of bytes", o.MaxStateBytes)
	case o.MaxAppendBytes < 0:
		return fmt.Errorf("Options.MaxAppendBytes = %d; want 0 (no bound) or a positive number of bytes", o.MaxAppendBytes)
	case o.MaxStateBytes > 0 && o.MaxAppendBytes >= o.MaxStateBytes:
		return fmt.Errorf("Options.MaxAppendBytes = %d is not below Options.MaxStateBytes = %d: one AppendEntries could carry more than the state may hold",
			o.MaxAppendBytes, o.MaxStateBytes)
	case o.Membership != nil:
		return o.Membership.validate()
	}
	return nil
}

func (o Options) settings() settings {
	return settings{
		preVote:        !o.DisablePreVote,
		leaseReads:     o.LeaseReads,
		maxStateBytes:  o.MaxStateBytes,
		maxAppendBytes: o.MaxAppendBytes,
		logf:           o.Logf,
	}
}

// MakeWithOptions is Make with Options, for services that go beyond the lab
// API. Where Make panics it returns an error instead, naming the argument
// or option that cannot work; it panics, naming the peer, only on corrupt
// persisted state, as Make does.
//
// With opts.Membership set, me must equal opts.Membership.Self and peers
// may be nil or shorter than the cluster: members it does not cover are
// reached through opts.Membership.Dial (see MembershipOptions).
func MakeWithOptions(peers []*labrpc.ClientEnd, me int, persister *Persister, applyCh chan ApplyMsg, opts Options) (*Raft, error) {
	if err := opts.makeArgsError(peers, me, persister, applyCh); err != nil {
		return nil, fmt.Errorf("raft.MakeWithOptions: %v", err)
	}
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("raft.MakeWithOptions: %v", err)
	}
	rf := buildRaft(peers, me, persister, applyCh, opts.Membership)
	rf.settings = opts.settings() // before any goroutine of the peer exists
	rf.start()
	return rf, nil
}

// makeArgsError is makeArgsError for MakeWithOptions: with membership, me
// is an id rather than an index of peers.
func (o Options) makeArgsError(peers []*labrpc.ClientEnd, me int, persister *Persister, applyCh chan ApplyMsg) error {
	if o.Membership == nil {
		return makeArgsError(len(peers), me, persister, applyCh)
	}
	if me != o.Membership.Self {
		return fmt.Errorf("me = %d differs from Options.Membership.Self = %d; want the same id", me, o.Membership.Self)
	}
	return makeArgsError(me+1, me, persister, applyCh)
}

// makeArgsError names the first argument of Make that cannot work, or
// returns nil.
func makeArgsError(npeers, me int, persister *Persister, applyCh chan ApplyMsg) error {
	switch {
	case me < 0 || me >= npeers:
		return fmt.Errorf("me = %d is not an index of peers (len(peers) = %d); want 0 <= me < len(peers)", me, npeers)
	case persister == nil:
		return errors.New("persister is nil; want a *Persister (raft.MakePersister() for a fresh peer)")
	case applyCh == nil:
		return errors.New("applyCh is nil; want a channel the service reads ApplyMsgs from")
	}
	return nil
}
