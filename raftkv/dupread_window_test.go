package raftkv

// The duplicate table and the read path of the state machine, driven by
// hand: a server with no Raft peer and no apply loop, to which the test
// applies entries one at a time. Claims:
//   - a Put or Append takes effect once per client and Seq: a retry of the
//     latest one, or of any older one arriving after a newer op of the same
//     client, changes nothing; other clients' ops with the same Seq do;
//   - a read waiting for read index i is released when entry i is applied,
//     not before (the entry before it is not enough), and a read whose
//     index is applied already is served at once;
//   - Kill releases a waiting read with false.

import (
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/raft"
)

// handServer is a KVServer without Raft or apply loop; entries are applied
// with applyOp.
func handServer() *KVServer {
	return &KVServer{
		maxraftstate: -1,
		killed:       make(chan struct{}),
		data:         make(map[string]string),
		lastSeq:      make(map[int64]int64),
		waiters:      make(map[int]*waiter),
	}
}

// applyOp applies op as the next entry and returns its index.
func (kv *KVServer) applyOp(op Op) int {
	kv.mu.Lock()
	index := kv.lastApplied + 1
	kv.mu.Unlock()
	kv.applyCommand(raft.ApplyMsg{CommandValid: true, Command: op, CommandIndex: index, CommandTerm: 1})
	return index
}

func appendOp(client, seq int64, key, value string) Op {
	return Op{Kind: kindAppend, Key: key, Value: value, ClientId: client, Seq: seq}
}

func putOp(client, seq int64, key, value string) Op {
	return Op{Kind: kindPut, Key: key, Value: value, ClientId: client, Seq: seq}
}

func TestDuplicateTable(t *testing.T) {
	for _, c := range []struct {
		name string
		ops  []Op
		want string
	}{
		{"a retried Append once", []Op{appendOp(1, 1, "k", "a"), appendOp(1, 1, "k", "a")}, "a"},
		{"an older Append retried after a newer one",
			[]Op{appendOp(1, 1, "k", "a"), appendOp(1, 2, "k", "b"), appendOp(1, 1, "k", "a")}, "ab"},
		{"an older Put retried after a newer one",
			[]Op{putOp(1, 1, "k", "x"), putOp(1, 2, "k", "y"), putOp(1, 1, "k", "x")}, "y"},
		{"clients apart", []Op{appendOp(1, 1, "k", "a"), appendOp(2, 1, "k", "b"), appendOp(1, 2, "k", "c")}, "abc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			kv := handServer()
			for _, op := range c.ops {
				kv.applyOp(op)
			}
			if got := kv.data["k"]; got != c.want {
				t.Fatalf("after %+v the value is %q; want %q", c.ops, got, c.want)
			}
		})
	}
}

// goAwaitRead runs awaitReadIndex(index) in a goroutine and waits until the
// read is registered as waiting or has returned; its result arrives on the
// returned channel.
func goAwaitRead(t *testing.T, kv *KVServer, index int) <-chan bool {
	t.Helper()
	done := make(chan bool, 1)
	go func() { done <- kv.awaitReadIndex(index) }()
	for deadline := time.Now().Add(5 * time.Second); !readWaiting(kv); time.Sleep(time.Millisecond) {
		if len(done) > 0 {
			t.Fatalf("a read of index %d returned with the state machine at %d", index, kv.lastAppliedNow())
		}
		if time.Now().After(deadline) {
			t.Fatalf("a read of index %d neither waited nor returned within 5 s", index)
		}
	}
	return done
}

func (kv *KVServer) lastAppliedNow() int {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	return kv.lastApplied
}

func TestReadReleasedAtItsIndex(t *testing.T) {
	kv := handServer()
	kv.applyOp(putOp(1, 1, "k", "1"))
	read := goAwaitRead(t, kv, 3)
	kv.applyOp(putOp(1, 2, "k", "2"))
	if !readWaiting(kv) {
		t.Fatalf("a read of index 3 was released with entry 2 applied")
	}
	kv.applyOp(putOp(1, 3, "k", "3"))
	if readWaiting(kv) {
		t.Fatalf("a read of index 3 still waits with entry 3 applied")
	}
	if !<-read {
		t.Fatalf("a read of index 3 returned false with entry 3 applied")
	}
	if !kv.awaitReadIndex(2) {
		t.Fatalf("a read of an applied index returned false")
	}
}

func TestReadReleasedByKill(t *testing.T) {
	kv := handServer()
	read := goAwaitRead(t, kv, 1)
	atomicKill(kv)
	if <-read {
		t.Fatalf("a read waiting when the server was killed returned true")
	}
}

// atomicKill marks a hand-built server killed as Kill does, without a Raft
// peer to stop.
func atomicKill(kv *KVServer) {
	kv.killOnce.Do(func() {
		atomic.StoreInt32(&kv.dead, 1)
		close(kv.killed)
	})
}
