package linearizability

import (
	"fmt"
	"reflect"
)

// HistoryError reports a malformed history or model. The checker refuses
// such input rather than give a verdict about something that is not a
// history: CheckOperationsErr and CheckEventsErr return it, and the other
// Check functions panic with it.
type HistoryError struct {
	Index  int // index into the history (or partition) of the offending entry; -1 if none
	Reason string
}

// Error implements error.
func (e *HistoryError) Error() string {
	if e.Index < 0 {
		return "linearizability: " + e.Reason
	}
	return fmt.Sprintf("linearizability: malformed history: entry %d: %s", e.Index, e.Reason)
}

// ValidateOperations returns a *HistoryError if history is malformed: an
// operation that returns before its call, or a call at NeverReturned.
func ValidateOperations(history []Operation) error {
	for i, op := range history {
		if op.Call == NeverReturned {
			return &HistoryError{i, fmt.Sprintf("client %d: call time is NeverReturned", op.ClientId)}
		}
		if op.Return < op.Call {
			return &HistoryError{i, fmt.Sprintf("client %d: returns at %d, before its call at %d",
				op.ClientId, op.Return, op.Call)}
		}
	}
	return nil
}

// ValidateEvents returns a *HistoryError if history is malformed: two calls
// with the same Id, a return with no earlier call of its Id, or a second
// return for one call. A call with no return is not an error: it is an
// operation that never returned.
func ValidateEvents(history []Event) error {
	_, err := eventsToOperations(history)
	return err
}

// validateModel checks that m has what the checker needs.
func validateModel(m Model) error {
	if m.Init == nil {
		return &HistoryError{-1, "model has no Init function"}
	}
	if m.Step == nil {
		return &HistoryError{-1, "model has no Step function"}
	}
	return nil
}

// eventsToOperations turns an event history into operations whose times are
// the positions of the events. Calls without a return get NeverReturned.
func eventsToOperations(history []Event) ([]Operation, error) {
	type open struct {
		op       int // index into ops
		returned bool
	}
	byId := make(map[uint]*open, len(history)/2+1)
	ops := make([]Operation, 0, len(history)/2+1)
	for i, e := range history {
		o := byId[e.Id]
		if e.Kind == CallEvent {
			if o != nil {
				return nil, &HistoryError{i, fmt.Sprintf("client %d: a second call with id %d", e.ClientId, e.Id)}
			}
			byId[e.Id] = &open{op: len(ops)}
			ops = append(ops, Operation{ClientId: e.ClientId, Input: e.Value, Call: int64(i), Return: NeverReturned})
			continue
		}
		switch {
		case o == nil:
			return nil, &HistoryError{i, fmt.Sprintf("client %d: return with id %d has no earlier call", e.ClientId, e.Id)}
		case o.returned:
			return nil, &HistoryError{i, fmt.Sprintf("client %d: a second return for id %d", e.ClientId, e.Id)}
		}
		o.returned = true
		ops[o.op].Output = e.Value
		ops[o.op].Return = int64(i)
	}
	return ops, nil
}

// checkPartitionedOps makes sure a model's Partition function put every
// operation of history in exactly one partition: one that loses an
// operation and repeats another keeps the count right but makes any
// verdict meaningless. Operations are matched by client, call and return
// time, then by input and output.
func checkPartitionedOps(history []Operation, parts [][]Operation) error {
	if n := countOps(parts); n != len(history) {
		return &HistoryError{-1, fmt.Sprintf("model Partition returned %d entries for a history of %d", n, len(history))}
	}
	type opKey struct {
		client    int
		call, ret int64
	}
	first := make(map[opKey]int, len(history)) // the first operation with a key
	sameKey := make([]int, len(history))       // the next one with the same key, or -1
	for i := len(history) - 1; i >= 0; i-- {
		k := opKey{history[i].ClientId, history[i].Call, history[i].Return}
		sameKey[i] = -1
		if j, ok := first[k]; ok {
			sameKey[i] = j
		}
		first[k] = i
	}
	used := make([]bool, len(history))
	for p, part := range parts {
		for j, op := range part {
			i, ok := first[opKey{op.ClientId, op.Call, op.Return}]
			for ok && i >= 0 && (used[i] || !sameOperation(history[i], op)) {
				i = sameKey[i]
			}
			if !ok || i < 0 {
				return partitionError(p, j, op)
			}
			used[i] = true
		}
	}
	return nil
}

// partitionError describes entry j of partition p, which matched no
// operation of the history not already placed.
func partitionError(p, j int, op Operation) error {
	return &HistoryError{-1, fmt.Sprintf("model Partition: partition %d entry %d (client %d, input %v, called at %d) "+
		"is not an operation of the history, or is one placed twice (another is then missing)", p, j, op.ClientId, op.Input, op.Call)}
}

// sameOperation reports whether a and b have equal inputs and outputs
// (their times and clients are already known to be equal).
func sameOperation(a, b Operation) bool {
	return sameValue(a.Input, b.Input) && sameValue(a.Output, b.Output)
}

// sameValue compares with ==, and deeply when == panics (values of a type
// that is not comparable). It is called for every operation, so it does not
// ask reflect first: that allocates.
func sameValue(a, b interface{}) (same bool) {
	defer func() {
		if recover() != nil {
			same = reflect.DeepEqual(a, b)
		}
	}()
	return a == b
}
