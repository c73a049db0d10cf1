package linearizability

import (
	"testing"
)

// TestKvStep states KvModel's semantics one operation at a time.
func TestKvStep(t *testing.T) {
	cases := []struct {
		name   string
		state  string
		input  KvInput
		output interface{}
		ok     bool
		next   string
	}{
		{"get sees the value", "ab", KvInput{Op: KvGet, Key: "k"}, KvOutput{"ab"}, true, "ab"},
		{"get of another value", "ab", KvInput{Op: KvGet, Key: "k"}, KvOutput{"a"}, false, "ab"},
		{"put replaces", "ab", KvInput{Op: KvPut, Key: "k", Value: "c"}, KvOutput{}, true, "c"},
		{"append adds to the end", "ab", KvInput{Op: KvAppend, Key: "k", Value: "c"}, KvOutput{}, true, "abc"},
		{"unreturned get accepts anything", "ab", KvInput{Op: KvGet, Key: "k"}, Unreturned{}, true, "ab"},
		{"unreturned put still writes", "ab", KvInput{Op: KvPut, Key: "k", Value: "c"}, Unreturned{}, true, "c"},
		{"unreturned append still appends", "ab", KvInput{Op: KvAppend, Key: "k", Value: "c"}, Unreturned{}, true, "abc"},
	}
	m := KvModel()
	if m.Init() != "" {
		t.Fatalf("initial state %q, want the empty string", m.Init())
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, next := m.Step(c.state, c.input, c.output)
			if ok != c.ok || (ok && next != c.next) {
				t.Fatalf("Step = %v, %q; want %v, %q", ok, next, c.ok, c.next)
			}
		})
	}
}

// TestRegisterStep states RegisterModel's semantics one operation at a
// time; nil is the register never written.
func TestRegisterStep(t *testing.T) {
	read := RegisterInput{Kind: RegisterRead}
	cas := RegisterInput{Kind: RegisterCas, Expected: 1, Value: 2}
	cases := []struct {
		name   string
		state  interface{}
		input  RegisterInput
		output interface{}
		ok     bool
		next   interface{}
	}{
		{"read nil", nil, read, RegisterOutput{Nil: true}, true, nil},
		{"read nil as a value", nil, read, RegisterOutput{Value: 0}, false, nil},
		{"read a value", 3, read, RegisterOutput{Value: 3}, true, 3},
		{"read a value as nil", 3, read, RegisterOutput{Nil: true}, false, 3},
		{"write", nil, RegisterInput{Kind: RegisterWrite, Value: 4}, RegisterOutput{}, true, 4},
		{"cas that matches", 1, cas, RegisterOutput{Ok: true}, true, 2},
		{"cas that cannot match", 0, cas, RegisterOutput{Ok: true}, false, 0},
		{"cas that failed", 0, cas, RegisterOutput{Ok: false}, true, 0},
		{"cas that failed but would match", 1, cas, RegisterOutput{Ok: false}, false, 1},
		{"cas on nil fails", nil, cas, RegisterOutput{Ok: false}, true, nil},
		{"unreturned cas that matches", 1, cas, Unreturned{}, true, 2},
		{"unreturned cas that does not", 5, cas, Unreturned{}, true, 5},
		{"unreturned read", 5, read, Unreturned{}, true, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, next := RegisterModel().Step(c.state, c.input, c.output)
			if ok != c.ok || (ok && next != c.next) {
				t.Fatalf("Step = %v, %v; want %v, %v", ok, next, c.ok, c.next)
			}
		})
	}
}
