package linearizability

import (
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// CheckOperations reports whether history is linearizable with respect to
// m. It panics with a *HistoryError if the history is malformed (see
// CheckOperationsErr); it returns false if a model function panicked, as
// for any check without a verdict.
func CheckOperations(m Model, history []Operation) bool {
	return CheckOperationsTimeout(m, history, 0)
}

// CheckOperationsTimeout is CheckOperations with a time limit; 0 means
// none. It returns true only for a linearizable history: a check that runs
// out of time returns false, because no verdict is not a pass. Use
// CheckOperationsVerbose to tell a timeout (Unknown) from Illegal.
func CheckOperationsTimeout(m Model, history []Operation, timeout time.Duration) bool {
	res, _ := CheckOperationsVerbose(m, history, timeout)
	return res == Ok
}

// CheckOperationsVerbose checks history within timeout (0 means none) and
// returns the verdict, Ok, Illegal or Unknown (out of time), with the
// information Visualize needs to draw it. It panics with a *HistoryError if
// the history is malformed. A model function that panics gives Unknown,
// with the *ModelError in info.Err().
func CheckOperationsVerbose(m Model, history []Operation, timeout time.Duration) (CheckResult, LinearizationInfo) {
	res, info, err := CheckOperationsErr(m, history, timeout)
	return verboseResult(res, info, err)
}

// CheckOperationsErr is CheckOperationsVerbose that returns a malformed
// history or model as an error (a *HistoryError), and a panic in a model
// function as a *ModelError naming the function and the operation, instead
// of panicking. On error the result is Unknown.
//
// The timeout counts from the call: splitting the history into partitions
// and preparing the searches use it up too.
func CheckOperationsErr(m Model, history []Operation, timeout time.Duration) (CheckResult, LinearizationInfo, error) {
	return checkHistory(m, timeout, func() ([][]Operation, error) {
		if err := ValidateOperations(history); err != nil {
			return nil, err
		}
		return partitionOperations(m, history)
	})
}

// checkHistory is the check both kinds of history share: it validates m,
// has partition validate the history and split it into the operations of
// each partition, and searches every partition for a linearization, all
// within timeout, counted from the call.
func checkHistory(m Model, timeout time.Duration, partition func() ([][]Operation, error)) (CheckResult, LinearizationInfo, error) {
	deadline := deadlineAfter(timeout)
	if err := validateModel(m); err != nil {
		return Unknown, LinearizationInfo{}, err
	}
	parts, err := partition()
	if err != nil {
		return Unknown, errorInfo(err), err
	}
	return checkPartitions(m, parts, deadline)
}

// deadlineAfter returns when a check started now with timeout must stop;
// the zero time means never.
func deadlineAfter(timeout time.Duration) time.Time {
	if timeout <= 0 {
		return time.Time{}
	}
	return time.Now().Add(timeout)
}

// verboseResult is what the Verbose forms return for a check's outcome:
// they panic with a malformed history or model, and report a model that
// panicked through info.Err().
func verboseResult(res CheckResult, info LinearizationInfo, err error) (CheckResult, LinearizationInfo) {
	if _, panicked := err.(*ModelError); err != nil && !panicked {
		panic(err)
	}
	return res, info
}

// errorInfo is the LinearizationInfo returned with err: for a model that
// panicked, one that Verbose callers can ask Err(); otherwise the zero
// value, as for any malformed input.
func errorInfo(err error) LinearizationInfo {
	if me, ok := err.(*ModelError); ok {
		return LinearizationInfo{result: Unknown, err: me}
	}
	return LinearizationInfo{}
}

// partitionOperations splits history with m.Partition, if any, and checks
// that every operation landed in exactly one partition.
func partitionOperations(m Model, history []Operation) ([][]Operation, error) {
	if m.Partition == nil {
		return [][]Operation{history}, nil
	}
	parts, err := callPartition(m, history)
	if err == nil {
		err = checkPartitionedOps(history, parts)
	}
	if err != nil {
		return nil, err
	}
	return parts, nil
}

// callPartition calls m.Partition, returning a panic as a *ModelError.
func callPartition(m Model, history []Operation) (parts [][]Operation, err error) {
	defer catchModelPanic("Partition", &err)
	return m.Partition(history), nil
}

// callPartitionEvent calls m.PartitionEvent, returning a panic as a
// *ModelError.
func callPartitionEvent(m Model, history []Event) (parts [][]Event, err error) {
	defer catchModelPanic("PartitionEvent", &err)
	return m.PartitionEvent(history), nil
}

// CheckEvents reports whether the event history is linearizable with
// respect to m. It panics with a *HistoryError if the history is malformed
// (see CheckEventsErr).
func CheckEvents(m Model, history []Event) bool {
	return CheckEventsTimeout(m, history, 0)
}

// CheckEventsTimeout is CheckEvents with a time limit; 0 means none. Like
// CheckOperationsTimeout it returns true only for a linearizable history.
func CheckEventsTimeout(m Model, history []Event, timeout time.Duration) bool {
	res, _ := CheckEventsVerbose(m, history, timeout)
	return res == Ok
}

// CheckEventsVerbose is CheckOperationsVerbose for an event history.
func CheckEventsVerbose(m Model, history []Event, timeout time.Duration) (CheckResult, LinearizationInfo) {
	res, info, err := CheckEventsErr(m, history, timeout)
	return verboseResult(res, info, err)
}

// CheckEventsErr is CheckOperationsErr for an event history. Event
// positions serve as times; a call without a return is an operation that
// never returned.
func CheckEventsErr(m Model, history []Event, timeout time.Duration) (CheckResult, LinearizationInfo, error) {
	return checkHistory(m, timeout, func() ([][]Operation, error) {
		all, err := eventsToOperations(history)
		if err != nil {
			return nil, err
		}
		if m.PartitionEvent != nil {
			return partitionEvents(m, history, all)
		}
		return partitionOperations(m, all)
	})
}

// partitionEvents splits an event history with m.PartitionEvent and
// returns the partitions as operations. all is the whole history as
// operations (in order of their calls), so the operations keep the times
// (event positions) of the whole history. Every event must land in exactly
// one partition, with the call and return of an operation together.
func partitionEvents(m Model, history []Event, all []Operation) ([][]Operation, error) {
	opOfId := make(map[uint]int, len(all))
	calls := 0
	for _, e := range history {
		if e.Kind == CallEvent {
			opOfId[e.Id] = calls
			calls++
		}
	}
	eventParts, err := callPartitionEvent(m, history)
	if err != nil {
		return nil, err
	}
	placed := eventPlacement{opOfId: opOfId, partOf: make([]int, len(all)), returns: make([]bool, len(all)), all: all}
	for i := range placed.partOf {
		placed.partOf[i] = -1
	}
	parts := make([][]Operation, len(eventParts))
	for p, events := range eventParts {
		for _, e := range events {
			op, err := placed.place(e, p)
			if err != nil {
				return nil, err
			}
			if op >= 0 {
				parts[p] = append(parts[p], all[op])
			}
		}
	}
	return parts, placed.complete()
}

// eventPlacement checks, event by event, that a PartitionEvent result puts
// every event of the history in exactly one partition, an operation's
// return with its call.
type eventPlacement struct {
	opOfId  map[uint]int
	partOf  []int  // operation -> partition of its call, or -1
	returns []bool // operation -> its return was placed
	all     []Operation
}

// place records event e in partition p and returns the operation whose
// call it is, or -1 for a return.
func (ep *eventPlacement) place(e Event, p int) (int, error) {
	op, known := ep.opOfId[e.Id]
	misplaced := func(what string) error {
		return &HistoryError{-1, fmt.Sprintf("model PartitionEvent misplaced the events of the operation with id %d (partition %d): %s",
			e.Id, p, what)}
	}
	switch {
	case !known:
		return -1, misplaced("no call with that id in the history")
	case e.Kind == CallEvent && ep.partOf[op] >= 0:
		return -1, misplaced("its call is in two places")
	case e.Kind == CallEvent:
		ep.partOf[op] = p
		return op, nil
	case ep.partOf[op] != p:
		return -1, misplaced("its return is not with its call")
	case ep.returns[op] || ep.all[op].Return == NeverReturned:
		return -1, misplaced("a return it does not have in the history")
	}
	ep.returns[op] = true
	return -1, nil
}

// complete returns an error unless every event was placed.
func (ep *eventPlacement) complete() error {
	for op, p := range ep.partOf {
		if p < 0 || ep.returns[op] != (ep.all[op].Return != NeverReturned) {
			return &HistoryError{-1, fmt.Sprintf("model PartitionEvent lost an event of the operation with call event %d (client %d)",
				ep.all[op].Call, ep.all[op].ClientId)}
		}
	}
	return nil
}

// countOps returns the number of operations in all partitions.
func countOps(parts [][]Operation) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}

// checkPartitions checks each partition in its own goroutine (a history is
// linearizable exactly when each partition is: Herlihy & Wing's locality,
// generalised by Horn & Kroening's P-compositionality). The first Illegal
// partition, the deadline (zero: none) or a model that panics cancels the
// searches still running. Every partition gets a goroutine rather than a
// slot in a pool of GOMAXPROCS workers, so that a small Illegal partition
// is found early even when it comes after large legal ones. A panic in
// the model comes back as a *ModelError, the first partition's that has
// one; any other panic is carried back to the caller's goroutine.
func checkPartitions(m Model, parts [][]Operation, deadline time.Time) (CheckResult, LinearizationInfo, error) {
	var cancel atomic.Bool
	if !deadline.IsZero() {
		timer := time.AfterFunc(time.Until(deadline), func() { cancel.Store(true) })
		defer timer.Stop()
	}
	info := LinearizationInfo{partitions: make([]partitionInfo, len(parts))}
	failures := make([]interface{}, len(parts))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			info.partitions[p], failures[p] = checkPartition(m, p, parts[p], &cancel)
		}(p)
	}
	wg.Wait()
	for _, f := range failures {
		if me, ok := f.(*ModelError); ok {
			info.result, info.err = Unknown, me
			return Unknown, info, me
		}
		if f != nil {
			panic(f)
		}
	}
	info.result = overallResult(info)
	return info.result, info, nil
}

// checkPartition searches partition p. Besides what it found, it returns
// what stopped it, if anything: a *ModelError when a model function
// panicked, or for a panic of the checker itself a message to re-raise.
func checkPartition(m Model, p int, part []Operation, cancel *atomic.Bool) (found partitionInfo, failure interface{}) {
	ops := part
	if !m.KeepUnreturnedOutput {
		ops = withUnreturnedOutputs(part)
	}
	s := newSearcher(m, ops, cancel)
	defer func() {
		if r := recover(); r != nil {
			cancel.Store(true)
			found, failure = partitionInfo{history: ops, result: Unknown}, s.describePanic(p, r)
		}
	}()
	s.prepare(m, ops)
	res := s.run()
	if res == Illegal {
		cancel.Store(true)
	}
	return partitionInfo{history: ops, result: res, longest: [][]int{s.longest}}, nil
}

// describePanic turns a panic r of the search of partition p into a
// *ModelError when a model function was running, and otherwise into a
// message for the caller's goroutine (a bug of the checker).
func (s *searcher) describePanic(p int, r interface{}) interface{} {
	if s.calling == callNone {
		return fmt.Sprintf("linearizability: panic checking partition %d: %v\n%s", p, r, debug.Stack())
	}
	var op *Operation
	if s.atOp >= 0 {
		op = &s.ops[s.atOp]
	}
	return newModelError(s.calling.String(), r, p, int(s.atOp), op)
}

// overallResult combines the partitions' verdicts: one Illegal partition
// makes the history Illegal; otherwise one Unknown makes it Unknown.
func overallResult(info LinearizationInfo) CheckResult {
	res := Ok
	for _, p := range info.partitions {
		switch p.result {
		case Illegal:
			return Illegal
		case Unknown:
			res = Unknown
		}
	}
	return res
}

// withUnreturnedOutputs returns ops with the Output of every operation that
// never returned replaced by Unreturned{}, copying only if needed.
func withUnreturnedOutputs(ops []Operation) []Operation {
	out := ops
	copied := false
	for i, op := range ops {
		if op.Return != NeverReturned {
			continue
		}
		if _, ok := op.Output.(Unreturned); ok {
			continue
		}
		if !copied {
			out = append([]Operation(nil), ops...)
			copied = true
		}
		out[i].Output = Unreturned{}
	}
	return out
}
