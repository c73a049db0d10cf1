// Package shardkv is a sharded, linearizable key/value service: the keys
// are split into shardctrler.NShards shards, each served by one replica
// group at a time, as the shard controller's configurations say. Every
// group replicates its state through its own Raft log.
//
// # Servers
//
//	kv := shardkv.StartServer(peers, me, persister, maxraftstate, gid, ctrlers, makeEnd)
//	srv := labrpc.MakeServer()
//	srv.AddService(labrpc.MakeService(kv)) // ShardKV.Get, .PutAppend, .PullShards, .DeleteShards
//	srv.AddService(labrpc.MakeService(kv.rf))
//
// # Configuration changes
//
// A group's leader polls the controller for the config after the one the
// group has applied and puts it in the group's log, so every replica moves
// from config to config at the same point of its log, one config at a time,
// and only once the previous config's migrations are done. In each config a
// shard of the group is in one of five states (see shardStatus): absent,
// serving, pulling (ours, its data still with the previous owner: its keys
// answer ErrWrongGroup), bePulled (no longer ours, its data kept frozen
// until the new owner has it) and received (installed, served, the old
// owner not yet told to delete its copy).
//
// Data moves by pull: the new owner asks the previous owner for the
// shards' data and duplicate table (PullShards), installs both through its
// log, then tells the previous owner to delete its copy (DeleteShards,
// also through the previous owner's log). Shards that do not move, and
// shards already installed, are served during a migration.
//
// # Clients
//
//	ck := shardkv.MakeClerk(ctrlers, makeEnd)
//	ck.Put("k", "a")
//	v := ck.Get("k")
//
// A Clerk caches the latest config, sends an operation to the group that
// serves its key's shard, and fetches a newer config on ErrWrongGroup.
// Operations carry the clerk's id and a sequence number, recognised by the
// duplicate table that travels with the shards.
//
// # Debugging
//
// SHARDKV_DEBUG=1 prints a line per config applied, shard installed,
// deleted or released, and snapshot restored, in the layout of raft's and
// raftkv's debug lines (debug.go), which cmd/raftlog lays out per peer:
//
//	SHARDKV_DEBUG=1 go test -v -run TestJoinLeave ./shardkv 2>&1 | go run ./cmd/raftlog
package shardkv
