package linearizability

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Helpers that build KV operations compactly.
func get(client int, key, value string, call, ret int64) Operation {
	return Operation{client, KvInput{Op: KvGet, Key: key}, call, KvOutput{Value: value}, ret}
}

func put(client int, key, value string, call, ret int64) Operation {
	return Operation{client, KvInput{Op: KvPut, Key: key, Value: value}, call, KvOutput{}, ret}
}

func appendOp(client int, key, value string, call, ret int64) Operation {
	return Operation{client, KvInput{Op: KvAppend, Key: key, Value: value}, call, KvOutput{}, ret}
}

// TestSmallHistories states the verdict of small hand-made histories, each
// about one rule.
func TestSmallHistories(t *testing.T) {
	never := NeverReturned
	cases := []struct {
		name string
		ops  []Operation
		want CheckResult
	}{
		{"empty history", nil, Ok},
		{"read of initial value", []Operation{get(0, "k", "", 0, 1)}, Ok},
		{"read of a value never written", []Operation{get(0, "k", "x", 0, 1)}, Illegal},
		{"stale read after a completed put", []Operation{put(0, "k", "x", 0, 1), get(1, "k", "", 2, 3)}, Illegal},
		{"concurrent put may be seen or not", []Operation{put(0, "k", "x", 0, 10), get(1, "k", "", 1, 2), get(1, "k", "x", 3, 4)}, Ok},
		{"reads may not go back in time", []Operation{put(0, "k", "x", 0, 10), get(1, "k", "x", 1, 2), get(1, "k", "", 3, 4)}, Illegal},
		{"equal times are concurrent", []Operation{put(0, "k", "x", 0, 5), get(1, "k", "", 5, 6)}, Ok},
		{"appends in either order", []Operation{appendOp(0, "k", "x", 0, 5), appendOp(1, "k", "y", 0, 5), get(2, "k", "yx", 6, 7)}, Ok},
		{"appends in real-time order", []Operation{appendOp(0, "k", "x", 0, 1), appendOp(1, "k", "y", 2, 3), get(2, "k", "yx", 4, 5)}, Illegal},
		{"keys are independent", []Operation{put(0, "a", "x", 0, 1), get(1, "b", "", 2, 3), get(1, "a", "x", 4, 5)}, Ok},
		{"one bad key makes it Illegal", []Operation{put(0, "a", "x", 0, 1), get(1, "b", "y", 2, 3), get(1, "a", "x", 4, 5)}, Illegal},
		{"unreturned put may never happen", []Operation{put(0, "k", "x", 0, never), get(1, "k", "", 5, 6)}, Ok},
		{"unreturned put may happen late", []Operation{put(0, "k", "x", 0, never), get(1, "k", "", 5, 6), get(1, "k", "x", 7, 8)}, Ok},
		{"unreturned put happens at most once", []Operation{put(0, "k", "x", 0, never), get(1, "k", "x", 5, 6), put(2, "k", "y", 7, 8), get(1, "k", "x", 9, 10)}, Illegal},
		{"unreturned put not before its call", []Operation{get(1, "k", "x", 0, 1), put(0, "k", "x", 2, never)}, Illegal},
		{"unreturned get is harmless", []Operation{get(0, "k", "zzz", 0, never), get(1, "k", "", 1, 2)}, Ok},
		{"identical unreturned appends can both happen", []Operation{
			appendOp(0, "k", "x", 0, never), get(1, "k", "x", 1, 1), appendOp(2, "k", "x", 2, never), get(1, "k", "xx", 3, 3)}, Ok},
		{"identical unreturned appends happen once each", []Operation{
			appendOp(0, "k", "x", 0, never), appendOp(2, "k", "x", 2, never), get(1, "k", "xxx", 3, 3)}, Illegal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, _ := CheckOperationsVerbose(KvModel(), c.ops, 0)
			if res != c.want {
				t.Fatalf("got %s, want %s:%s", res, c.want, describeHistory(c.ops))
			}
			if got := bruteForce(kvNoPartitionModel(c.ops), c.ops); got != (c.want == Ok) {
				t.Fatalf("the brute-force checker disagrees with the table: %v", got)
			}
		})
	}
}

// TestMalformedHistories checks that malformed input gives a clear error
// from the Err forms, a panic with that error from the others, and never
// a verdict.
func TestMalformedHistories(t *testing.T) {
	opCases := []struct {
		name, want string
		ops        []Operation
	}{
		{"return before call", "before its call", []Operation{put(0, "k", "x", 5, 4)}},
		{"call at NeverReturned", "call time is NeverReturned", []Operation{put(0, "k", "x", NeverReturned, NeverReturned)}},
	}
	for _, c := range opCases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := CheckOperationsErr(KvModel(), c.ops, 0)
			expectHistoryError(t, err, c.want)
			expectHistoryError(t, ValidateOperations(c.ops), c.want)
			expectPanic(t, c.want, func() { CheckOperations(KvModel(), c.ops) })
		})
	}
	call := func(id uint) Event { return Event{0, CallEvent, KvInput{Op: KvGet, Key: "k"}, id} }
	ret := func(id uint) Event { return Event{0, ReturnEvent, KvOutput{}, id} }
	eventCases := []struct {
		name, want string
		events     []Event
	}{
		{"duplicate id", "a second call with id 1", []Event{call(1), ret(1), call(1), ret(1)}},
		{"unmatched return", "return with id 2 has no earlier call", []Event{call(1), ret(2)}},
		{"return before call", "return with id 1 has no earlier call", []Event{ret(1), call(1)}},
		{"two returns", "a second return for id 1", []Event{call(1), ret(1), ret(1)}},
	}
	for _, c := range eventCases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := CheckEventsErr(KvModel(), c.events, 0)
			expectHistoryError(t, err, c.want)
			expectHistoryError(t, ValidateEvents(c.events), c.want)
			expectPanic(t, c.want, func() { CheckEvents(KvModel(), c.events) })
			expectPanic(t, c.want, func() { CheckEventsVerbose(KvModel(), c.events, time.Second) })
		})
	}
	t.Run("model without Step", func(t *testing.T) {
		_, _, err := CheckOperationsErr(Model{Init: func() interface{} { return nil }}, nil, 0)
		expectHistoryError(t, err, "no Step")
	})
	t.Run("event partition that separates a call from its return", func(t *testing.T) {
		m := KvModel()
		m.PartitionEvent = func(h []Event) [][]Event { return [][]Event{h[:1], h[1:]} }
		_, _, err := CheckEventsErr(m, []Event{call(1), ret(1)}, 0)
		expectHistoryError(t, err, "PartitionEvent misplaced the events of the operation with id 1")
	})
	t.Run("partition that loses operations", func(t *testing.T) {
		m := KvModel()
		m.Partition = func(h []Operation) [][]Operation { return [][]Operation{h[:1]} }
		_, _, err := CheckOperationsErr(m, []Operation{put(0, "a", "x", 0, 1), put(0, "b", "x", 2, 3)}, 0)
		expectHistoryError(t, err, "Partition returned 1 entries for a history of 2")
	})
}

func expectHistoryError(t *testing.T, err error, want string) {
	t.Helper()
	var he *HistoryError
	if !errors.As(err, &he) {
		t.Fatalf("got error %v, want a *HistoryError", err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not say %q", err, want)
	}
}

func expectPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		err, ok := r.(error)
		if !ok {
			t.Fatalf("got panic %v, want a panic with a *HistoryError", r)
		}
		expectHistoryError(t, err, want)
	}()
	f()
}

// hardIllegalHistory returns n concurrent appends followed by a get no
// order of them explains: the search must try every order of every subset
// before it can say Illegal, far more than any test can wait for.
func hardIllegalHistory(key string, n int) []Operation {
	var ops []Operation
	for i := 0; i < n; i++ {
		ops = append(ops, appendOp(i, key, fmt.Sprintf("<%d>", i), 0, 100))
	}
	return append(ops, get(n, key, "impossible", 101, 102))
}

// TestTimeoutGivesUnknown checks that a search cut short by its timeout
// says Unknown (never Ok), that the bool form says false, and that the
// timeout reaches a search that is deep in its work.
func TestTimeoutGivesUnknown(t *testing.T) {
	ops := hardIllegalHistory("k", 24)
	start := time.Now()
	res, info := CheckOperationsVerbose(KvModel(), ops, 100*time.Millisecond)
	if res != Unknown {
		t.Fatalf("got %s, want Unknown", res)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("a 100ms timeout took %v to stop the search", took)
	}
	if info.PartitionResult(0) != Unknown || len(info.PartialLinearizations()[0][0]) == 0 {
		t.Fatalf("want the partial linearization found before the timeout, got %v", info.PartialLinearizations())
	}
	if CheckOperationsTimeout(KvModel(), ops, 50*time.Millisecond) {
		t.Fatalf("CheckOperationsTimeout returned true for a check that timed out")
	}
	if CheckEventsTimeout(KvModel(), operationsToEvents(ops), 50*time.Millisecond) {
		t.Fatalf("CheckEventsTimeout returned true for a check that timed out")
	}
}

// TestIllegalPartitionCancelsOthers checks that one easy Illegal partition
// ends the check while another partition's search could run for ages.
func TestIllegalPartitionCancelsOthers(t *testing.T) {
	ops := append(hardIllegalHistory("slow", 24), get(0, "fast", "never written", 0, 1))
	start := time.Now()
	res, info := CheckOperationsVerbose(KvModel(), ops, 0)
	if res != Illegal {
		t.Fatalf("got %s, want Illegal", res)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %v: the Illegal partition did not cancel the other", took)
	}
	results := []CheckResult{info.PartitionResult(0), info.PartitionResult(1)}
	if results[0] != Unknown || results[1] != Illegal {
		t.Fatalf("partition results %v, want [Unknown Illegal]", results)
	}
}

// TestLinearizationInfo checks the explanation returned with a verdict: a
// complete linearization for Ok, the longest prefix for Illegal.
func TestLinearizationInfo(t *testing.T) {
	ops := []Operation{put(0, "k", "x", 0, 10), get(1, "k", "", 1, 2), get(1, "k", "x", 3, 4)}
	res, info := CheckOperationsVerbose(KvModel(), ops, 0)
	if res != Ok || info.NumPartitions() != 1 {
		t.Fatalf("got %s with %d partitions", res, info.NumPartitions())
	}
	if got := fmt.Sprint(info.PartialLinearizations()[0][0]); got != "[1 0 2]" {
		t.Fatalf("linearization %s, want [1 0 2]", got)
	}
	bad := []Operation{put(0, "k", "x", 0, 1), get(1, "k", "x", 2, 3), get(1, "k", "y", 4, 5)}
	res, info = CheckOperationsVerbose(KvModel(), bad, 0)
	if res != Illegal {
		t.Fatalf("got %s, want Illegal", res)
	}
	if got := fmt.Sprint(info.PartialLinearizations()[0][0]); got != "[0 1]" {
		t.Fatalf("longest partial linearization %s, want [0 1]", got)
	}
}

// TestUncomparableInputs checks a model whose inputs cannot be compared
// with ==: unreturned operations with such inputs must not panic the
// search's twin detection.
func TestUncomparableInputs(t *testing.T) {
	// A counter; the input is the list of amounts to add.
	m := Model{
		Init: func() interface{} { return 0 },
		Step: func(state, input, output interface{}) (bool, interface{}) {
			sum := state.(int)
			for _, v := range input.([]int) {
				sum += v
			}
			if out, ok := output.(int); ok {
				return out == sum, sum
			}
			return true, sum
		},
	}
	ops := []Operation{
		{0, []int{1}, 0, nil, NeverReturned},
		{1, []int{1}, 1, nil, NeverReturned},
		{2, []int{0}, 2, 2, 3},
	}
	if !CheckOperations(m, ops) {
		t.Fatalf("both unreturned increments may have happened")
	}
	ops[2].Output = 3
	if CheckOperations(m, ops) {
		t.Fatalf("only two increments exist")
	}
}
