package linearizability

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// KvRecorder records the history of a key/value test, operation by
// operation, as its clients run, together with the faults the test injects
// (for the timeline of a failed check). It is safe for concurrent use.
//
//	rec := NewKvRecorder()
//	id := rec.Call(client, KvInput{Op: KvGet, Key: "k"})
//	v := clerk.Get("k")
//	rec.Return(id, v)
//	...
//	ops := rec.Operations()
//	res, info := CheckOperationsVerbose(KvHistoryModel(ops), ops, time.Minute)
//
// Times are nanoseconds since the recorder was made, on one monotonic
// clock, and strictly increasing in the order Call and Return are called:
// an operation that returned before another was called ends before it
// starts, even where the clock reads the same time for both (a clock that
// only moves when every goroutine waits, as in a test of virtual time). An
// operation is entered when it is called, with Return = NeverReturned, so
// one still running when the history is checked may or may not have taken
// effect.
//
// Get outputs can be long (a key appended to for a whole test) and there
// are thousands of them, so each is stored as a length into a per-key string
// that later values extend: n Gets of an append-only key cost the longest
// value, not n copies. A long run records a few hundred thousand
// operations, so what repeats is shared too: the boxed input of a Get of
// each key, and the boxed empty output of every operation without a value.
type KvRecorder struct {
	mu        sync.Mutex // protects everything below
	start     time.Time
	last      int64 // the latest time handed out by stamp
	ops       []Operation
	outs      []valueRef // outs[i] is the output of ops[i] if it is a returned Get
	returned  int        // operations that returned
	closed    bool       // by Close: Call and Return record nothing more
	chains    map[string]*valueChain
	getInputs map[string]interface{} // key -> the boxed KvInput of a Get of it
	// faults are what the test did to the servers, on the same clock;
	// open indexes those not yet ended, by key.
	faults []Annotation
	open   map[string]int
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

// NewKvRecorder returns an empty history whose clock starts now.
func NewKvRecorder() *KvRecorder {
	return &KvRecorder{start: time.Now(), chains: make(map[string]*valueChain),
		getInputs: make(map[string]interface{}), open: make(map[string]int)}
}

// noOutput is the Output of every operation that has no value (yet).
var noOutput interface{} = KvOutput{}

// Now returns the recorder's clock: nanoseconds since it was made.
func (l *KvRecorder) Now() int64 {
	return int64(time.Since(l.start))
}

// stamp returns the time of an event: the clock, or one more than the last
// stamp if the clock has not moved past it. Caller holds l.mu.
func (l *KvRecorder) stamp() int64 {
	l.last = max(l.Now(), l.last+1)
	return l.last
}

// Call enters a new operation of client cli and returns its id.
func (l *KvRecorder) Call(cli int, in KvInput) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return -1
	}
	l.ops = append(l.ops, Operation{ClientId: cli, Input: l.box(in), Call: l.stamp(),
		Output: noOutput, Return: NeverReturned})
	l.outs = append(l.outs, valueRef{})
	return len(l.ops) - 1
}

// box returns in as an interface value, one shared by every Get of a key.
// Caller holds l.mu.
func (l *KvRecorder) box(in KvInput) interface{} {
	if in.Op != KvGet || in.Value != "" {
		return in
	}
	boxed, ok := l.getInputs[in.Key]
	if !ok {
		boxed = in
		l.getInputs[in.Key] = boxed
	}
	return boxed
}

// Return completes operation id; value is what a Get returned ("" for a
// Put or an Append).
func (l *KvRecorder) Return(id int, value string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	if l.ops[id].Return != NeverReturned {
		panic(fmt.Sprintf("linearizability: operation %d returned twice", id))
	}
	l.ops[id].Return = l.stamp()
	l.returned++
	if in := l.ops[id].Input.(KvInput); in.Op == KvGet {
		l.outs[id] = l.share(in.Key, value)
	}
}

// share returns a reference to value that shares memory with the key's
// chain when one is a prefix of the other. Caller holds l.mu.
func (l *KvRecorder) share(key, value string) valueRef {
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

// Returned reports how many operations have returned so far.
func (l *KvRecorder) Returned() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.returned
}

// Operations returns a copy of the history so far, every Get output filled
// in.
func (l *KvRecorder) Operations() []Operation {
	l.mu.Lock()
	defer l.mu.Unlock()
	ops := make([]Operation, len(l.ops))
	copy(ops, l.ops)
	for i, r := range l.outs { // none after Close, which filled them in
		if r.chain != nil {
			ops[i].Output = KvOutput{Value: r.chain.s[:r.n]}
		}
	}
	return ops
}

// Close ends the recording and returns the history, as Operations does but
// without copying it: for a history of hundreds of thousands of operations
// that is checked once, at the end of a run. The history is the
// recorder's own and stays as returned: Call and Return record nothing
// after Close (an operation that returns later stays unreturned in it).
// Fault ranges and marks can still be added.
func (l *KvRecorder) Close() []Operation {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		for i, r := range l.outs {
			if r.chain != nil {
				l.ops[i].Output = KvOutput{Value: r.chain.s[:r.n]}
			}
		}
		l.outs, l.chains, l.getInputs = nil, nil, nil
	}
	return l.ops[:len(l.ops):len(l.ops)]
}

// Begin starts a fault range named key in the timeline row row (ending an
// open one of the same key first). Label, details and color are as in
// Annotation.
func (l *KvRecorder) Begin(row, key, label, details, color string) {
	l.End(key)
	t := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open[key] = len(l.faults)
	l.faults = append(l.faults, Annotation{Row: row, Start: t, End: -1, Label: label,
		Details: details, Color: color})
}

// End ends the fault range named key, if one is open.
func (l *KvRecorder) End(key string) {
	t := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if i, ok := l.open[key]; ok {
		l.faults[i].End = t
		delete(l.open, key)
	}
}

// Mark records an instant across the whole timeline (no row), such as a
// change of configuration; label and color are as in Annotation.
func (l *KvRecorder) Mark(label, color string) {
	t := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.faults = append(l.faults, Annotation{Start: t, End: t, Label: label, Color: color})
}

// Annotations returns the fault ranges, those still open ending now, sorted
// by row (stable: ranges of one row stay in the order they began).
func (l *KvRecorder) Annotations() []Annotation {
	t := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	list := append([]Annotation(nil), l.faults...)
	for i := range list {
		if list[i].End < 0 {
			list[i].End = t
		}
	}
	sort.SliceStable(list, func(a, b int) bool { return list[a].Row < list[b].Row })
	return list
}
