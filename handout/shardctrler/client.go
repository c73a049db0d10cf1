package shardctrler

// The controller's clerk (4A).

import "miniraftkv/labrpc"

// Clerk is a client of the shard controller.
type Clerk struct {
	servers []*labrpc.ClientEnd
	// TODO(4A): which server led last time, how to number requests.
}

// MakeClerk returns a Clerk that talks to the controller's servers.
func MakeClerk(servers []*labrpc.ClientEnd) *Clerk {
	return &Clerk{servers: servers}
}

// Query returns config num, or the latest if num is -1 or beyond it.
//
//	args := QueryArgs{Num: num}
//	var reply QueryReply
//	ok := ck.servers[i].Call("ShardCtrler.Query", &args, &reply)
func (ck *Clerk) Query(num int) Config {
	// TODO(4A): try the servers until one answers OK.
	return Config{}
}

// Join adds new groups: gid -> the names of their servers.
func (ck *Clerk) Join(servers map[int][]string) {
	// TODO(4A)
}

// Leave removes groups.
func (ck *Clerk) Leave(gids []int) {
	// TODO(4A)
}

// Move puts shard on group gid.
func (ck *Clerk) Move(shard int, gid int) {
	// TODO(4A)
}
