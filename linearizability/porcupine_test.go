package linearizability

import (
	"errors"
	"strings"
	"testing"
)

// A compare-and-set register model written the way Porcupine models are:
// its own input and output types, an "unknown" flag in the output for an
// operation whose outcome was never seen, and a Step that type-asserts
// the output. Given Unreturned{} it panics; with KeepUnreturnedOutput it
// sees the output recorded in the history and works unchanged.

const pcNil = -1 // the register's state before any write

type pcInput struct {
	op         int // 0 read, 1 write, 2 cas
	arg1, arg2 int // write: arg1; cas: from arg1 to arg2
}

type pcOutput struct {
	ok      bool // cas succeeded
	exists  bool // read saw a value
	value   int  // the value read
	unknown bool // the operation timed out: any outcome
}

func pcStep(state, input, output interface{}) (bool, interface{}) {
	st, in, out := state.(int), input.(pcInput), output.(pcOutput)
	switch in.op {
	case 0:
		return out.unknown || out.exists == (st != pcNil) && (!out.exists || out.value == st), st
	case 1:
		return true, in.arg1
	}
	switch {
	case out.unknown && st == in.arg1, out.ok:
		return st == in.arg1, in.arg2
	case out.unknown:
		return true, st
	}
	return st != in.arg1, st
}

func pcRegisterModel() Model {
	return Model{Init: func() interface{} { return pcNil }, Step: pcStep, KeepUnreturnedOutput: true}
}

// toPorcupineStyle converts RegisterModel operations to pcRegisterModel's,
// recording an unreturned operation's output as unknown, as a Porcupine
// user does.
func toPorcupineStyle(ops []Operation) []Operation {
	out := make([]Operation, len(ops))
	for i, op := range ops {
		in := op.Input.(RegisterInput)
		pc := Operation{ClientId: op.ClientId, Input: pcInput{int(in.Kind), in.Value, 0}, Call: op.Call, Return: op.Return}
		if in.Kind == RegisterCas {
			pc.Input = pcInput{2, in.Expected, in.Value}
		}
		if op.Return == NeverReturned {
			pc.Output = pcOutput{unknown: true}
		} else {
			o := op.Output.(RegisterOutput)
			pc.Output = pcOutput{ok: o.Ok, exists: !o.Nil, value: o.Value}
		}
		out[i] = pc
	}
	return out
}

// TestPorcupineStyleModelOnJepsen checks the etcd histories with the
// Porcupine-style model: the verdicts must be the manifest's, and without
// KeepUnreturnedOutput the model's panic must come back as an error.
func TestPorcupineStyleModelOnJepsen(t *testing.T) {
	dir := historiesDir(t)
	checked := 0
	for _, e := range readManifest(t, dir) {
		if !strings.HasPrefix(e.file, "jepsen/") {
			continue
		}
		_, ops := loadHistory(t, dir, e.file)
		res, _, err := CheckOperationsErr(pcRegisterModel(), toPorcupineStyle(ops), historyTimeout)
		if err != nil || (res == Ok) != e.linearizable || res == Unknown {
			t.Errorf("%s: got %s (error %v), manifest says linearizable=%v", e.file, res, err, e.linearizable)
		}
		checked++
	}
	t.Logf("%d etcd histories checked with a Porcupine-style model", checked)
	m := pcRegisterModel()
	m.KeepUnreturnedOutput = false
	_, ops := loadHistory(t, dir, "jepsen/etcd_000.log")
	_, _, err := CheckOperationsErr(m, toPorcupineStyle(ops), historyTimeout)
	var me *ModelError
	if !errors.As(err, &me) || me.Func != "Step" || !strings.Contains(err.Error(), "Unreturned") {
		t.Fatalf("without KeepUnreturnedOutput: got error %v, want the Step panic on Unreturned{} as a *ModelError", err)
	}
}

// TestKeepUnreturnedOutput checks the option on small histories (no shared
// data needed): the unreturned write may happen or not, and is not
// counted twice.
func TestKeepUnreturnedOutput(t *testing.T) {
	write := func(client, v int, call, ret int64, out pcOutput) Operation {
		return Operation{client, pcInput{op: 1, arg1: v}, call, out, ret}
	}
	read := func(client, v int, call, ret int64) Operation {
		return Operation{client, pcInput{op: 0}, call, pcOutput{exists: v != pcNil, value: v}, ret}
	}
	unknown := pcOutput{unknown: true}
	cases := []struct {
		name string
		ops  []Operation
		want CheckResult
	}{
		{"unreturned write not seen", []Operation{write(0, 1, 0, NeverReturned, unknown), read(1, pcNil, 1, 2)}, Ok},
		{"unreturned write seen late", []Operation{write(0, 1, 0, NeverReturned, unknown), read(1, pcNil, 1, 2), read(1, 1, 3, 4)}, Ok},
		{"unreturned write seen, then lost", []Operation{write(0, 1, 0, NeverReturned, unknown), read(1, 1, 1, 2), read(1, pcNil, 3, 4)}, Illegal},
		{"two unreturned writes", []Operation{write(0, 1, 0, NeverReturned, unknown), write(2, 1, 0, NeverReturned, unknown),
			read(1, 1, 1, 2), write(3, 2, 3, 4, pcOutput{}), read(1, 1, 5, 6)}, Ok},
	}
	for _, c := range cases {
		res, _, err := CheckOperationsErr(pcRegisterModel(), c.ops, 0)
		if res != c.want || err != nil {
			t.Errorf("%s: got %s (error %v), want %s", c.name, res, err, c.want)
		}
	}
}
