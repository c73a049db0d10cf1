package labgob_test

import (
	"bytes"
	"fmt"

	"miniraftkv/labgob"
)

// LogEntry is a log entry whose command travels inside an interface value,
// as a Raft log's does.
type LogEntry struct {
	Term    int
	Command interface{}
}

// PutCommand is one kind of command a service puts in the log.
type PutCommand struct {
	Key, Value string
}

// Example persists a term and a log whose commands are interface values,
// then reads them back, as a Raft peer's persist and readPersist do. The
// concrete command type must be registered first.
func Example() {
	labgob.Register(PutCommand{})

	w := new(bytes.Buffer)
	e := labgob.NewEncoder(w)
	e.Encode(3)
	e.Encode([]LogEntry{{Term: 1, Command: PutCommand{"x", "1"}}, {Term: 3, Command: PutCommand{"y", "2"}}})

	d := labgob.NewDecoder(bytes.NewBuffer(w.Bytes()))
	var term int
	var log []LogEntry
	if err := d.Decode(&term); err != nil {
		fmt.Println("decode term:", err)
		return
	}
	if err := d.Decode(&log); err != nil {
		fmt.Println("decode log:", err)
		return
	}
	fmt.Println("term", term)
	for i, entry := range log {
		fmt.Printf("entry %d: term %d, %+v\n", i, entry.Term, entry.Command.(PutCommand))
	}
	// Output:
	// term 3
	// entry 0: term 1, {Key:x Value:1}
	// entry 1: term 3, {Key:y Value:2}
}
