package labgob

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// freshBytes is what a new gob Encoder writes for v.
func freshBytes(t testing.TB, v interface{}) []byte {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatalf("fresh encoding of %+v: %v", v, err)
	}
	return buf.Bytes()
}

// msgVote has no interface inside, so EncodeMessage uses a primed encoder.
type msgVote struct {
	Term  int
	Peers []int
	Ops   map[string]msgOp
	Next  *msgVote
}

func TestInterfacePaths(t *testing.T) {
	for _, c := range []struct {
		v    interface{}
		want bool
	}{{msgVote{}, false}, {&msgVote{}, false}, {msgOp{}, false}, {0, false}, {msgArgs{}, true},
		{map[string]interface{}{}, true}, {[]msgEntry{}, true}, {[2]*msgEntry{}, true}} {
		if _, got := interfacePaths(reflect.TypeOf(c.v)); got != c.want {
			t.Errorf("interfacePaths(%T) says %v, want %v", c.v, got, c.want)
		}
	}
}

// TestEncodeMessageMatchesFreshEncoder checks that, for values without
// interface values inside, EncodeMessage writes exactly the bytes of a fresh
// Encoder, in varying order.
func TestEncodeMessageMatchesFreshEncoder(t *testing.T) {
	msgs := []interface{}{7, "s", []int{1, 2}, map[string]int{"a": 1}, msgOp{"k", "v", 1}, &msgOther{1.5},
		msgVote{}, msgVote{Term: 3, Peers: []int{0, 2}, Ops: map[string]msgOp{"x": {"k", "", 2}}, Next: &msgVote{Term: 1}},
		&msgVote{Term: 4}}
	for round := 0; round < 5; round++ {
		for i := range msgs {
			m := msgs[(i*(round+1)+round)%len(msgs)]
			got, err := EncodeMessage(m)
			if err != nil {
				t.Fatalf("EncodeMessage(%+v): %v", m, err)
			}
			if want := freshBytes(t, m); !bytes.Equal(got, want) {
				t.Fatalf("round %d: EncodeMessage(%+v) = %x, a fresh encoder %x", round, m, got, want)
			}
		}
	}
}

// TestEncodeMessageWithInterfaces checks that messages with interface values
// inside, encoded in varying order so that pooled encoders are reused across
// shapes, read back alone with a fresh Decoder as what they were, and are
// about as long as a fresh Encoder's.
func TestEncodeMessageWithInterfaces(t *testing.T) {
	msgs := messagesOf(t)
	for _, m := range append([]interface{}(nil), msgs...) {
		m := m.(msgArgs)
		msgs = append(msgs, &m)
	}
	for round := 0; round < 5; round++ {
		for i := range msgs {
			m := msgs[(i*(round+1)+round)%len(msgs)]
			if err := checkReadsBack(m); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
}

// checkReadsBack encodes m (a msgArgs or *msgArgs) with EncodeMessage and
// with a fresh Encoder, and compares what fresh Decoders read from each.
func checkReadsBack(m interface{}) error {
	got, err := EncodeMessage(m)
	if err != nil {
		return fmt.Errorf("EncodeMessage(%+v): %v", m, err)
	}
	var want bytes.Buffer
	if err := gob.NewEncoder(&want).Encode(m); err != nil {
		return err
	}
	var fromOurs, fromFresh msgArgs
	if err := gobFresh(got, &fromOurs); err != nil {
		return fmt.Errorf("a fresh decoder cannot read EncodeMessage(%+v): %v", m, err)
	}
	if err := gobFresh(want.Bytes(), &fromFresh); err != nil {
		return err
	}
	if !reflect.DeepEqual(fromOurs, fromFresh) {
		return fmt.Errorf("EncodeMessage(%+v) reads back as %+v, a fresh encoding as %+v", m, fromOurs, fromFresh)
	}
	if d := len(got) - want.Len(); d < -8 || d > 8 {
		return fmt.Errorf("EncodeMessage(%+v) is %d bytes, a fresh encoding %d", m, len(got), want.Len())
	}
	return nil
}

// TestEncodeMessageConcurrently encodes from many goroutines at once (run it
// with -race): pooled encoders must never be shared.
func TestEncodeMessageConcurrently(t *testing.T) {
	msgs := messagesOf(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if err := checkReadsBack(msgs[(g+i)%len(msgs)]); err != nil {
					t.Errorf("goroutine %d: %v", g, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

type msgUnexported struct{ n int }

// TestEncodeMessageErrors keeps gob's errors: a nil value, a type without
// exported fields. (A nil pointer makes gob panic, as it always did.)
func TestEncodeMessageErrors(t *testing.T) {
	if _, err := EncodeMessage(nil); err == nil {
		t.Error("EncodeMessage(nil) succeeded")
	}
	saved := warnings
	warnings = &bytes.Buffer{}
	defer func() { warnings = saved }()
	if _, err := EncodeMessage(msgUnexported{1}); err == nil {
		t.Error("EncodeMessage of a struct without exported fields succeeded")
	}
}

// BenchmarkEncodeMessage compares a fresh Encoder with EncodeMessage, for a
// message without interface values and for one like an AppendEntries with
// ten commands.
func BenchmarkEncodeMessage(b *testing.B) {
	Register(msgOp{})
	entries := make([]msgEntry, 10)
	for i := range entries {
		entries[i] = msgEntry{Term: 1, Command: msgOp{"k", "v", int64(i)}}
	}
	for _, c := range []struct {
		name string
		v    interface{}
	}{
		{"plain", msgVote{Term: 1, Peers: []int{1, 2}, Ops: map[string]msgOp{"a": {"k", "v", 1}}}},
		{"commands", msgArgs{Term: 1, Entries: entries}},
	} {
		b.Run(c.name+"/fresh", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				freshBytes(b, c.v)
			}
		})
		b.Run(c.name+"/primed", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := EncodeMessage(c.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
