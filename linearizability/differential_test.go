package linearizability

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
)

// The checker is judged against bruteForce, a checker simple enough to be
// obviously right: it tries every order of the operations, keeping a
// prefix only while it respects real time and the model accepts it, and
// lets each unreturned operation take effect anywhere after its call or
// not at all. It has no cache, no list, no pruning rules, no partitions.

// bruteForce reports whether ops is linearizable with respect to m (whose
// Partition is ignored: pass a model of the whole object).
func bruteForce(m Model, ops []Operation) bool {
	ops = withUnreturnedOutputs(ops)
	placed := make([]bool, len(ops))
	returned := 0
	for _, op := range ops {
		if op.Return != NeverReturned {
			returned++
		}
	}
	return bruteExtend(m, ops, placed, m.Init(), returned)
}

// bruteExtend tries every way to extend the current prefix (placed, in
// state) to a linearization; left counts the returned operations not
// placed yet.
func bruteExtend(m Model, ops []Operation, placed []bool, state interface{}, left int) bool {
	if left == 0 {
		return true
	}
	for i, op := range ops {
		if placed[i] || !mayGoNext(ops, placed, i) {
			continue
		}
		ok, next := m.Step(state, op.Input, op.Output)
		if !ok {
			continue
		}
		placed[i] = true
		done := left
		if op.Return != NeverReturned {
			done--
		}
		found := bruteExtend(m, ops, placed, next, done)
		placed[i] = false
		if found {
			return true
		}
	}
	return false
}

// mayGoNext reports whether operation i may be linearized after exactly
// the placed operations: every operation that returned before i was
// called must be placed already.
func mayGoNext(ops []Operation, placed []bool, i int) bool {
	for j, op := range ops {
		if !placed[j] && j != i && op.Return < ops[i].Call {
			return false
		}
	}
	return true
}

// randomKvHistory generates up to maxOps KV operations on a few keys: it
// runs a random execution (each operation takes effect at a random point
// inside its interval; some never return, and some of those never take
// effect) and then, half of the time, corrupts one output. Small time
// ranges make equal times common.
func randomKvHistory(r *rand.Rand, maxOps int) []Operation {
	n := 1 + r.Intn(maxOps)
	keys := []string{"a", "b", "c"}[:1+r.Intn(3)]
	// Few values and many unreturned operations make identical unreturned
	// operations (which the search treats specially) common.
	values := []string{"x", "y", "z"}[:1+r.Intn(3)]
	type planned struct {
		op    Operation
		point int64 // when it takes effect; -1 never
	}
	plan := make([]planned, n)
	for i := range plan {
		call := int64(r.Intn(12))
		point := call + int64(r.Intn(6))
		ret := point + int64(r.Intn(4))
		in := KvInput{Op: uint8(r.Intn(3)), Key: keys[r.Intn(len(keys))], Value: values[r.Intn(len(values))]}
		if in.Op == KvGet {
			in.Value = ""
		}
		p := planned{Operation{ClientId: r.Intn(4), Input: in, Call: call, Return: ret}, point}
		if r.Intn(4) == 0 {
			p.op.Return = NeverReturned
			if r.Intn(2) == 0 {
				p.point = -1
			}
		}
		plan[i] = p
	}
	order := r.Perm(n)
	sort.SliceStable(order, func(a, b int) bool { return plan[order[a]].point < plan[order[b]].point })
	store := map[string]string{}
	for _, i := range order {
		if plan[i].point < 0 {
			continue
		}
		in := plan[i].op.Input.(KvInput)
		switch in.Op {
		case KvGet:
			plan[i].op.Output = KvOutput{Value: store[in.Key]}
		case KvPut:
			store[in.Key] = in.Value
		case KvAppend:
			store[in.Key] += in.Value
		}
	}
	ops := make([]Operation, n)
	for i, p := range plan {
		ops[i] = p.op
		if ops[i].Output == nil {
			ops[i].Output = KvOutput{}
		}
	}
	if r.Intn(3) != 0 {
		corruptOneGet(r, ops)
	}
	return ops
}

// corruptOneGet changes the output of a random get that returned, if any,
// to a random plausible value (which may happen to be right).
func corruptOneGet(r *rand.Rand, ops []Operation) {
	var gets []int
	for i, op := range ops {
		if op.Input.(KvInput).Op == KvGet && op.Return != NeverReturned {
			gets = append(gets, i)
		}
	}
	if len(gets) > 0 {
		corrupt := gets[r.Intn(len(gets))]
		ops[corrupt].Output = KvOutput{Value: []string{"", "x", "y", "xy", "yx", "xx", "z"}[r.Intn(7)]}
	}
}

// randomRegisterHistory is randomKvHistory for a compare-and-set register.
func randomRegisterHistory(r *rand.Rand, maxOps int) []Operation {
	n := 1 + r.Intn(maxOps)
	ops := make([]Operation, n)
	for i := range ops {
		call := int64(r.Intn(12))
		in := RegisterInput{Kind: RegisterOpKind(r.Intn(3)), Expected: r.Intn(3), Value: r.Intn(3)}
		out := RegisterOutput{Value: r.Intn(3), Nil: r.Intn(4) == 0, Ok: r.Intn(2) == 0}
		ops[i] = Operation{ClientId: r.Intn(4), Input: in, Call: call, Output: out, Return: call + int64(r.Intn(8))}
		if r.Intn(4) == 0 {
			ops[i].Return = NeverReturned
		}
	}
	return ops
}

// describeHistory prints a history for a failure message.
func describeHistory(ops []Operation) string {
	s := ""
	for i, op := range ops {
		ret := fmt.Sprint(op.Return)
		if op.Return == NeverReturned {
			ret = "never"
		}
		s += fmt.Sprintf("\n  %d: client %d [%d, %s] %+v -> %+v", i, op.ClientId, op.Call, ret, op.Input, op.Output)
	}
	return s
}

// checkAgainstBruteForce compares every entry point of the checker with
// the brute-force verdict for one history.
func checkAgainstBruteForce(t *testing.T, label string, m, whole Model, ops []Operation) (linearizable bool) {
	t.Helper()
	want := bruteForce(whole, ops)
	res, _ := CheckOperationsVerbose(m, ops, 0)
	if (res == Ok) != want || res == Unknown {
		t.Fatalf("%s: CheckOperations says %s, brute force says linearizable=%v:%s", label, res, want, describeHistory(ops))
	}
	events := operationsToEvents(ops)
	if got := CheckEvents(m, events); got != want {
		t.Fatalf("%s: CheckEvents says %v, brute force says %v:%s", label, got, want, describeHistory(ops))
	}
	if got := CheckOperations(whole, ops); got != want {
		t.Fatalf("%s: CheckOperations without partitions says %v, brute force says %v:%s", label, got, want, describeHistory(ops))
	}
	return want
}

// TestDifferentialKv checks thousands of random small KV histories against
// the brute-force checker.
func TestDifferentialKv(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	counts := map[bool]int{}
	for i := 0; i < 10000; i++ {
		ops := randomKvHistory(r, 8)
		counts[checkAgainstBruteForce(t, fmt.Sprintf("history %d", i), KvModel(), kvNoPartitionModel(ops), ops)]++
	}
	t.Logf("linearizable: %d, not: %d", counts[true], counts[false])
	if counts[true] < 500 || counts[false] < 500 {
		t.Fatalf("generator is lopsided: %v", counts)
	}
}

// TestDifferentialRegister checks thousands of random small register
// histories against the brute-force checker.
func TestDifferentialRegister(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	counts := map[bool]int{}
	for i := 0; i < 10000; i++ {
		ops := randomRegisterHistory(r, 8)
		counts[checkAgainstBruteForce(t, fmt.Sprintf("history %d", i), RegisterModel(), RegisterModel(), ops)]++
	}
	t.Logf("linearizable: %d, not: %d", counts[true], counts[false])
	if counts[true] < 500 || counts[false] < 500 {
		t.Fatalf("generator is lopsided: %v", counts)
	}
}

// historyFromBytes decodes fuzzer input into a small KV history, five
// bytes an operation: client and kind, key and value, call, duration,
// whether it returned; then the output of gets.
func historyFromBytes(data []byte) []Operation {
	var ops []Operation
	for len(data) >= 5 && len(ops) < 8 {
		b := data[:5]
		data = data[5:]
		in := KvInput{Op: b[0] % 3, Key: []string{"a", "b"}[b[1]%2], Value: []string{"x", "y"}[(b[1]/2)%2]}
		if in.Op == KvGet {
			in.Value = ""
		}
		call := int64(b[2] % 16)
		op := Operation{ClientId: int(b[0] / 3 % 4), Input: in, Call: call, Return: call + int64(b[3]%8)}
		op.Output = KvOutput{Value: []string{"", "x", "y", "xy", "yx", "xx"}[int(b[4]/2)%6]}
		if b[4]%5 == 0 {
			op.Return = NeverReturned
		}
		ops = append(ops, op)
	}
	return ops
}

// registerHistoryFromBytes is historyFromBytes for the register model.
func registerHistoryFromBytes(data []byte) []Operation {
	var ops []Operation
	for len(data) >= 5 && len(ops) < 8 {
		b := data[:5]
		data = data[5:]
		in := RegisterInput{Kind: RegisterOpKind(b[0] % 3), Expected: int(b[1] % 3), Value: int(b[1] / 3 % 3)}
		call := int64(b[2] % 16)
		out := RegisterOutput{Value: int(b[4] % 3), Nil: b[4]%7 == 0, Ok: b[4]%2 == 0}
		op := Operation{ClientId: int(b[0] / 3 % 4), Input: in, Call: call, Output: out, Return: call + int64(b[3]%8)}
		if b[3]%5 == 0 {
			op.Return = NeverReturned
		}
		ops = append(ops, op)
	}
	return ops
}

// FuzzCheckerMatchesBruteForce is the differential property as a fuzz
// target: go test -fuzz FuzzCheckerMatchesBruteForce ./linearizability
// (inputs starting with 0xff are register histories, others KV).
func FuzzCheckerMatchesBruteForce(f *testing.F) {
	f.Add([]byte{1, 0, 0, 3, 0, 0, 0, 1, 2, 2})
	f.Add([]byte{2, 1, 0, 2, 5, 0, 1, 1, 1, 4, 1, 0, 2, 6, 1, 0, 0, 3, 2, 6})
	f.Add([]byte{0xff, 2, 1, 0, 2, 5, 0, 1, 1, 1, 4, 1, 0, 2, 6, 1, 0, 0, 3, 2, 6})
	f.Add([]byte{7, 3, 2, 1, 9, 3, 3, 4, 4, 6, 5, 1, 3, 3, 10, 0, 2, 6, 1, 7, 2, 0, 1, 5, 5})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 0 && data[0] == 0xff {
			ops := registerHistoryFromBytes(data[1:])
			checkAgainstBruteForce(t, "fuzzed register history", RegisterModel(), RegisterModel(), ops)
			return
		}
		ops := historyFromBytes(data)
		checkAgainstBruteForce(t, "fuzzed history", KvModel(), kvNoPartitionModel(ops), ops)
	})
}
