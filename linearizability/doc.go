// Package linearizability checks whether a concurrent history is
// linearizable: whether every operation can be given one instant between
// its call and its return such that, performed one by one in the order of
// those instants, the operations give exactly the results the clients saw.
// The lab's KV tests record what their clients did and ask this package
// whether a correct single-copy store could have produced it.
//
// # Checking a history
//
// A history is a slice of Operation (or of Event, calls and returns in
// real-time order). A Model describes the sequential object: its initial
// state, and a Step function that says whether an operation may return
// what it returned in a given state, and what the state is afterwards.
//
//	history := []linearizability.Operation{
//		// client 0 puts "x" between times 0 and 10 ...
//		{ClientId: 0, Input: linearizability.KvInput{Op: linearizability.KvPut, Key: "k", Value: "x"},
//			Call: 0, Output: linearizability.KvOutput{}, Return: 10},
//		// ... and meanwhile client 1 reads "" and then "x": fine, the put
//		// took effect between the two reads.
//		{ClientId: 1, Input: linearizability.KvInput{Op: linearizability.KvGet, Key: "k"},
//			Call: 1, Output: linearizability.KvOutput{Value: ""}, Return: 2},
//		{ClientId: 1, Input: linearizability.KvInput{Op: linearizability.KvGet, Key: "k"},
//			Call: 3, Output: linearizability.KvOutput{Value: "x"}, Return: 4},
//	}
//	res, info := linearizability.CheckOperationsVerbose(linearizability.KvModel(), history, time.Second)
//	// res is Ok. Had the reads seen "x" and then "", res would be Illegal.
//	if res == linearizability.Illegal {
//		f, _ := os.Create("timeline.html")
//		linearizability.Visualize(linearizability.KvModel(), info, f) // open it in a browser
//		f.Close()
//	}
//
// Operation a must come before operation b when a returned before b was
// called (a.Return < b.Call); otherwise they overlap and may take effect
// in either order. An operation whose response never arrived has Return ==
// NeverReturned: it may take effect at any moment after its call, or never,
// and the model's Step sees the output Unreturned{}.
//
// # Verdicts
//
// The verbose forms return Ok, Illegal, or Unknown: the timeout ran out
// first (the check returns within a few milliseconds of it), or a model
// function panicked. Unknown is not a pass; the bool forms
// (CheckOperations, CheckEvents and their Timeout variants) return true
// only for Ok. With
// the verdict comes a LinearizationInfo: the linearization found, or for
// an Illegal history the longest partial one, which Visualize draws as a
// timeline with the first operation that could not be placed marked.
// VisualizeWithOptions also draws annotations (a test's partitions,
// crashes, unreliable periods) beside the operations, and caps what a
// huge history puts on the page.
//
// Malformed input (an operation returning before its call, a return event
// without a call, a duplicate event id, a model without Step, a Partition
// or PartitionEvent that does not place every operation exactly once) is
// never given a verdict: CheckOperationsErr and CheckEventsErr return a
// *HistoryError, the other Check functions panic with it, and
// ValidateOperations and ValidateEvents check a history alone.
//
// A model function that panics (Init, Step, Equal, Hash, ReadOnly,
// Partition, PartitionEvent, or a Describe hook in Visualize) crashes
// nothing: the Err forms return a *ModelError naming the function and the
// operation it was given, the Verbose forms return Unknown with that error
// in LinearizationInfo.Err, the bool forms return false, and Visualize
// returns the error.
//
// # Models
//
// KvModel is the lab's key/value service (get, put, append on string
// keys). RegisterModel is a compare-and-set register (read, write, cas), the
// object of the Jepsen etcd tests. To write your own, provide Init and
// Step; Step must not modify the state it is given. If independent parts
// of the object can be checked separately (keys of a store), set Partition
// and PartitionEvent: each part is then checked on its own, in parallel.
// If states are not small integers or strings, a Hash function consistent
// with Equal makes the search much faster. A model written for Porcupine,
// which expects the output recorded in the history even for an operation
// that never returned, works unchanged with KeepUnreturnedOutput set.
//
// # How the search works
//
// The checker is the algorithm of Wing & Gong (1993) with Lowe's cache
// (2017), as popularised by the Porcupine checker, and Horn & Kroening's
// P-compositionality (2015) for partitions. It walks the history in time
// order; at each call it tries to linearize that operation next, and when
// it reaches the return of an operation it has not linearized it
// backtracks. A cache of (set of linearized operations, state) pairs
// already explored keeps it from repeating work. search.go describes the
// implementation; what it adds to the published algorithm is listed there:
// an explicit stack, incremental hashing, and two pruning rules for
// operations that never returned (skip them where they would not change
// the state, and try identical ones in call order only).
package linearizability
