package shardctrler

import (
	"fmt"
	"sync"
	"time"

	"miniraftkv/internal/clientid"
	"miniraftkv/labrpc"
)

// retryPause is how long a Clerk rests after every server in turn failed.
const retryPause = 20 * time.Millisecond

// Clerk is a client of the shard controller. Its methods retry until the
// request has been applied; a Clerk performs one request at a time.
type Clerk struct {
	servers  []*labrpc.ClientEnd
	clientId int64

	mu     sync.Mutex // serialises requests; protects seq and leader
	seq    int64
	leader int
}

// MakeClerk returns a Clerk talking to the controller's servers.
func MakeClerk(servers []*labrpc.ClientEnd) *Clerk {
	if len(servers) == 0 {
		panic("shardctrler.MakeClerk: servers is empty")
	}
	return &Clerk{servers: servers, clientId: clientid.New()}
}

// Query returns config num, or the latest if num is -1 or beyond it.
func (ck *Clerk) Query(num int) Config {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := QueryArgs{Num: num, ClientId: ck.clientId, Seq: ck.seq}
	var reply QueryReply
	ck.call("ShardCtrler.Query", &args, func() (interface{}, *Err) {
		reply = QueryReply{}
		return &reply, &reply.Err
	})
	return reply.Config
}

// Join adds new groups (gid -> server names) and rebalances.
func (ck *Clerk) Join(servers map[int][]string) {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := JoinArgs{Servers: servers, ClientId: ck.clientId, Seq: ck.seq}
	ck.call("ShardCtrler.Join", &args, func() (interface{}, *Err) {
		reply := &JoinReply{}
		return reply, &reply.Err
	})
}

// Leave removes groups and rebalances their shards over the others.
func (ck *Clerk) Leave(gids []int) {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := LeaveArgs{GIDs: gids, ClientId: ck.clientId, Seq: ck.seq}
	ck.call("ShardCtrler.Leave", &args, func() (interface{}, *Err) {
		reply := &LeaveReply{}
		return reply, &reply.Err
	})
}

// Move puts shard on group gid.
func (ck *Clerk) Move(shard int, gid int) {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := MoveArgs{Shard: shard, GID: gid, ClientId: ck.clientId, Seq: ck.seq}
	ck.call("ShardCtrler.Move", &args, func() (interface{}, *Err) {
		reply := &MoveReply{}
		return reply, &reply.Err
	})
}

// call sends args to the remembered leader first and then to each server in
// turn until one answers OK; newReply makes a fresh reply for each try and
// tells where its Err is. After a whole round of failures the clerk pauses
// briefly. Caller holds ck.mu.
func (ck *Clerk) call(method string, args interface{}, newReply func() (interface{}, *Err)) {
	for failures := 0; ; failures++ {
		reply, err := newReply()
		if ck.servers[ck.leader].Call(method, args, reply) {
			switch *err {
			case OK:
				return
			case ErrBadArgs:
				panic(fmt.Sprintf("shardctrler: %s rejected as malformed: %+v", method, args))
			}
		}
		ck.leader = (ck.leader + 1) % len(ck.servers)
		if (failures+1)%len(ck.servers) == 0 {
			time.Sleep(retryPause)
		}
	}
}
