package linearizability

import "fmt"

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

// checkPartitionCount makes sure a model's Partition function neither lost
// nor invented operations: either would make the verdict meaningless.
func checkPartitionCount(parts int, want int) error {
	if parts != want {
		return &HistoryError{-1, fmt.Sprintf("model Partition returned %d entries for a history of %d", parts, want)}
	}
	return nil
}
