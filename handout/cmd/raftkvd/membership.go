package main

// This file replaces raftkvd's membership.go in the student handout: the
// handout's Raft has only the lab API, so raftkvd starts it with
// raftkv.StartKVServer and its membership stays fixed. The membership
// calls of the Node service answer "this server's Raft has no membership
// changes", and -join is refused.

import (
	"errors"

	"miniraftkv/internal/kvnode"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// startKV starts the key/value server on the -servers list.
func startKV(cfg config, persister *raft.Persister, d *dialer) (*raftkv.KVServer, kvnode.Membership, error) {
	if cfg.join != "" {
		return nil, nil, errors.New("-join: this Raft has no membership changes; start every server with -servers")
	}
	return raftkv.StartKVServer(d.endsOf(cfg.addrs), cfg.id, persister, cfg.maxRaftState), nil, nil
}
