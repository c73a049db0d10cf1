package labgob

import (
	"bytes"
	"reflect"
	"testing"
)

type msgEntry struct {
	Term    int
	Command interface{}
}

type msgArgs struct {
	Term    int
	Entries []msgEntry
	Extra   map[string][]int
}

type msgOp struct {
	Key, Value string
	Seq        int64
}

type msgOther struct{ N float64 }

func messagesOf(t *testing.T) []interface{} {
	t.Helper()
	Register(msgOp{})
	Register(msgOther{})
	return []interface{}{
		msgArgs{Term: 1},
		msgArgs{Term: 2, Entries: []msgEntry{{1, 5}, {2, "x"}}},
		msgArgs{Term: 3, Entries: []msgEntry{{3, msgOp{"k", "v", 9}}}, Extra: map[string][]int{"a": {1}}},
		msgArgs{Term: 4, Entries: []msgEntry{{4, msgOther{2.5}}, {4, msgOp{"k2", "", 1}}, {5, 7}}},
		msgArgs{Term: 5, Entries: []msgEntry{{3, msgOp{"k", "v", 10}}}},
		msgArgs{Term: 6, Entries: []msgEntry{{6, nil}}},
		msgArgs{},
	}
}

// TestDecodeMessageMatchesFreshDecoder decodes the same messages, over and
// over and in varying order, with DecodeMessage and with a fresh Decoder.
func TestDecodeMessageMatchesFreshDecoder(t *testing.T) {
	msgs := messagesOf(t)
	for round := 0; round < 5; round++ {
		for i := range msgs {
			m := msgs[(i*(round+1))%len(msgs)]
			data, err := EncodeMessage(m)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := typeDefinitionsLen(data); !ok {
				t.Fatalf("could not find the type definitions of %+v", m)
			}
			var want, got msgArgs
			if err := gobFresh(data, &want); err != nil {
				t.Fatal(err)
			}
			if err := DecodeMessage(data, &got); err != nil {
				t.Fatalf("DecodeMessage(%+v): %v", m, err)
			}
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("round %d: DecodeMessage gave %+v, a fresh decoder %+v", round, got, want)
			}
		}
	}
}

func gobFresh(data []byte, v interface{}) error {
	return NewDecoder(bytes.NewReader(data)).Decode(v)
}

func TestDecodeMessageOfBasicTypes(t *testing.T) {
	for i := 0; i < 3; i++ {
		data, _ := EncodeMessage(42 + i)
		var n int
		if err := DecodeMessage(data, &n); err != nil || n != 42+i {
			t.Fatalf("int: %v %v", n, err)
		}
		data, _ = EncodeMessage("hello")
		var s string
		if err := DecodeMessage(data, &s); err != nil || s != "hello" {
			t.Fatalf("string: %q %v", s, err)
		}
	}
}

func TestDecodeMessageRejectsGarbage(t *testing.T) {
	data, _ := EncodeMessage(msgArgs{Term: 1, Entries: []msgEntry{{1, 2}}})
	for _, bad := range [][]byte{nil, {0x01}, data[:len(data)/2], data[:len(data)-1]} {
		var v msgArgs
		if err := DecodeMessage(bad, &v); err == nil {
			t.Fatalf("DecodeMessage(%x) succeeded", bad)
		}
	}
}

// BenchmarkDecodeMessage decodes a message like an AppendEntries with one
// registered command.
func BenchmarkDecodeMessage(b *testing.B) {
	Register(msgOp{})
	data, _ := EncodeMessage(msgArgs{Term: 1, Entries: []msgEntry{{1, msgOp{"k", "v", 1}}}})
	b.Run("fresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var v msgArgs
			_ = gobFresh(data, &v)
		}
	})
	b.Run("primed", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var v msgArgs
			_ = DecodeMessage(data, &v)
		}
	})
}
