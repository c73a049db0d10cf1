package raftkv

import (
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// TestGetWaitsForReadIndexApplied: a Get served by ReadIndex answers only
// once the state machine has applied through the read index (dissertation
// §6.4). A server of a one-peer cluster runs without its apply loop: the
// test applies by hand. A Put commits at index 1 and is not applied; a Get
// must then wait (it registers in kv.readWaiters) instead of answering from
// the map, and once the test applies the Put it must see it.
func TestGetWaitsForReadIndexApplied(t *testing.T) {
	kv := newKVServer([]*labrpc.ClientEnd{nil}, 0, raft.MakePersister(), -1)
	defer kv.Kill()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, isLeader := kv.rf.GetState(); isLeader {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a one-peer cluster elected no leader within 5 s")
		}
	}
	index, _, _ := kv.rf.Start(Op{Kind: kindPut, Key: "k", Value: "new", ClientId: 1, Seq: 1})
	msg := <-kv.applyCh // committed; the state machine is now behind the commit index
	replies := make(chan GetReply, 1)
	go func() {
		var reply GetReply
		kv.Get(&GetArgs{Key: "k", ClientId: 2, Seq: 1}, &reply)
		replies <- reply
	}()
	for deadline := time.Now().Add(5 * time.Second); !readWaiting(kv); time.Sleep(time.Millisecond) {
		select {
		case reply := <-replies:
			t.Fatalf("Get answered %+v while the state machine had applied nothing and entry %d was committed", reply, index)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("Get neither answered nor waited for its read index within 5 s")
		}
	}
	kv.applyCommand(msg)
	select {
	case reply := <-replies:
		if reply.Err != OK || reply.Value != "new" {
			t.Fatalf("Get answered %+v after entry %d (Put k = new) was applied; want OK, new", reply, index)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Get did not answer within 5 s after entry %d was applied", index)
	}
}

// readWaiting reports whether a Get waits for the apply loop to reach its
// read index.
func readWaiting(kv *KVServer) bool {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	return len(kv.readWaiters) > 0
}
