package linearizability

import (
	"fmt"
	"runtime/debug"
)

// ModelError reports that a function of the model panicked: during a check,
// which then has no verdict, or while Visualize drew one. CheckOperationsErr
// and CheckEventsErr return it; the Verbose forms return Unknown with it in
// LinearizationInfo.Err; the bool forms return false; Visualize returns it.
type ModelError struct {
	Func string // the model function: "Init", "Step", "Equal", "Hash", "ReadOnly", "Partition", ...
	// Partition is the partition being checked, or -1 when the function
	// ran on the whole history (Partition, PartitionEvent) or outside a
	// partition's search (Visualize's hooks).
	Partition int
	// Index is the operation's index in the partition's history (see
	// LinearizationInfo.PartitionHistory), or -1 when the function was not
	// working on one operation of a partition.
	Index int
	Op    *Operation  // the operation it was given, or nil (Init, Partition, Equal outside a step, ...)
	Panic interface{} // the value it panicked with
	Stack string      // the goroutine's stack where it panicked
}

// Error implements error. It names the function, the operation and the
// panic; the stack is in the Stack field.
func (e *ModelError) Error() string {
	where := ""
	if e.Op != nil {
		ret := "never returned"
		if e.Op.Return != NeverReturned {
			ret = fmt.Sprintf("returned at %d", e.Op.Return)
		}
		where = fmt.Sprintf(" on operation %d (client %d, input %v, output %v, called at %d, %s)",
			e.Index, e.Op.ClientId, e.Op.Input, e.Op.Output, e.Op.Call, ret)
	}
	if e.Partition >= 0 {
		where += fmt.Sprintf(" of partition %d", e.Partition)
	}
	return fmt.Sprintf("linearizability: the model's %s panicked%s: %v", e.Func, where, e.Panic)
}

// newModelError describes a panic recovered from model function fn. A
// panic that is already a *ModelError (from a guarded function called
// inside another) is kept as it is.
func newModelError(fn string, r interface{}, partition, index int, op *Operation) *ModelError {
	if me, ok := r.(*ModelError); ok {
		return me
	}
	var copied *Operation
	if op != nil {
		c := *op
		copied = &c
	}
	return &ModelError{Func: fn, Partition: partition, Index: index, Op: copied, Panic: r, Stack: string(debug.Stack())}
}

// catchModelPanic, deferred, turns a panic of model function fn into a
// *ModelError stored in *err.
func catchModelPanic(fn string, err *error) {
	if r := recover(); r != nil {
		*err = newModelError(fn, r, -1, -1, nil)
	}
}

// rethrowAs, deferred in a wrapper of model function fn, re-panics with a
// *ModelError naming fn and the operation (input, output), so that the
// recover further up knows which function failed.
func rethrowAs(fn string, input, output interface{}, withOp bool) {
	if r := recover(); r != nil {
		var op *Operation
		if withOp {
			op = &Operation{Input: input, Output: output, Return: NeverReturned}
		}
		panic(newModelError(fn, r, -1, -1, op))
	}
}

// guardedForDrawing returns m with every function wrapped so that a panic
// becomes a *ModelError naming it (see rethrowAs). Visualize draws with it;
// the search does not use it, because it names operations itself at no
// cost per step.
func guardedForDrawing(m Model) Model {
	g := m
	init, step := m.Init, m.Step
	g.Init = func() interface{} {
		defer rethrowAs("Init", nil, nil, false)
		return init()
	}
	g.Step = func(state, input, output interface{}) (bool, interface{}) {
		defer rethrowAs("Step", input, output, true)
		return step(state, input, output)
	}
	if describe := m.DescribeOperation; describe != nil {
		g.DescribeOperation = func(input, output interface{}) string {
			defer rethrowAs("DescribeOperation", input, output, true)
			return describe(input, output)
		}
	}
	if describe := m.DescribeState; describe != nil {
		g.DescribeState = func(state interface{}) string {
			defer rethrowAs("DescribeState", nil, nil, false)
			return describe(state)
		}
	}
	if describe := m.DescribePartition; describe != nil {
		g.DescribePartition = func(history []Operation) string {
			defer rethrowAs("DescribePartition", nil, nil, false)
			return describe(history)
		}
	}
	return g
}
