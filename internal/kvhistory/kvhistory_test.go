package kvhistory

import (
	"testing"
	"time"

	"miniraftkv/linearizability"
)

// Tests of the tester's own history pruning (Model): it must keep
// every verdict of plain KvModel on the histories it prunes.

func kvOp(cli int, op uint8, key, value string, call, ret int64, out string) linearizability.Operation {
	return linearizability.Operation{ClientId: cli,
		Input: linearizability.KvInput{Op: op, Key: key, Value: value}, Call: call,
		Output: linearizability.KvOutput{Value: out}, Return: ret}
}

func TestHistoryModelBlindAppends(t *testing.T) {
	const A, P, G = linearizability.KvAppend, linearizability.KvPut, linearizability.KvGet
	cases := []struct {
		name   string
		ops    []linearizability.Operation
		pruned bool
		want   linearizability.CheckResult
	}{
		{"concurrent appends, final order legal", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 10, ""),
			kvOp(2, A, "k", "b", 3, 9, ""),
			kvOp(0, G, "k", "", 11, 12, "ba"),
		}, true, linearizability.Ok},
		{"real-time order violated", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(2, A, "k", "b", 4, 5, ""),
			kvOp(0, G, "k", "", 11, 12, "ba"),
		}, true, linearizability.Illegal},
		{"append applied twice", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(0, G, "k", "", 11, 12, "aa"),
		}, true, linearizability.Illegal},
		{"append lost", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, 3, ""),
			kvOp(2, A, "k", "b", 2, 3, ""),
			kvOp(0, G, "k", "", 11, 12, "b"),
		}, true, linearizability.Illegal},
		{"put after append: not pruned", []linearizability.Operation{
			kvOp(1, A, "k", "a", 0, 1, ""),
			kvOp(2, P, "k", "x", 2, 3, ""),
			kvOp(1, A, "k", "b", 4, 5, ""),
			kvOp(0, G, "k", "", 11, 12, "xb"),
		}, false, linearizability.Ok},
		{"unreturned append: not pruned", []linearizability.Operation{
			kvOp(0, P, "k", "", 0, 1, ""),
			kvOp(1, A, "k", "a", 2, linearizability.NeverReturned, ""),
			kvOp(0, G, "k", "", 11, 12, ""),
		}, false, linearizability.Ok},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, pruned := blindAppendKeys(c.ops)["k"]
			if pruned != c.pruned {
				t.Fatalf("key pruned = %v, want %v", pruned, c.pruned)
			}
			got, _ := linearizability.CheckOperationsVerbose(Model(c.ops), c.ops, time.Second)
			plain, _ := linearizability.CheckOperationsVerbose(linearizability.KvModel(), c.ops, time.Second)
			if got != c.want || plain != c.want {
				t.Fatalf("Model says %v, KvModel says %v, want %v", got, plain, c.want)
			}
		})
	}
}

// TestOpLogSharesPrefixes: Get outputs of an append-only key are stored as
// prefixes of one string, and read back exactly.
func TestOpLogSharesPrefixes(t *testing.T) {
	l := NewLog()
	values := []string{"", "a", "ab", "a", "abc", "x", "xy"}
	for _, v := range values {
		id := l.Call(0, linearizability.KvInput{Op: linearizability.KvGet, Key: "k"})
		l.Return(id, v)
	}
	id := l.Call(1, linearizability.KvInput{Op: linearizability.KvAppend, Key: "k", Value: "z"})
	ops := l.Read()
	for i, v := range values {
		if got := ops[i].Output.(linearizability.KvOutput).Value; got != v {
			t.Fatalf("op %d: output %q, want %q", i, got, v)
		}
	}
	if ops[id].Return != linearizability.NeverReturned {
		t.Fatalf("unfinished op has Return %d, want NeverReturned", ops[id].Return)
	}
}
