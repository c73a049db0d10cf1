package linearizability

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// panicOn returns a KV model whose function fn panics; for Step, Equal,
// Hash and ReadOnly only on the operation (or state) that puts "boom".
func panicOn(fn string) Model {
	m := KvModel()
	step, equal, hash, readOnly := m.Step, m.Equal, m.Hash, m.ReadOnly
	switch fn {
	case "Init":
		m.Init = func() interface{} { panic("Init exploded") }
	case "Step":
		m.Step = func(state, input, output interface{}) (bool, interface{}) {
			if input.(KvInput).Value == "boom" {
				panic("Step exploded")
			}
			return step(state, input, output)
		}
	case "Equal":
		m.Equal = func(a, b interface{}) bool {
			if b == "boom" {
				panic("Equal exploded")
			}
			return equal(a, b)
		}
	case "Hash":
		m.Hash = func(s interface{}) uint64 {
			if s == "boom" {
				panic("Hash exploded")
			}
			return hash(s)
		}
	case "ReadOnly":
		m.ReadOnly = func(input, output interface{}) bool {
			if input.(KvInput).Key == "b" {
				panic("ReadOnly exploded")
			}
			return readOnly(input, output)
		}
	case "Partition":
		m.Partition = func([]Operation) [][]Operation { panic("Partition exploded") }
		m.PartitionEvent = nil // so that the event forms use Partition too
	}
	return m
}

// panicHistory has a key "a" and a key "b" where client 7 puts "boom".
func panicHistory() []Operation {
	return []Operation{put(0, "a", "x", 0, 1), get(1, "b", "", 2, 3), put(7, "b", "boom", 4, 5), get(1, "a", "x", 6, 7)}
}

// expectModelError checks that err is a *ModelError of fn whose message
// says all of want.
func expectModelError(t *testing.T, err error, fn string, want ...string) *ModelError {
	t.Helper()
	var me *ModelError
	if !errors.As(err, &me) || me.Func != fn {
		t.Fatalf("got error %v, want a *ModelError from %s", err, fn)
	}
	for _, w := range append(want, fn+" exploded") {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("error %q does not say %q", err, w)
		}
	}
	return me
}

// TestModelPanicBecomesError checks every model function the checker
// calls: a panic becomes a *ModelError naming the function and the
// operation from the Err forms, Unknown with the error in info.Err() from
// the Verbose forms, and false from the bool forms; none of them crash.
func TestModelPanicBecomesError(t *testing.T) {
	boomOp := `operation 1 (client 7, input {1 b boom}`
	cases := []struct {
		fn   string
		want []string
	}{
		{"Init", nil},
		{"Step", []string{boomOp, "of partition 1"}},
		{"Equal", []string{boomOp, "of partition 1"}},
		{"Hash", []string{boomOp, "of partition 1"}},
		{"ReadOnly", []string{"operation 0 (client 1, input {0 b }", "of partition 1"}},
		{"Partition", nil},
	}
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			m, ops := panicOn(c.fn), panicHistory()
			res, _, err := CheckOperationsErr(m, ops, time.Second)
			expectModelError(t, err, c.fn, c.want...)
			if res != Unknown {
				t.Fatalf("got %s with the error, want Unknown", res)
			}
			res, info := CheckOperationsVerbose(m, ops, time.Second)
			if res != Unknown || info.Err() == nil {
				t.Fatalf("Verbose: got %s, info.Err() %v; want Unknown and the error", res, info.Err())
			}
			expectModelError(t, info.Err(), c.fn, c.want...)
			if err := Visualize(m, info, &bytes.Buffer{}); err != info.Err() {
				t.Fatalf("Visualize of a check without verdict returned %v, want the check's error", err)
			}
			if CheckOperations(m, ops) || CheckEvents(m, operationsToEvents(ops)) {
				t.Fatalf("a bool form returned true for a check without verdict")
			}
			_, _, err = CheckEventsErr(m, operationsToEvents(ops), time.Second)
			expectModelError(t, err, c.fn)
		})
	}
}

// TestReadOnlyLieIsAModelError checks that a ReadOnly that wrongly calls a
// put read-only is reported as the model's fault, naming the put.
func TestReadOnlyLieIsAModelError(t *testing.T) {
	m := KvModel()
	m.ReadOnly = func(interface{}, interface{}) bool { return true }
	_, _, err := CheckOperationsErr(m, []Operation{put(3, "k", "x", 0, 1)}, 0)
	var me *ModelError
	if !errors.As(err, &me) || me.Func != "ReadOnly" || !strings.Contains(err.Error(), "client 3, input {1 k x}") {
		t.Fatalf("got %v, want a *ModelError of ReadOnly naming the put", err)
	}
}

// TestPartitionEventPanicBecomesError covers the event form's own
// partition function.
func TestPartitionEventPanicBecomesError(t *testing.T) {
	m := KvModel()
	m.PartitionEvent = func([]Event) [][]Event { panic("PartitionEvent exploded") }
	_, _, err := CheckEventsErr(m, operationsToEvents(panicHistory()), 0)
	expectModelError(t, err, "PartitionEvent")
	if CheckEvents(m, operationsToEvents(panicHistory())) {
		t.Fatalf("CheckEvents returned true for a check without verdict")
	}
}

// TestDescribeHookPanicBecomesError checks that Visualize returns a
// *ModelError when a describe hook panics.
func TestDescribeHookPanicBecomesError(t *testing.T) {
	res, info := CheckOperationsVerbose(KvModel(), panicHistory(), 0)
	if res != Ok {
		t.Fatalf("got %s, want Ok", res)
	}
	hooks := map[string]func(*Model){
		"DescribeOperation": func(m *Model) {
			m.DescribeOperation = func(interface{}, interface{}) string { panic("DescribeOperation exploded") }
		},
		"DescribeState":     func(m *Model) { m.DescribeState = func(interface{}) string { panic("DescribeState exploded") } },
		"DescribePartition": func(m *Model) { m.DescribePartition = func([]Operation) string { panic("DescribePartition exploded") } },
	}
	for fn, set := range hooks {
		m := KvModel()
		set(&m)
		expectModelError(t, Visualize(m, info, &bytes.Buffer{}), fn)
	}
}

// illegalStaleRead is Illegal only because of its last operation, a read
// that misses a completed put.
func illegalStaleRead() []Operation {
	return []Operation{put(0, "k", "x", 0, 1), get(1, "k", "x", 2, 3), get(2, "k", "", 4, 5)}
}

// TestPartitionMustPlaceEveryOperationOnce checks that a Partition that
// drops one operation (the stale read that makes the history Illegal) and
// repeats another, keeping the count right, gets an error, not Ok.
func TestPartitionMustPlaceEveryOperationOnce(t *testing.T) {
	m := KvModel()
	m.Partition = func(h []Operation) [][]Operation { return [][]Operation{{h[0], h[1], h[1]}} }
	ops := illegalStaleRead()
	if res, _ := CheckOperationsVerbose(KvModel(), ops, 0); res != Illegal {
		t.Fatalf("the history itself: got %s, want Illegal", res)
	}
	res, _, err := CheckOperationsErr(m, ops, 0)
	expectHistoryError(t, err, "partition 0 entry 2 (client 1, input {0 k }, called at 2) is not an operation of the history, or is one placed twice")
	if res != Unknown {
		t.Fatalf("got verdict %s with the error", res)
	}
	expectPanic(t, "placed twice", func() { CheckOperations(m, ops) })
	m.Partition = func(h []Operation) [][]Operation {
		changed := h[2]
		changed.Output = KvOutput{Value: "x"} // the same operation, but now legal
		return [][]Operation{{h[0], h[1]}, {changed}}
	}
	_, _, err = CheckOperationsErr(m, ops, 0)
	expectHistoryError(t, err, "partition 1 entry 0 (client 2, input {0 k }, called at 4) is not an operation of the history")
}

// TestPartitionEventMustPlaceEveryEventOnce is the same for PartitionEvent:
// a dropped call with a repeated one, and a dropped return with a repeated
// one, are errors.
func TestPartitionEventMustPlaceEveryEventOnce(t *testing.T) {
	events := operationsToEvents(illegalStaleRead()) // call0 ret0 call1 ret1 call2 ret2
	cases := []struct {
		name, want string
		events     []Event
	}{
		{"call", "its call is in two places", []Event{events[0], events[1], events[2], events[3], events[0], events[5]}},
		{"return", "a return it does not have in the history", []Event{events[0], events[1], events[2], events[3], events[4], events[3]}},
		{"lost", "lost an event of the operation with call event 4", []Event{events[0], events[1], events[2], events[3], events[4]}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := KvModel()
			m.PartitionEvent = func([]Event) [][]Event { return [][]Event{c.events} }
			res, _, err := CheckEventsErr(m, events, 0)
			expectHistoryError(t, err, c.want)
			if res != Unknown {
				t.Fatalf("got verdict %s with the error", res)
			}
		})
	}
}
