package linearizability

import (
	"math/rand"
	"sort"
	"testing"
	"time"
)

// Tests of KvHistoryModel's pruning and shared states, which must keep every
// verdict of plain KvModel, and of KvRecorder.

func kvOp(cli int, op uint8, key, value string, call, ret int64, out string) Operation {
	return Operation{ClientId: cli,
		Input: KvInput{Op: op, Key: key, Value: value}, Call: call,
		Output: KvOutput{Value: out}, Return: ret}
}

func TestHistoryModelBlindAppends(t *testing.T) {
	const A, P, G = KvAppend, KvPut, KvGet
	cases := []struct {
		name   string
		ops    []Operation
		pruned bool
		want   CheckResult
	}{
		{"concurrent appends, final order legal", []Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 10, ""),
			kvOp(2, A, "k", "b", 3, 9, ""),
			kvOp(0, G, "k", "", 11, 12, "ba"),
		}, true, Ok},
		{"real-time order violated", []Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(2, A, "k", "b", 4, 5, ""),
			kvOp(0, G, "k", "", 11, 12, "ba"),
		}, true, Illegal},
		{"append applied twice", []Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(0, G, "k", "", 11, 12, "aa"),
		}, true, Illegal},
		{"append lost", []Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(2, A, "k", "b", 2, 3, ""),
			kvOp(0, G, "k", "", 11, 12, "b"),
		}, true, Illegal},
		{"put after append: not pruned", []Operation{
			kvOp(1, A, "k", "a", 0, 1, ""),
			kvOp(2, P, "k", "x", 2, 3, ""),
			kvOp(1, A, "k", "b", 4, 5, ""),
			kvOp(0, G, "k", "", 11, 12, "xb"),
		}, false, Ok},
		{"unreturned append: not pruned", []Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, NeverReturned, ""),
			kvOp(0, G, "k", "", 11, 12, ""),
		}, false, Ok},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, pruned := blindAppendKeys(c.ops)["k"]
			if pruned != c.pruned {
				t.Fatalf("key pruned = %v, want %v", pruned, c.pruned)
			}
			got, _ := CheckOperationsVerbose(KvHistoryModel(c.ops), c.ops, time.Second)
			plain, _ := CheckOperationsVerbose(KvModel(), c.ops, time.Second)
			if got != c.want || plain != c.want {
				t.Fatalf("historyModel says %v, KvModel says %v, want %v", got, plain, c.want)
			}
		})
	}
}

// TestSharedValueModelAgreesWithKvModel: on random histories of
// overlapping Puts, Appends and Gets (some Gets returning a value no
// linearization gives), the tester's model with shared states gives
// KvModel's verdict, and an Append extends a state's chain in place.
func TestSharedValueModelAgreesWithKvModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	verdicts := map[CheckResult]int{}
	for h := 0; h < 300; h++ {
		ops := randomOneKeyHistory(rng, 2+rng.Intn(3), 4+rng.Intn(12))
		got, _ := CheckOperationsVerbose(sharedValueModel(), ops, 10*time.Second)
		want, _ := CheckOperationsVerbose(KvModel(), ops, 10*time.Second)
		if got != want {
			t.Fatalf("history %d: shared states say %v, KvModel says %v:\n%v", h, got, want, ops)
		}
		verdicts[want]++
	}
	if verdicts[Ok] < 30 || verdicts[Illegal] < 30 {
		t.Errorf("verdicts %v: want both Ok and Illegal histories among the random ones", verdicts)
	}
	v := newSharedValue("ab").appended("c")
	if w := v.appended("d"); w.chain != v.chain || w.String() != "abcd" || v.String() != "abc" {
		t.Errorf("appending to the end of a chain gave %q (chain shared: %v), and the state before is %q",
			w.String(), w.chain == v.chain, v.String())
	}
}

// randomOneKeyHistory returns ops operations of clients clients on one key,
// each taking effect at a random point between its call and its return
// (so the history is linearizable), except that a Get returns a value
// with its last byte cut off one time in four.
func randomOneKeyHistory(rng *rand.Rand, clients, ops int) []Operation {
	type timed struct {
		op    Operation
		point int64
	}
	var all []timed
	free := make([]int64, clients) // when each client may call again
	for i := 0; i < ops; i++ {
		cli := rng.Intn(clients)
		call := free[cli] + rng.Int63n(3)
		ret := call + 1 + rng.Int63n(6)
		free[cli] = ret + 1
		kind := uint8(rng.Intn(3))
		value := string(rune('a' + rng.Intn(3)))
		all = append(all, timed{kvOp(cli, kind, "k", value, call, ret, ""), call + rng.Int63n(ret-call+1)})
	}
	sort.Slice(all, func(a, b int) bool { return all[a].point < all[b].point })
	state := ""
	history := make([]Operation, len(all))
	for i, e := range all {
		in := e.op.Input.(KvInput)
		switch in.Op {
		case KvPut:
			state = in.Value
		case KvAppend:
			state += in.Value
		default:
			out := state
			if len(out) > 0 && rng.Intn(4) == 0 {
				out = out[:len(out)-1]
			}
			e.op.Output = KvOutput{Value: out}
		}
		history[i] = e.op
	}
	return history
}

// TestKvRecorderSharesPrefixes: Get outputs of an append-only key are stored as
// prefixes of one string, and read back exactly.
func TestKvRecorderSharesPrefixes(t *testing.T) {
	l := NewKvRecorder()
	values := []string{"", "a", "ab", "a", "abc", "x", "xy"}
	for _, v := range values {
		id := l.Call(0, KvInput{Op: KvGet, Key: "k"})
		l.Return(id, v)
	}
	id := l.Call(1, KvInput{Op: KvAppend, Key: "k", Value: "z"})
	ops := l.Operations()
	for i, v := range values {
		if got := ops[i].Output.(KvOutput).Value; got != v {
			t.Fatalf("op %d: output %q, want %q", i, got, v)
		}
	}
	if ops[id].Return != NeverReturned {
		t.Fatalf("unfinished op has Return %d, want NeverReturned", ops[id].Return)
	}
	if n := l.Returned(); n != len(values) {
		t.Fatalf("Returned() = %d, want %d", n, len(values))
	}
}

// TestKvRecorderOperationsIsACopy: operations that return after Operations
// was taken do not change the slice it gave (a client that outlived the
// test's wait), and a second Return of one operation is refused.
func TestKvRecorderOperationsIsACopy(t *testing.T) {
	l := NewKvRecorder()
	id := l.Call(0, KvInput{Op: KvPut, Key: "k", Value: "a"})
	ops := l.Operations()
	l.Return(id, "")
	if ops[0].Return != NeverReturned || l.Operations()[0].Return == NeverReturned {
		t.Fatalf("a later Return changed the copy, or was lost")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("a second Return of one operation was accepted")
		}
	}()
	l.Return(id, "")
}

// TestKvRecorderClose: Close hands over the history with every output
// filled in, and later Calls and Returns leave it as it was.
func TestKvRecorderClose(t *testing.T) {
	l := NewKvRecorder()
	get := l.Call(0, KvInput{Op: KvGet, Key: "k"})
	l.Return(get, "ab")
	late := l.Call(1, KvInput{Op: KvAppend, Key: "k", Value: "c"})
	ops := l.Close()
	l.Return(late, "")
	if id := l.Call(2, KvInput{Op: KvGet, Key: "k"}); id != -1 {
		t.Fatalf("Call after Close gave id %d, want -1", id)
	}
	l.Return(-1, "x")
	again := l.Operations()
	for _, h := range [][]Operation{ops, again} {
		if len(h) != 2 || h[0].Output.(KvOutput).Value != "ab" || h[1].Return != NeverReturned {
			t.Fatalf("history after Close is %+v, want the Get of \"ab\" and the unreturned Append", h)
		}
	}
}

// TestKvRecorderFaultAnnotations checks the recorder's fault ranges for the
// timeline: a range per begin, ended by end or, still open, when taken;
// rows in order; times on the history's clock.
func TestKvRecorderFaultAnnotations(t *testing.T) {
	l := NewKvRecorder()
	l.Begin("network", "unreliable", "unreliable network", "", "")
	l.Begin("S2", "S2 partitioned", "partitioned (minority)", "", "")
	l.Begin("S1", "S1 down", "down", "", "")
	l.End("S2 partitioned")
	l.End("S2 partitioned") // ending twice changes nothing
	l.Begin("S2", "S2 partitioned", "partitioned (minority)", "", "")
	l.Mark("join 101", "")
	now := l.Now()
	got := l.Annotations()
	rows := ""
	for _, a := range got {
		rows += a.Row + " "
		if a.End < a.Start || a.End > l.Now() {
			t.Errorf("%s %q spans [%d, %d], outside the clock (now %d)", a.Row, a.Label, a.Start, a.End, now)
		}
	}
	if rows != " S1 S2 S2 network " {
		t.Fatalf("rows %q, want the mark's empty row, then S1 S2 S2 network", rows)
	}
	if mark := got[0]; mark.Label != "join 101" || mark.Start != mark.End {
		t.Fatalf("the mark is %+v, want an instant labelled \"join 101\"", mark)
	}
	got = got[1:]
	if got[1].End > got[2].Start {
		t.Fatalf("the first partition range [%d, %d] ends after the second starts at %d",
			got[1].Start, got[1].End, got[2].Start)
	}
}
