package linearizability_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"miniraftkv/linearizability"
)

// A put overlaps two reads: the reads may see the old and then the new
// value, but not the other way round.
func ExampleCheckOperationsVerbose() {
	put := linearizability.KvInput{Op: linearizability.KvPut, Key: "k", Value: "x"}
	get := linearizability.KvInput{Op: linearizability.KvGet, Key: "k"}
	history := []linearizability.Operation{
		{ClientId: 0, Input: put, Call: 0, Output: linearizability.KvOutput{}, Return: 10},
		{ClientId: 1, Input: get, Call: 1, Output: linearizability.KvOutput{Value: ""}, Return: 2},
		{ClientId: 1, Input: get, Call: 3, Output: linearizability.KvOutput{Value: "x"}, Return: 4},
	}
	res, _ := linearizability.CheckOperationsVerbose(linearizability.KvModel(), history, time.Second)
	fmt.Println(res)

	history[1].Output, history[2].Output = history[2].Output, history[1].Output
	res, _ = linearizability.CheckOperationsVerbose(linearizability.KvModel(), history, time.Second)
	fmt.Println(res)
	// Output:
	// Ok
	// Illegal
}

// A client that crashed after sending a put: the put may or may not have
// happened, so either read is fine.
func ExampleCheckEvents() {
	put := linearizability.KvInput{Op: linearizability.KvPut, Key: "k", Value: "x"}
	get := linearizability.KvInput{Op: linearizability.KvGet, Key: "k"}
	for _, seen := range []string{"", "x", "y"} {
		history := []linearizability.Event{
			{ClientId: 0, Kind: linearizability.CallEvent, Value: put, Id: 0}, // never returns
			{ClientId: 1, Kind: linearizability.CallEvent, Value: get, Id: 1},
			{ClientId: 1, Kind: linearizability.ReturnEvent, Value: linearizability.KvOutput{Value: seen}, Id: 1},
		}
		fmt.Printf("read %q: %v\n", seen, linearizability.CheckEvents(linearizability.KvModel(), history))
	}
	// Output:
	// read "": true
	// read "x": true
	// read "y": false
}

// A timeline with annotations: a server crash drawn in a row of its own and
// an unreliable period as a band across the clients. The page is written
// to a buffer here; write it to a file and open it in a browser.
func ExampleVisualizeWithOptions() {
	put := linearizability.KvInput{Op: linearizability.KvPut, Key: "k", Value: "x"}
	get := linearizability.KvInput{Op: linearizability.KvGet, Key: "k"}
	ms := int64(time.Millisecond) // the history's clock is in nanoseconds
	history := []linearizability.Operation{
		{ClientId: 0, Input: put, Call: 0, Output: linearizability.KvOutput{}, Return: 10 * ms},
		{ClientId: 1, Input: get, Call: 12 * ms, Output: linearizability.KvOutput{Value: ""}, Return: 15 * ms},
	}
	res, info := linearizability.CheckOperationsVerbose(linearizability.KvModel(), history, time.Second)
	opts := linearizability.VisualizeOptions{Annotations: []linearizability.Annotation{
		{Row: "S1", Start: 2 * ms, End: 11 * ms, Label: "down", Details: "crashed, then restarted"},
		{Start: 5 * ms, End: 14 * ms, Label: "unreliable network", Color: "#c9a100"},
	}}
	var page bytes.Buffer
	err := linearizability.VisualizeWithOptions(linearizability.KvModel(), info, opts, &page)
	fmt.Println(res, err, strings.Contains(page.String(), "unreliable network"))
	// Output:
	// Illegal <nil> true
}
