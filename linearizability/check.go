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
// CheckOperationsErr).
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
// the history is malformed.
func CheckOperationsVerbose(m Model, history []Operation, timeout time.Duration) (CheckResult, LinearizationInfo) {
	res, info, err := CheckOperationsErr(m, history, timeout)
	if err != nil {
		panic(err)
	}
	return res, info
}

// CheckOperationsErr is CheckOperationsVerbose that returns a malformed
// history or model as an error (a *HistoryError) instead of panicking. On
// error the result is Unknown.
func CheckOperationsErr(m Model, history []Operation, timeout time.Duration) (CheckResult, LinearizationInfo, error) {
	if err := validateModel(m); err != nil {
		return Unknown, LinearizationInfo{}, err
	}
	if err := ValidateOperations(history); err != nil {
		return Unknown, LinearizationInfo{}, err
	}
	parts := [][]Operation{history}
	if m.Partition != nil {
		parts = m.Partition(history)
		if err := checkPartitionCount(countOps(parts), len(history)); err != nil {
			return Unknown, LinearizationInfo{}, err
		}
	}
	res, info := checkPartitions(m, parts, timeout)
	return res, info, nil
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
	if err != nil {
		panic(err)
	}
	return res, info
}

// CheckEventsErr is CheckOperationsErr for an event history. Event
// positions serve as times; a call without a return is an operation that
// never returned.
func CheckEventsErr(m Model, history []Event, timeout time.Duration) (CheckResult, LinearizationInfo, error) {
	if err := validateModel(m); err != nil {
		return Unknown, LinearizationInfo{}, err
	}
	all, err := eventsToOperations(history)
	if err != nil {
		return Unknown, LinearizationInfo{}, err
	}
	parts := [][]Operation{all}
	switch {
	case m.PartitionEvent != nil:
		if parts, err = partitionEvents(m, history, all); err != nil {
			return Unknown, LinearizationInfo{}, err
		}
	case m.Partition != nil:
		parts = m.Partition(all)
		if err := checkPartitionCount(countOps(parts), len(all)); err != nil {
			return Unknown, LinearizationInfo{}, err
		}
	}
	res, info := checkPartitions(m, parts, timeout)
	return res, info, nil
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
	eventParts := m.PartitionEvent(history)
	partOfId := make(map[uint]int, len(all))
	parts := make([][]Operation, len(eventParts))
	n := 0
	for p, events := range eventParts {
		n += len(events)
		for _, e := range events {
			op, known := opOfId[e.Id]
			if q, seen := partOfId[e.Id]; !known || (seen && (q != p || e.Kind == CallEvent)) {
				return nil, &HistoryError{-1, fmt.Sprintf(
					"model PartitionEvent misplaced the events of the operation with id %d (partition %d)", e.Id, p)}
			}
			partOfId[e.Id] = p
			if e.Kind == CallEvent {
				parts[p] = append(parts[p], all[op])
			}
		}
	}
	if err := checkPartitionCount(n, len(history)); err != nil {
		return nil, err
	}
	// Each call landed at most once (checked above); now each lands once.
	if err := checkPartitionCount(countOps(parts), len(all)); err != nil {
		return nil, err
	}
	return parts, nil
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
// partition, or the timeout, cancels the searches still running. Every
// partition gets a goroutine rather than a slot in a pool of GOMAXPROCS
// workers, so that a small Illegal partition is found early even when it
// comes after large legal ones. A panic in the model is carried back to
// the caller's goroutine, where it can be recovered.
func checkPartitions(m Model, parts [][]Operation, timeout time.Duration) (CheckResult, LinearizationInfo) {
	var cancel atomic.Bool
	if timeout > 0 {
		timer := time.AfterFunc(timeout, func() { cancel.Store(true) })
		defer timer.Stop()
	}
	info := LinearizationInfo{partitions: make([]partitionInfo, len(parts))}
	panics := make([]interface{}, len(parts))
	checkOne := func(p int) {
		defer func() {
			if r := recover(); r != nil {
				cancel.Store(true)
				panics[p] = fmt.Sprintf("linearizability: the model panicked checking partition %d: %v\n%s", p, r, debug.Stack())
			}
		}()
		ops := withUnreturnedOutputs(parts[p])
		s := newSearcher(m, ops, &cancel)
		res := s.run()
		if res == Illegal {
			cancel.Store(true)
		}
		info.partitions[p] = partitionInfo{history: ops, result: res, longest: [][]int{s.longest}}
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			checkOne(p)
		}(p)
	}
	wg.Wait()
	for _, r := range panics {
		if r != nil {
			panic(r)
		}
	}
	info.result = overallResult(info)
	return info.result, info
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
