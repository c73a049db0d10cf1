package raftkv

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	"miniraftkv/labrpc"
)

// retryPause is how long a Clerk rests after every server in turn failed to
// serve a request (no leader yet, or none reachable), so clerks do not spin
// while an election is under way. It is never taken while some server is
// answering.
const retryPause = 5 * time.Millisecond

// Clerk is a client of the key/value service. Its methods retry until the
// operation has been applied, so they block while no leader with a majority
// is reachable. A Clerk performs one operation at a time (concurrent calls
// are serialised); create one Clerk per concurrent client.
type Clerk struct {
	servers  []*labrpc.ClientEnd
	clientId int64 // random; identifies this clerk's requests in duplicate tables

	mu     sync.Mutex // serialises operations; protects the fields below
	seq    int64      // Seq of the last operation issued
	leader int        // index in servers of the server that last answered as leader
}

// MakeClerk returns a Clerk talking to servers (one ClientEnd per replica,
// in any order). It panics if servers is empty or holds a nil end: the API
// has no error result, and the first operation would fail far from the cause.
func MakeClerk(servers []*labrpc.ClientEnd) *Clerk {
	if len(servers) == 0 {
		panic("raftkv.MakeClerk: servers is empty; want one *labrpc.ClientEnd per KV server")
	}
	for i, end := range servers {
		if end == nil {
			panic(fmt.Sprintf("raftkv.MakeClerk: servers[%d] is nil; want a *labrpc.ClientEnd", i))
		}
	}
	return &Clerk{servers: servers, clientId: randomClientId()}
}

func randomClientId() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("raftkv: crypto/rand failed: " + err.Error())
	}
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}

// Get returns the current value of key, or "" if key is missing. It keeps
// trying until some server answers.
func (ck *Clerk) Get(key string) string {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := GetArgs{Key: key, ClientId: ck.clientId, Seq: ck.seq}
	var value string
	ck.call("KVServer.Get", func(srv *labrpc.ClientEnd) Err {
		var reply GetReply
		if !srv.Call("KVServer.Get", &args, &reply) {
			return ""
		}
		value = reply.Value
		return reply.Err
	}, key)
	return value
}

// Put sets key to value. Key and value together must not exceed
// MaxValueBytes: a larger Put panics without being sent, since the
// servers would refuse it (ErrTooLarge) however often it was retried.
func (ck *Clerk) Put(key, value string) {
	ck.putAppend(key, value, opPut)
}

// Append appends value to key's value (a missing key counts as ""). Like
// Put, it panics if key and value together exceed MaxValueBytes.
func (ck *Clerk) Append(key, value string) {
	ck.putAppend(key, value, opAppend)
}

func (ck *Clerk) putAppend(key, value, kind string) {
	if tooLarge(key, value) {
		panic(fmt.Sprintf("raftkv: %s of %d bytes of key and value exceeds MaxValueBytes (%d)",
			kind, len(key)+len(value), MaxValueBytes))
	}
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.seq++
	args := PutAppendArgs{Key: key, Value: value, Op: kind, ClientId: ck.clientId, Seq: ck.seq}
	ck.call("KVServer."+kind, func(srv *labrpc.ClientEnd) Err {
		var reply PutAppendReply
		if !srv.Call("KVServer.PutAppend", &args, &reply) {
			return ""
		}
		return reply.Err
	}, key)
}

// call runs try against the remembered leader first and then each server in
// turn until one answers OK or ErrNoKey. A lost RPC ("") or any other Err
// moves on to the next server at once; after a whole round of failures the
// clerk pauses briefly. Caller holds ck.mu.
func (ck *Clerk) call(what string, try func(srv *labrpc.ClientEnd) Err, key string) {
	for failures := 0; ; failures++ {
		err := try(ck.servers[ck.leader])
		switch err {
		case OK, ErrNoKey:
			debugf(ck.leader, unknownTerm, roleClerk, topicClerk, "C%d#%d %s %q done: %s",
				ck.clientId%10000, ck.seq, what, key, err)
			return
		case ErrBadOp:
			panic("raftkv: server rejected " + what + " as malformed")
		case ErrTooLarge:
			panic("raftkv: server rejected " + what + " as larger than MaxValueBytes")
		}
		debugf(ck.leader, unknownTerm, roleClerk, topicClerk, "C%d#%d %s %q: %q, trying next server",
			ck.clientId%10000, ck.seq, what, key, err)
		ck.leader = (ck.leader + 1) % len(ck.servers)
		if (failures+1)%len(ck.servers) == 0 {
			time.Sleep(retryPause)
		}
	}
}
