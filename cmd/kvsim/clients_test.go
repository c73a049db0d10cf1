package main

import (
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
	rec := linearizability.NewKvRecorder()
	runClient(3, ck, rec, rand.New(rand.NewSource(1)), 2, stop)
	ops := rec.Operations()
	gets, puts, appends, unreturned := historyCounts(ops)
	if len(ops) != 200 || unreturned != 0 {
		t.Fatalf("%d operations (%d unreturned), want 200 returned", len(ops), unreturned)
	}
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
