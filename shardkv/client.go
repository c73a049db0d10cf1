package shardkv

import (
	"sync"
	"time"

	"miniraftkv/internal/clientid"
	"miniraftkv/labrpc"
	"miniraftkv/shardctrler"
)

// configRefreshPause is how long a Clerk rests before asking the
// controller for a newer config, after no server of the key's group could
// serve it.
const configRefreshPause = 50 * time.Millisecond

// key2shard says which shard key belongs to: its first byte modulo
// NShards.
func key2shard(key string) int {
	shard := 0
	if len(key) > 0 {
		shard = int(key[0])
	}
	return shard % shardctrler.NShards
}

// Clerk is a client of the sharded key/value service. Its methods retry
// until the operation has been applied, following the key's shard from
// group to group as configs change. A Clerk performs one operation at a
// time.
type Clerk struct {
	sm       *shardctrler.Clerk
	makeEnd  func(string) *labrpc.ClientEnd
	clientId int64

	mu      sync.Mutex // serialises operations; protects the fields below
	seq     int64
	config  shardctrler.Config
	ends    map[string]*labrpc.ClientEnd // server name -> end, made once
	leaders map[int]int                  // gid -> index of the server that last served
}

// MakeClerk returns a Clerk that learns configs from the controller servers
// ctrlers and reaches a group's server by name through make_end.
func MakeClerk(ctrlers []*labrpc.ClientEnd, make_end func(string) *labrpc.ClientEnd) *Clerk {
	return &Clerk{
		sm:       shardctrler.MakeClerk(ctrlers),
		makeEnd:  make_end,
		clientId: clientid.New(),
		ends:     make(map[string]*labrpc.ClientEnd),
		leaders:  make(map[int]int),
	}
}

// Get returns the current value of key, or "" if key is missing.
func (ck *Clerk) Get(key string) string {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := GetArgs{Key: key, ClientId: ck.clientId, Seq: ck.seq}
	var value string
	ck.call(key, func(end *labrpc.ClientEnd) Err {
		var reply GetReply
		if !end.Call("ShardKV.Get", &args, &reply) {
			return ""
		}
		value = reply.Value
		return reply.Err
	})
	return value
}

// Put sets key to value.
func (ck *Clerk) Put(key string, value string) {
	ck.putAppend(key, value, opPut)
}

// Append appends value to key's value (a missing key counts as "").
func (ck *Clerk) Append(key string, value string) {
	ck.putAppend(key, value, opAppend)
}

func (ck *Clerk) putAppend(key, value, op string) {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := PutAppendArgs{Key: key, Value: value, Op: op, ClientId: ck.clientId, Seq: ck.seq}
	ck.call(key, func(end *labrpc.ClientEnd) Err {
		var reply PutAppendReply
		if !end.Call("ShardKV.PutAppend", &args, &reply) {
			return ""
		}
		return reply.Err
	})
}

// call runs try against the servers of the group that serves key's shard
// in the clerk's config, the one that served last first, until one answers
// OK or ErrNoKey. After ErrWrongGroup, or when no server of the group
// answered, it fetches the latest config and starts again. Caller holds
// ck.mu.
func (ck *Clerk) call(key string, try func(end *labrpc.ClientEnd) Err) {
	shard := key2shard(key)
	for {
		gid := ck.config.Shards[shard]
		servers, ok := ck.config.Groups[gid]
		if ok {
			first := ck.leaders[gid]
			for i := 0; i < len(servers); i++ {
				si := (first + i) % len(servers)
				err := try(ck.end(servers[si]))
				if err == OK || err == ErrNoKey {
					ck.leaders[gid] = si
					return
				}
				if err == ErrWrongGroup {
					break
				}
				if err == ErrBadOp {
					panic("shardkv: server rejected the operation of key " + key + " as malformed")
				}
			}
		}
		if ok || ck.config.Num > 0 {
			// Give the groups (or the controller) time to move on.
			time.Sleep(configRefreshPause)
		}
		ck.config = ck.sm.Query(-1)
	}
}

// end returns the ClientEnd of the server named name, made on first use.
// Caller holds ck.mu.
func (ck *Clerk) end(name string) *labrpc.ClientEnd {
	e, ok := ck.ends[name]
	if !ok {
		e = ck.makeEnd(name)
		ck.ends[name] = e
	}
	return e
}
