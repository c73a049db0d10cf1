package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"miniraftkv/linearizability"
)

// mapClerk is an in-memory, trivially linearizable store standing in for a
// raftkv Clerk; stopAfter closes stop after that many operations.
type mapClerk struct {
	mu        sync.Mutex
	data      map[string]string
	ops       int
	stopAfter int
	stop      chan struct{}
}

func (m *mapClerk) tick() {
	m.ops++
	if m.ops == m.stopAfter {
		close(m.stop)
	}
}
func (m *mapClerk) Get(k string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tick()
	return m.data[k]
}
func (m *mapClerk) Put(k, v string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tick()
	m.data[k] = v
}
func (m *mapClerk) Append(k, v string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tick()
	m.data[k] += v
}

func TestRunClientRecordsALinearizableHistory(t *testing.T) {
	stop := make(chan struct{})
	ck := &mapClerk{data: map[string]string{}, stopAfter: 200, stop: stop}
	rec := newRecorder(time.Now())
	runClient(3, ck, rec, rand.New(rand.NewSource(1)), 2, stop)
	ops, unreturned := rec.history()
	if len(ops) != 200 || unreturned != 0 {
		t.Fatalf("%d operations (%d unreturned), want 200 returned", len(ops), unreturned)
	}
	gets, puts, appends := rec.opCounts()
	if gets+puts+appends != 200 || gets == 0 || puts == 0 || appends == 0 {
		t.Errorf("operation mix %d/%d/%d: want some of each", gets, puts, appends)
	}
	values := map[string]bool{}
	for i, op := range ops {
		in := op.Input.(linearizability.KvInput)
		if op.ClientId != 3 || op.Return < op.Call || (i > 0 && op.Call < ops[i-1].Return) {
			t.Fatalf("operation %d %+v: wrong client or times", i, op)
		}
		if in.Key != "k0" && in.Key != "k1" {
			t.Errorf("key %q outside -keys 2", in.Key)
		}
		if in.Op != linearizability.KvGet {
			if values[in.Value] || !strings.HasSuffix(in.Value, " ") {
				t.Errorf("written value %q not unique or not space-terminated", in.Value)
			}
			values[in.Value] = true
		}
	}
	if res, _ := linearizability.CheckOperationsVerbose(linearizability.KvModel(), ops, 10*time.Second); res != linearizability.Ok {
		t.Errorf("history of a sequential in-memory store checked %v", res)
	}
}

func TestRecorderUnreturned(t *testing.T) {
	rec := newRecorder(time.Now())
	rec.call(0, linearizability.KvInput{Op: linearizability.KvPut, Key: "k", Value: "a"})
	rec.ret(0, linearizability.KvOutput{})
	rec.call(1, linearizability.KvInput{Op: linearizability.KvAppend, Key: "k", Value: "b"})
	ops, unreturned := rec.history()
	if len(ops) != 2 || unreturned != 1 || rec.completed() != 1 {
		t.Fatalf("got %d ops, %d unreturned, %d completed; want 2, 1, 1", len(ops), unreturned, rec.completed())
	}
	if ops[1].ClientId != 1 || ops[1].Return != linearizability.NeverReturned {
		t.Errorf("outstanding operation recorded as %+v, want Return NeverReturned", ops[1])
	}
}

// TestRecorderKeepsEveryGetResult checks that sharing memory between Get
// results (readValue) never changes one: shorter, longer and unrelated
// values after each other, on two keys.
func TestRecorderKeepsEveryGetResult(t *testing.T) {
	rec := newRecorder(time.Now())
	reads := []struct{ key, value string }{
		{"k", "ab"}, {"k", "a"}, {"k", "abc"}, {"j", "abc"}, {"k", "ab"}, {"k", "x"}, {"k", ""}, {"k", "abcd"}, {"k", "abc"},
	}
	for _, r := range reads {
		rec.call(0, linearizability.KvInput{Op: linearizability.KvGet, Key: r.key})
		rec.ret(0, linearizability.KvOutput{Value: strings.Clone(r.value)})
	}
	ops, _ := rec.history()
	for i, r := range reads {
		in, out := ops[i].Input.(linearizability.KvInput), ops[i].Output.(linearizability.KvOutput)
		if in != (linearizability.KvInput{Op: linearizability.KvGet, Key: r.key}) || out.Value != r.value {
			t.Errorf("read %d recorded as %+v -> %q, want Get %q -> %q", i, in, out.Value, r.key, r.value)
		}
	}
}

// TestRecorderHistoryIsNotChangedByLaterReturns checks that history's
// slice, which shares the recorder's list, does not see operations that
// return after it was taken (a client that outlived the grace period).
func TestRecorderHistoryIsNotChangedByLaterReturns(t *testing.T) {
	rec := newRecorder(time.Now())
	for i := 0; i < 5; i++ {
		rec.call(i, linearizability.KvInput{Op: linearizability.KvPut, Key: "k", Value: fmt.Sprint(i)})
	}
	for i := 0; i < 3; i++ { // the list has room for a fourth
		rec.ret(i, linearizability.KvOutput{})
	}
	ops, unreturned := rec.history()
	rec.ret(3, linearizability.KvOutput{})
	rec.ret(4, linearizability.KvOutput{})
	if len(ops) != 5 || unreturned != 2 {
		t.Fatalf("history has %d operations, %d unreturned; want 5, 2", len(ops), unreturned)
	}
	for _, op := range ops[3:] {
		if op.ClientId < 3 || op.Return != linearizability.NeverReturned {
			t.Errorf("outstanding operation of client %d changed to %+v after history was taken", op.ClientId, op)
		}
	}
}

func TestRecorderRejectsTwoOutstanding(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("a second outstanding operation of one client was accepted")
		}
	}()
	rec := newRecorder(time.Now())
	rec.call(0, linearizability.KvInput{Key: "k"})
	rec.call(0, linearizability.KvInput{Key: "k"})
}
