package labgob

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// captureWarnings redirects the package's warnings for the rest of the test.
func captureWarnings(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := warnings
	warnings = &buf
	t.Cleanup(func() { warnings = old })
	return &buf
}

type Inner struct {
	Name  string
	Count int
}

type Command struct {
	Key   string
	Value []int
}

type Outer struct {
	Term    int
	Entries []Inner
	ByName  map[string]Inner
	Nested  *Inner
	Cmd     interface{}
	Matrix  [2][]byte
	Flagged bool
}

func TestRoundTripHasNoWarnings(t *testing.T) {
	out := captureWarnings(t)
	Register(Command{})
	before := ErrorCount()

	in := Outer{
		Term:    7,
		Entries: []Inner{{"a", 1}, {"b", 2}},
		ByName:  map[string]Inner{"x": {"x", 3}},
		Nested:  &Inner{"n", 4},
		Cmd:     Command{Key: "k", Value: []int{1, 2, 3}},
		Matrix:  [2][]byte{[]byte("hi"), nil},
		Flagged: true,
	}
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(in); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	var got Outer
	if err := NewDecoder(&buf).Decode(&got); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	// gob decodes an empty slice as nil; compare what was sent.
	in.Matrix[1] = nil
	if !reflect.DeepEqual(in, got) {
		t.Fatalf("round trip changed the value:\n sent %+v\n got  %+v", in, got)
	}
	if n := ErrorCount() - before; n != 0 || out.Len() != 0 {
		t.Fatalf("round trip of well-formed types reported %d errors: %q", n, out.String())
	}
}

type hasLowerCase struct {
	Visible int
	hidden  int
}

type holdsLowerCase struct {
	Items []map[string]*hasLowerCase
}

func TestLowerCaseFieldReportedOnce(t *testing.T) {
	out := captureWarnings(t)
	before := ErrorCount()
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	v := holdsLowerCase{Items: []map[string]*hasLowerCase{{"a": {Visible: 1, hidden: 2}}}}
	for i := 0; i < 3; i++ {
		if err := e.Encode(v); err != nil {
			t.Fatalf("Encode: %v", err)
		}
	}
	Register(&hasLowerCase{})
	if n := ErrorCount() - before; n != 1 {
		t.Fatalf("ErrorCount grew by %d, want 1 (one lower-case field, reported once)", n)
	}
	msg := out.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "hidden") || !strings.Contains(msg, "hasLowerCase") {
		t.Fatalf("want one line naming field hidden and type hasLowerCase, got %q", msg)
	}
	_ = v.Items[0]["a"].hidden
}

type decodeTarget struct {
	Term   int
	Voted  bool
	Nested *struct{ Name string }
}

func TestDecodeIntoNonDefaultReported(t *testing.T) {
	out := captureWarnings(t)
	var buf bytes.Buffer
	if err := NewEncoder(&buf).Encode(decodeTarget{Term: 0}); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	before := ErrorCount()
	stale := decodeTarget{Term: 5}
	if err := NewDecoder(&buf).Decode(&stale); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if ErrorCount() == before {
		t.Fatal("decoding into a non-default value was not counted as an error")
	}
	if !strings.Contains(out.String(), "non-default") {
		t.Fatalf("want a warning about non-default decoding, got %q", out.String())
	}
	if stale.Term != 5 {
		t.Fatalf("gob overwrote the zero-valued field (Term=%d); the warning's premise changed", stale.Term)
	}

	// Any basic kind counts: a bool set to true is found as well.
	buf.Reset()
	_ = NewEncoder(&buf).Encode(decodeTarget{})
	before = ErrorCount()
	voted := decodeTarget{Voted: true}
	_ = NewDecoder(&buf).Decode(&voted)
	if ErrorCount() == before {
		t.Fatal("a non-default bool field was not reported")
	}
}

func TestDecodeIntoFreshValueIsQuiet(t *testing.T) {
	captureWarnings(t)
	var buf bytes.Buffer
	_ = NewEncoder(&buf).Encode(decodeTarget{Term: 3, Voted: true})
	before := ErrorCount()
	var fresh decodeTarget
	if err := NewDecoder(&buf).Decode(&fresh); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if ErrorCount() != before || fresh.Term != 3 || !fresh.Voted {
		t.Fatalf("fresh decode: errors +%d, value %+v", ErrorCount()-before, fresh)
	}
}
