package main

// This file is the one part of raftkvd beyond the lab API: it builds the
// server with raft.Options (the server's log, the bound on one
// AppendEntries, changeable membership) and serves the membership calls.
// The student handout replaces it with a version for a Raft that has only
// the lab API (fixed membership; see cmd/handout).

import (
	"errors"
	"fmt"
	"log"

	"miniraftkv/internal/kvnode"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// startKV starts the key/value server and its Raft peer. The peers of the
// -servers list are reached at the addresses it gives them (ids are
// positions); any other member, added later, at the address its
// configuration holds. A joining server (-join) starts with no
// configuration and waits to be added.
func startKV(cfg config, persister *raft.Persister, d *dialer) (*raftkv.KVServer, kvnode.Membership, error) {
	opts := raft.Options{
		Logf: log.Printf,
		Membership: &raft.MembershipOptions{
			Self:    cfg.id,
			Initial: initialMembers(cfg.addrs),
			Dial:    func(m raft.Member) *labrpc.ClientEnd { return d.end(m.Addr) },
		},
	}
	opts.MaxAppendBytes = appendBytes // raftkv lowers it, and adds its state bound, for -maxraftstate
	kv, err := raftkv.StartKVServerWithOptions(d.endsOf(cfg.addrs), cfg.id, persister, cfg.maxRaftState, opts)
	if err != nil {
		return nil, nil, err
	}
	return kv, raftMembers{rf: kv.Raft(), initial: cfg.addrs}, nil
}

func initialMembers(addrs []string) []raft.Member {
	var out []raft.Member
	for i, a := range addrs {
		out = append(out, raft.Member{ID: i, Addr: a})
	}
	return out
}

// raftMembers serves Node's membership calls from a Raft peer.
type raftMembers struct {
	rf      *raft.Raft
	initial []string // -servers: the servers that have it reach ids 0..n-1 there
}

// AddServer adds m, refusing at once what cannot work: this server not
// the leader, an id or address already in the configuration, or an id of
// the -servers list at another address (the servers started with that
// list would dial the old one).
func (r raftMembers) AddServer(m kvnode.Member) error {
	if _, leader := r.rf.GetState(); !leader {
		return kvnode.Refuse(kvnode.ErrWrongLeader, "server is not the leader")
	}
	for _, old := range r.all() {
		switch {
		case old.ID == m.Id && old.Addr == m.Addr:
			// Raft makes re-adding a voter a no-op, and finishes adding a learner.
		case old.ID == m.Id:
			return kvnode.Refuse(kvnode.ErrAlreadyMember, "id %d is already a member, at %s; give the new server a new id", m.Id, old.Addr)
		case old.Addr == m.Addr:
			return kvnode.Refuse(kvnode.ErrAlreadyMember, "address %s is already member %d's", m.Addr, old.ID)
		}
	}
	if m.Id < len(r.initial) && r.initial[m.Id] != m.Addr {
		return kvnode.Refuse(kvnode.ErrAlreadyMember, "id %d is server %s of the -servers list, where the servers started with it reach it; "+
			"give the new server a new id (%d or more)", m.Id, r.initial[m.Id], len(r.initial))
	}
	return translate(r.rf.AddServer(raft.Member{ID: m.Id, Addr: m.Addr}), m.Id, m.Addr)
}

// RemoveServer removes server id, refusing at once an id that is not a
// member.
func (r raftMembers) RemoveServer(id int) error {
	if _, leader := r.rf.GetState(); !leader {
		return kvnode.Refuse(kvnode.ErrWrongLeader, "server is not the leader")
	}
	addr := ""
	for _, m := range r.all() {
		if m.ID == id {
			addr = m.Addr
		}
	}
	if addr == "" {
		return kvnode.Refuse(kvnode.ErrNoSuchMember, "server %d is not a member (raftkv members lists them)", id)
	}
	return translate(r.rf.RemoveServer(id), id, addr)
}

// all is every voter and learner.
func (r raftMembers) all() []raft.Member {
	voters, learners, _, _ := r.rf.Configuration()
	return append(voters, learners...)
}

// Configuration is the peer's latest configuration.
func (r raftMembers) Configuration() kvnode.Configuration {
	voters, learners, index, committed := r.rf.Configuration()
	return kvnode.Configuration{Voters: toNode(voters), Learners: toNode(learners), Index: index, Committed: committed}
}

func toNode(ms []raft.Member) []kvnode.Member {
	out := make([]kvnode.Member, len(ms))
	for i, m := range ms {
		out[i] = kvnode.Member{Id: m.ID, Addr: m.Addr}
	}
	return out
}

// translate turns an error of AddServer or RemoveServer into the refusal
// a client acts on.
func translate(err error, id int, addr string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrKilled):
		return kvnode.Refuse(kvnode.ErrWrongLeader, "server is not the leader (or is shutting down)")
	case errors.Is(err, raft.ErrChangeInProgress):
		return kvnode.Refuse(kvnode.ErrChangeInProgress, "another membership change is in progress; retry once it is committed")
	case errors.Is(err, raft.ErrTransferInProgress):
		return kvnode.Refuse(kvnode.ErrChangeInProgress, "a leadership transfer is under way; retry once it is over")
	case errors.Is(err, raft.ErrCatchUpTooSlow):
		return kvnode.Refuse(kvnode.ErrCatchUp, "server %d at %s did not catch up with the leader's log, so it was not added: "+
			"is it running (raftkvd -id %d -join %s), reachable from the leader at that address, with the cluster's -token?",
			id, addr, id, addr)
	case errors.Is(err, raft.ErrLeadershipLost):
		return kvnode.Refuse(kvnode.ErrOutcomeUnknown, "the leader lost its role before the change committed; "+
			"it may or may not take effect (raftkv members shows)")
	case errors.Is(err, raft.ErrFixedMembership):
		return kvnode.Refuse(kvnode.ErrUnsupported, "this server's Raft has no membership changes")
	}
	return fmt.Errorf("server %d at %s: %v", id, addr, err)
}
