package raftkv

import (
	"strings"
	"testing"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// TestPutOverLimitIsRefused: a PutAppend whose key and value exceed
// MaxValueBytes is answered ErrTooLarge before anything reaches the log,
// one at the limit is accepted, and a Clerk refuses to send one at all.
func TestPutOverLimitIsRefused(t *testing.T) {
	kv := newKVServer([]*labrpc.ClientEnd{nil}, 0, raft.MakePersister(), -1)
	defer kv.Kill()
	big := strings.Repeat("v", MaxValueBytes)
	var reply PutAppendReply
	kv.PutAppend(&PutAppendArgs{Key: "k", Value: big, Op: opPut, ClientId: 1, Seq: 1}, &reply)
	if reply.Err != ErrTooLarge {
		t.Fatalf("Put of a %d-byte value with a 1-byte key answered %q, want %q", len(big), reply.Err, ErrTooLarge)
	}
	kv.mu.Lock()
	waiting := len(kv.waiters)
	kv.mu.Unlock()
	if waiting != 0 {
		t.Fatalf("a refused Put was submitted to Raft (%d waiters); want none", waiting)
	}
	if tooLarge("", big) || !tooLarge("k", big) {
		t.Fatalf("tooLarge: the limit is %d bytes of key and value together", MaxValueBytes)
	}
	ck := MakeClerk([]*labrpc.ClientEnd{new(labrpc.ClientEnd)})
	msg := panicMessage(func() { ck.Append("k", big) })
	if !strings.Contains(msg, "exceeds MaxValueBytes") {
		t.Fatalf("Clerk.Append over the limit panicked with %q; want a message naming MaxValueBytes", msg)
	}
}
