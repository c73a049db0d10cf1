// Package labgob is a thin wrapper over encoding/gob that catches the two
// classic mistakes of Raft lab code.
//
// First, gob ignores unexported struct fields without a word, so an RPC
// argument or persisted struct with a lower-case field quietly loses it.
// The first time labgob sees a type (in Encode, Decode or Register) it walks
// it and prints one line to standard error for every unexported field.
//
// Second, gob does not write zero values and so leaves a destination field
// untouched when the encoded value was zero: decoding a reply into a reused
// variable can keep stale data. Decode warns (once per process) when the
// destination already holds non-zero values.
//
// Use it exactly as encoding/gob:
//
//	w := new(bytes.Buffer)
//	e := labgob.NewEncoder(w)
//	e.Encode(rf.currentTerm)
//	e.Encode(rf.log)
//	...
//	d := labgob.NewDecoder(bytes.NewBuffer(data))
//	var term int
//	if err := d.Decode(&term); err != nil { ... }
//
// Concrete types carried inside interface values (log commands) must be
// registered with Register before they are encoded or decoded.
package labgob
