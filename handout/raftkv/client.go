package raftkv

// The clerk: the client library of the key/value service (3A).

import "miniraftkv/labrpc"

// Clerk is a client of the service. The tester gives each simulated client
// a Clerk of its own and calls its methods one at a time.
type Clerk struct {
	servers []*labrpc.ClientEnd // one end per server, in no particular order
	// TODO(3A): what the clerk must remember between calls, e.g. which
	// server led last time and how to number its requests.
}

// MakeClerk returns a Clerk that talks to servers.
func MakeClerk(servers []*labrpc.ClientEnd) *Clerk {
	ck := &Clerk{servers: servers}
	// TODO(3A)
	return ck
}

// Get returns the current value of key, or "" if key is missing. It keeps
// trying, server after server, until one answers.
//
// Send an RPC like this; ok is false when no reply came back (a lost
// message, a crashed server), and then the reply must not be used:
//
//	args := GetArgs{Key: key}
//	var reply GetReply
//	ok := ck.servers[i].Call("KVServer.Get", &args, &reply)
func (ck *Clerk) Get(key string) string {
	// TODO(3A): send KVServer.Get until some server answers OK or
	// ErrNoKey; on ErrWrongLeader or no reply, move on to another server.
	return ""
}

// Put sets key to value.
func (ck *Clerk) Put(key string, value string) {
	ck.putAppend(key, value, "Put")
}

// Append adds value to the end of key's value; a missing key counts as "".
func (ck *Clerk) Append(key string, value string) {
	ck.putAppend(key, value, "Append")
}

// putAppend does what Put and Append share. op is "Put" or "Append".
func (ck *Clerk) putAppend(key string, value string, op string) {
	// TODO(3A): send KVServer.PutAppend until some server answers OK,
	// as Get does. A retried request must take effect only once.
}
