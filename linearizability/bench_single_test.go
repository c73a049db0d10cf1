package linearizability

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// singleClientKvHistory returns n sequential operations of one client on
// one key (a mix of put, append and get, each get seeing the right
// value), as the KV tester records when one client runs alone: every
// operation becomes one level of the search's stack, so the search must
// be linear in the history's length.
func singleClientKvHistory(n int) []Operation {
	r := rand.New(rand.NewSource(1))
	ops := make([]Operation, 0, n)
	value := ""
	for i := 0; i < n; i++ {
		call, ret := int64(2*i), int64(2*i+1)
		switch x := r.Intn(10); {
		case x < 3:
			value = fmt.Sprint(i)
			ops = append(ops, put(0, "k", value, call, ret))
		case x < 5:
			value += "x"
			ops = append(ops, appendOp(0, "k", "x", call, ret))
		default:
			ops = append(ops, get(0, "k", value, call, ret))
		}
	}
	return ops
}

// BenchmarkSingleClient100k checks a 100k-operation single-client KV
// history (the target is under 0.5 s).
func BenchmarkSingleClient100k(b *testing.B) {
	benchmarkCheck(b, KvModel(), singleClientKvHistory(100000), Ok)
}

// TestSingleClientIsLinear checks a 100k-operation single-client history
// against a generous bound: a quadratic search takes many seconds here.
func TestSingleClientIsLinear(t *testing.T) {
	ops := singleClientKvHistory(100000)
	start := time.Now()
	res, info := CheckOperationsVerbose(KvModel(), ops, 0)
	took := time.Since(start)
	if res != Ok {
		t.Fatalf("got %s, want Ok", res)
	}
	if got := len(info.PartialLinearizations()[0][0]); got != len(ops) {
		t.Fatalf("linearization has %d operations, want %d", got, len(ops))
	}
	t.Logf("100k single-client operations checked in %v", took)
	if took > 2*time.Second {
		t.Fatalf("took %v; a linear search takes well under 0.5 s", took)
	}
}
