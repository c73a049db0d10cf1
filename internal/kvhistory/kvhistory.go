// Package kvhistory records the history of a KV test's clerk operations and
// gives the model to check it with. The raftkv tester (raftkv/config.go)
// uses it; it is a package of its own so that raftkv's non-test code does
// not depend on tester code, and a course's own config.go can replace ours
// (SPEC section 8).
package kvhistory

import (
	"math"
	"strings"
	"sync"
	"time"

	"miniraftkv/linearizability"
)

// Log is the history of clerk operations of one test. Times come from one
// monotonic clock (nanoseconds since the log was made). An operation is
// entered when it is called, with Return = NeverReturned, and completed when
// it returns, so an operation still running at check time is checked as
// "may or may not have happened".
//
// Get outputs can be long (a key that has been appended to for 15 seconds)
// and there are thousands of them, so they are stored as a length into a
// shared per-key string that every later value extends: a history of n Gets
// on an append-only key costs the longest value, not n copies.
type Log struct {
	mu     sync.Mutex
	start  time.Time
	ops    []linearizability.Operation
	outs   []valueRef // outs[i] is the output of ops[i] if it is a completed Get
	chains map[string]*valueChain
}

// valueChain holds the longest value seen for a key such that every value
// referring to it is a prefix of it.
type valueChain struct {
	s string
}

type valueRef struct {
	chain *valueChain
	n     int
}

// NewLog returns an empty history whose clock starts now.
func NewLog() *Log {
	return &Log{start: time.Now(), chains: make(map[string]*valueChain)}
}

func (l *Log) now() int64 {
	return int64(time.Since(l.start))
}

// Call enters a new operation of client cli and returns its id.
func (l *Log) Call(cli int, in linearizability.KvInput) int {
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops = append(l.ops, linearizability.Operation{ClientId: cli, Input: in, Call: t,
		Output: linearizability.KvOutput{}, Return: linearizability.NeverReturned})
	l.outs = append(l.outs, valueRef{})
	return len(l.ops) - 1
}

// Return completes operation id; value is what a Get returned ("" otherwise).
func (l *Log) Return(id int, value string) {
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ops[id].Return = t
	if l.ops[id].Input.(linearizability.KvInput).Op == linearizability.KvGet {
		l.outs[id] = l.share(l.ops[id].Input.(linearizability.KvInput).Key, value)
	}
}

// share returns a reference to value that shares memory with the key's
// chain when one is a prefix of the other. Caller holds l.mu.
func (l *Log) share(key, value string) valueRef {
	c := l.chains[key]
	switch {
	case c != nil && len(value) <= len(c.s) && c.s[:len(value)] == value:
	case c != nil && len(value) > len(c.s) && value[:len(c.s)] == c.s:
		c.s = value
	default:
		c = &valueChain{s: value}
		l.chains[key] = c
	}
	return valueRef{chain: c, n: len(value)}
}

// Read returns a copy of the history with every Get output filled in.
func (l *Log) Read() []linearizability.Operation {
	l.mu.Lock()
	defer l.mu.Unlock()
	ops := make([]linearizability.Operation, len(l.ops))
	copy(ops, l.ops)
	for i := range ops {
		if r := l.outs[i]; r.chain != nil {
			ops[i].Output = linearizability.KvOutput{Value: r.chain.s[:r.n]}
		}
	}
	return ops
}

// Model returns the model to check ops against: KvModel,
// with one sound pruning for "blind append" keys.
//
// WGL search is exponential on concurrent Appends to one key that nobody
// reads until the end (TestUnreliableOneKey3A: 5 clients x 10 overlapping
// Appends, one final Get): every order of the appends is a distinct state,
// the cache cannot merge any of them, and only the final Get rejects a
// wrong order. For such a key the final value already fixes the order, so
// the model rejects an Append whose result is not a prefix of it. That
// changes no verdict when, for the key:
//   - every operation returned (none can take effect after the final Get),
//   - one Get (the final one) is called after every other operation on the
//     key returned, so it is linearized last and its output is the final
//     state, and
//   - every Put returned before any Append was called, so after the first
//     Append the value only grows until the final Get: every state after an
//     Append is a prefix of the final value in every valid linearization.
//
// Keys that do not meet all three are checked by plain KvModel.
func Model(ops []linearizability.Operation) linearizability.Model {
	finals := blindAppendKeys(ops)
	m := linearizability.KvModel()
	if len(finals) == 0 {
		return m
	}
	step := m.Step
	m.Step = func(state, input, output interface{}) (bool, interface{}) {
		ok, next := step(state, input, output)
		in := input.(linearizability.KvInput)
		if final, pruned := finals[in.Key]; ok && pruned && in.Op == linearizability.KvAppend {
			ok = strings.HasPrefix(final, next.(string))
		}
		return ok, next
	}
	return m
}

// blindAppendKeys returns, for each key that meets Model's three
// conditions, the output of its final Get.
func blindAppendKeys(ops []linearizability.Operation) map[string]string {
	type keyInfo struct {
		unreturned           bool
		lastPutReturn        int64
		firstAppendCall      int64
		lastGet              int // index in ops of the Get called last
		maxReturnBeforeFinal int64
	}
	infos := make(map[string]*keyInfo)
	for i, op := range ops {
		in := op.Input.(linearizability.KvInput)
		k := infos[in.Key]
		if k == nil {
			k = &keyInfo{lastPutReturn: -1, firstAppendCall: math.MaxInt64, lastGet: -1}
			infos[in.Key] = k
		}
		k.unreturned = k.unreturned || op.Return == linearizability.NeverReturned
		switch in.Op {
		case linearizability.KvPut:
			k.lastPutReturn = max(k.lastPutReturn, op.Return)
		case linearizability.KvAppend:
			k.firstAppendCall = min(k.firstAppendCall, op.Call)
		case linearizability.KvGet:
			if k.lastGet < 0 || op.Call > ops[k.lastGet].Call {
				k.lastGet = i
			}
		}
	}
	for i, op := range ops {
		k := infos[op.Input.(linearizability.KvInput).Key]
		if i != k.lastGet {
			k.maxReturnBeforeFinal = max(k.maxReturnBeforeFinal, op.Return)
		}
	}
	finals := make(map[string]string)
	for key, k := range infos {
		if k.unreturned || k.lastGet < 0 || k.firstAppendCall == math.MaxInt64 {
			continue
		}
		if ops[k.lastGet].Call > k.maxReturnBeforeFinal && k.lastPutReturn < k.firstAppendCall {
			finals[key] = ops[k.lastGet].Output.(linearizability.KvOutput).Value
		}
	}
	return finals
}
