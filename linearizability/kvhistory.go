package linearizability

import (
	"fmt"
	"math"
	"strings"
)

// KvHistoryModel returns a model to check ops against that gives KvModel's
// verdicts with far less time and memory on the histories KV testers
// record: KvModel with states that share memory (sharedValueModel), and one
// sound pruning for "blind append" keys.
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
func KvHistoryModel(ops []Operation) Model {
	finals := blindAppendKeys(ops)
	m := sharedValueModel()
	if len(finals) == 0 {
		return m
	}
	step := m.Step
	m.Step = func(state, input, output interface{}) (bool, interface{}) {
		ok, next := step(state, input, output)
		in := input.(KvInput)
		if final, pruned := finals[in.Key]; ok && pruned && in.Op == KvAppend {
			ok = strings.HasPrefix(final, next.(sharedValue).String())
		}
		return ok, next
	}
	return m
}

// sharedValueModel is KvModel with states that share memory. The checker
// keeps the state of every configuration it explores, and KvModel's state
// after an Append is a new string: a key appended to n times, up to a
// length L, costs n*L/2 bytes (about 400 MB for TestBasic3A's key, most of
// the test's memory). Here a state is a length into a chain of appends
// (sharedValue), which an Append extends in place when the state is the
// chain's end, so all the states of one chain cost its length. The verdicts
// are KvModel's: the same Step, on the values the states stand for.
func sharedValueModel() Model {
	m := KvModel()
	describe := m.DescribeState
	m.Init = func() interface{} { return sharedValue{} }
	m.Step = sharedValueStep
	m.Equal = func(a, b interface{}) bool { return a.(sharedValue).equal(b.(sharedValue)) }
	m.Hash = func(s interface{}) uint64 { return HashString(s.(sharedValue).String()) }
	m.DescribeState = func(s interface{}) string { return describe(s.(sharedValue).String()) }
	return m
}

// sharedValue is a value of one key: the first n bytes of chain (nil for
// ""). Bytes a value covers never change: a chain only grows at its end.
type sharedValue struct {
	chain *strings.Builder
	n     int
}

func (v sharedValue) String() string {
	if v.chain == nil {
		return ""
	}
	return v.chain.String()[:v.n]
}

func (v sharedValue) equal(w sharedValue) bool {
	return v.n == w.n && (v.chain == w.chain || v.String() == w.String())
}

// appended returns v followed by s, sharing v's chain when it can: when v
// is the chain's end (the chain grows), or when s follows v in the chain
// already (the search came back to v and appends the same value again).
func (v sharedValue) appended(s string) sharedValue {
	if v.chain != nil && v.n == v.chain.Len() {
		v.chain.WriteString(s)
		return sharedValue{v.chain, v.n + len(s)}
	}
	if v.chain != nil && strings.HasPrefix(v.chain.String()[v.n:], s) {
		return sharedValue{v.chain, v.n + len(s)}
	}
	return newSharedValue(v.String(), s)
}

// newSharedValue returns the value of parts joined, in a new chain.
func newSharedValue(parts ...string) sharedValue {
	chain := new(strings.Builder)
	for _, p := range parts {
		chain.WriteString(p)
	}
	return sharedValue{chain, chain.Len()}
}

// sharedValueStep is KvModel's Step on sharedValue states.
func sharedValueStep(state, input, output interface{}) (bool, interface{}) {
	v, in := state.(sharedValue), input.(KvInput)
	switch in.Op {
	case KvGet:
		if _, unreturned := output.(Unreturned); unreturned {
			return true, state
		}
		return output.(KvOutput).Value == v.String(), state
	case KvPut:
		return true, newSharedValue(in.Value)
	case KvAppend:
		return true, v.appended(in.Value)
	}
	panic(fmt.Sprintf("linearizability: unknown KvInput.Op %d", in.Op))
}

// blindAppendKeys returns, for each key that meets KvHistoryModel's three
// conditions, the output of its final Get.
func blindAppendKeys(ops []Operation) map[string]string {
	type keyInfo struct {
		unreturned           bool
		lastPutReturn        int64
		firstAppendCall      int64
		lastGet              int // index in ops of the Get called last
		maxReturnBeforeFinal int64
	}
	infos := make(map[string]*keyInfo)
	for i, op := range ops {
		in := op.Input.(KvInput)
		k := infos[in.Key]
		if k == nil {
			k = &keyInfo{lastPutReturn: -1, firstAppendCall: math.MaxInt64, lastGet: -1}
			infos[in.Key] = k
		}
		k.unreturned = k.unreturned || op.Return == NeverReturned
		switch in.Op {
		case KvPut:
			k.lastPutReturn = max(k.lastPutReturn, op.Return)
		case KvAppend:
			k.firstAppendCall = min(k.firstAppendCall, op.Call)
		case KvGet:
			if k.lastGet < 0 || op.Call > ops[k.lastGet].Call {
				k.lastGet = i
			}
		}
	}
	for i, op := range ops {
		k := infos[op.Input.(KvInput).Key]
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
			finals[key] = ops[k.lastGet].Output.(KvOutput).Value
		}
	}
	return finals
}
