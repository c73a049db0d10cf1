package linearizability

import "math"

// NeverReturned is the Return time of an Operation whose response never
// arrived: the client crashed, gave up, or timed out. Such an operation may
// have taken effect at any moment after its Call, or not at all, and the
// checker tries both.
const NeverReturned int64 = math.MaxInt64

// Operation is one complete operation of a history: a client called it at
// time Call with Input and saw Output at time Return.
//
// Times are any increasing clock (nanoseconds, a logical counter, ...).
// Operation a happened before operation b, and must be linearized before
// it, exactly when a.Return < b.Call; equal times count as concurrent.
// Return must be >= Call, or NeverReturned for an operation whose response
// never arrived (its Output is then ignored, unless the model sets
// KeepUnreturnedOutput).
type Operation struct {
	ClientId int
	Input    interface{}
	Call     int64
	Output   interface{}
	Return   int64
}

// EventKind says whether an Event is the call or the return of an operation.
type EventKind bool

const (
	// CallEvent marks the invocation of an operation; its Value is the input.
	CallEvent EventKind = false
	// ReturnEvent marks the response of an operation; its Value is the output.
	ReturnEvent EventKind = true
)

// Event is one half of an operation in an event history: the history is a
// slice of events in real-time order, and the call and return of one
// operation share an Id. A call with no return anywhere later is an
// operation that never returned (see NeverReturned).
type Event struct {
	ClientId int
	Kind     EventKind
	Value    interface{}
	Id       uint
}

// Unreturned is the output the checker passes to Model.Step for an
// operation that never returned. A Step function must accept it as "any
// output": the operation is legal in a state exactly when some output
// would be, and it moves the model to the state it would have moved to.
// KvModel and RegisterModel do this; a model of your own that is used with
// unreturned operations must handle it too, or set
// Model.KeepUnreturnedOutput to be given the recorded Output instead, as
// Porcupine does.
type Unreturned struct{}

// Model describes the sequential object a history is checked against.
//
// Init and Step are required. Step(state, input, output) reports whether
// the operation with that input may return that output in state, and the
// state afterwards; it must not modify state, because the checker keeps
// old states to backtrack to, and it must depend on nothing but its
// arguments. For an operation that never returned, output is Unreturned{}
// (unless KeepUnreturnedOutput is set).
//
// The other fields are optional:
//   - Partition / PartitionEvent split a history into independent
//     sub-histories (for example one per key); the history is linearizable
//     exactly when every part is (P-compositionality), and the parts are
//     checked in parallel. Every operation must land in exactly one part.
//   - Equal compares states; the default is ==.
//   - Hash returns a hash of a state consistent with Equal (equal states,
//     equal hashes). It makes the search's cache much faster for states
//     that are not small integers or strings.
//   - ReadOnly reports that an operation with this input and output never
//     changes the state (whenever Step accepts it, Step returns the state
//     unchanged): a read, a failed compare-and-set. The search then places
//     such an operation as soon as it can and never tries it later, a big
//     saving on read-heavy histories. It must be right: the check ends
//     with a *ModelError if Step ever changes the state for such an
//     operation, but a wrong claim can give a wrong verdict before that is
//     noticed.
//   - DescribeOperation, DescribeState and DescribePartition provide text
//     for Visualize.
//   - KeepUnreturnedOutput makes Step (and DescribeOperation) see an
//     unreturned operation's Output as recorded in the history instead of
//     Unreturned{}. This is Porcupine's convention, and a model written
//     for Porcupine, whose Step type-asserts the output, works unchanged
//     with it: record such operations with an output the model reads as
//     "unknown" (Porcupine's etcd model has an Unknown flag in its output)
//     and Return NeverReturned, so that the checker may also leave them
//     out. In an event history such an operation has no return event, so
//     its recorded Output is nil.
//
// A model function that panics does not crash the check: the check has no
// verdict and reports a *ModelError naming the function and the operation
// (see CheckOperationsErr).
type Model struct {
	Partition         func(history []Operation) [][]Operation
	PartitionEvent    func(history []Event) [][]Event
	Init              func() interface{}
	Step              func(state, input, output interface{}) (bool, interface{})
	Equal             func(state1, state2 interface{}) bool
	Hash              func(state interface{}) uint64
	ReadOnly          func(input, output interface{}) bool
	DescribeOperation func(input, output interface{}) string
	DescribeState     func(state interface{}) string
	DescribePartition func(history []Operation) string

	KeepUnreturnedOutput bool
}

// CheckResult is the verdict of a check.
type CheckResult string

const (
	// Ok means the history is linearizable.
	Ok CheckResult = "Ok"
	// Illegal means the history is not linearizable.
	Illegal CheckResult = "Illegal"
	// Unknown means the check was stopped by its timeout before reaching a
	// verdict. It is not a pass.
	Unknown CheckResult = "Unknown"
)

// LinearizationInfo explains a verdict: for every partition of the history,
// its operations, its own verdict, and the longest linearizations of a
// prefix of it that the search found (for an Ok partition, a complete one).
// Visualize renders it.
type LinearizationInfo struct {
	result     CheckResult // "" in the zero value
	partitions []partitionInfo
	err        error // why there is no verdict, other than the timeout
}

// Err returns the *ModelError that left the check without a verdict (a
// model function panicked), or nil. The result is then Unknown; this is
// how CheckOperationsVerbose and CheckEventsVerbose report it.
func (info LinearizationInfo) Err() error {
	return info.err
}

// partitionInfo is what LinearizationInfo keeps about one partition.
type partitionInfo struct {
	history []Operation // Output of unreturned operations is Unreturned{} unless the model keeps it
	result  CheckResult
	// longest holds the longest partial linearizations found, as indices
	// into history in linearization order; longest[0] is the longest.
	longest [][]int
}

// NumPartitions returns how many independent parts the history was checked as.
func (info LinearizationInfo) NumPartitions() int {
	return len(info.partitions)
}

// PartitionResult returns the verdict of partition p alone. When another
// partition was found Illegal first, the rest may be Unknown: their search
// was cancelled.
func (info LinearizationInfo) PartitionResult(p int) CheckResult {
	return info.partitions[p].result
}

// PartitionHistory returns the operations of partition p, in the order the
// partial linearizations index them.
func (info LinearizationInfo) PartitionHistory(p int) []Operation {
	return info.partitions[p].history
}

// PartialLinearizations returns, per partition, the longest linearizations
// the search found, each a list of indices into PartitionHistory(p) in
// linearization order. For an Ok partition the first one is a complete
// linearization of its returned operations (plus the unreturned ones that
// took effect).
func (info LinearizationInfo) PartialLinearizations() [][][]int {
	out := make([][][]int, len(info.partitions))
	for p, part := range info.partitions {
		out[p] = part.longest
	}
	return out
}
