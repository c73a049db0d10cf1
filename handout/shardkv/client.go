package shardkv

// The sharded KV clerk (4B).

import (
	"miniraftkv/labrpc"
	"miniraftkv/shardctrler"
)

// key2shard says which shard key belongs to: its first byte modulo
// NShards. The tests call it: keep its name and behaviour.
func key2shard(key string) int {
	if key == "" {
		return 0
	}
	return int(key[0]) % shardctrler.NShards
}

// Clerk is a client of the sharded key/value service.
type Clerk struct {
	sm       *shardctrler.Clerk
	config   shardctrler.Config
	make_end func(string) *labrpc.ClientEnd
	// TODO(4B): how to number requests so that a retried one is applied
	// once, in whichever group serves the key by then.
}

// MakeClerk returns a Clerk; ctrlers reach the shard controller and
// make_end(name) gives an end to the server of that name.
func MakeClerk(ctrlers []*labrpc.ClientEnd, make_end func(string) *labrpc.ClientEnd) *Clerk {
	return &Clerk{sm: shardctrler.MakeClerk(ctrlers), make_end: make_end}
}

// Get returns the current value of key, or "" if key is missing.
//
// Find the key's group in the clerk's config; try its servers,
//
//	srv := ck.make_end(ck.config.Groups[gid][i])
//	var reply GetReply
//	ok := srv.Call("ShardKV.Get", &args, &reply)
//
// and on ErrWrongGroup (or when no server answers) fetch the latest config
// with ck.sm.Query(-1) and try again.
func (ck *Clerk) Get(key string) string {
	// TODO(4B)
	return ""
}

// Put sets key to value.
func (ck *Clerk) Put(key string, value string) {
	ck.putAppend(key, value, "Put")
}

// Append appends value to key's value.
func (ck *Clerk) Append(key string, value string) {
	ck.putAppend(key, value, "Append")
}

func (ck *Clerk) putAppend(key string, value string, op string) {
	// TODO(4B): as Get, with ShardKV.PutAppend.
}
