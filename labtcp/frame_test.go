package labtcp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"runtime"
	"testing"
)

func TestFrameRoundTrip(t *testing.T) {
	cases := []message{
		{kind: kindHello, payload: []byte("token")},
		{kind: kindHello, payload: []byte{}},
		{kind: kindHelloOK},
		{kind: kindRequest, id: 1<<64 - 1, method: "Raft.AppendEntries", payload: []byte{1, 2, 3}},
		{kind: kindRequest, id: 7, method: "", payload: []byte{}},
		{kind: kindReply, id: 42, status: statusOK, payload: []byte("reply")},
		{kind: kindReply, id: 43, status: statusError, payload: []byte("unknown method")},
		{kind: kindRefused, payload: []byte("wrong cluster token")},
	}
	var stream []byte
	for _, m := range cases {
		stream = appendFrame(stream, m)
	}
	r := bytes.NewReader(stream)
	for i, want := range cases {
		body, err := readFrame(r, 1<<10)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if len(body) != frameSize(want) {
			t.Fatalf("frame %d: body of %d bytes, frameSize says %d", i, len(body), frameSize(want))
		}
		got, err := parseMessage(body)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !sameMessage(got, want) {
			t.Fatalf("frame %d: got %+v, want %+v", i, got, want)
		}
	}
	if _, err := readFrame(r, 1<<10); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
}

// BenchmarkAppendFrame frames a small request, as a clerk's Put is: one
// allocation, at the frame's final size (it was four, growing the frame
// field by field).
func BenchmarkAppendFrame(b *testing.B) {
	m := message{kind: kindRequest, id: 9, method: "KVServer.PutAppend", payload: make([]byte, 120)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		appendFrame(nil, m)
	}
}

func sameMessage(a, b message) bool {
	return a.kind == b.kind && a.id == b.id && a.method == b.method && a.status == b.status &&
		bytes.Equal(a.payload, b.payload)
}

func TestReadFrameRefusesBeforeAllocating(t *testing.T) {
	const limit = 1 << 20
	// Announces one byte above the limit and sends it all: a decoder that
	// allocated before checking would take a megabyte.
	frame := make([]byte, frameHeaderLen+limit+1)
	binary.BigEndian.PutUint32(frame, limit+1)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readFrame(bytes.NewReader(frame), limit)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errFrameTooLarge) {
		t.Fatalf("err = %v, want errFrameTooLarge", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Fatalf("refusing a frame over the limit allocated %d bytes", n)
	}
}

func TestReadFrameTruncated(t *testing.T) {
	frame := appendFrame(nil, message{kind: kindRequest, id: 1, method: "A.B", payload: []byte("xyz")})
	for n := 1; n < len(frame); n++ {
		if _, err := readFrame(bytes.NewReader(frame[:n]), 1<<10); err != io.ErrUnexpectedEOF {
			t.Fatalf("a frame cut after %d of %d bytes: err = %v, want io.ErrUnexpectedEOF", n, len(frame), err)
		}
	}
}

// FuzzFrameDecoder feeds arbitrary bytes to the decoder, as a hostile or
// broken peer would: it must never panic nor allocate beyond the limit, and
// whatever it accepts must encode back to the same frame.
func FuzzFrameDecoder(f *testing.F) {
	seeds := [][]byte{
		appendFrame(nil, message{kind: kindHello, payload: []byte("tok")}),
		appendFrame(nil, message{kind: kindHelloOK}),
		appendFrame(nil, message{kind: kindRequest, id: 3, method: "KVServer.Get", payload: []byte{9, 9}}),
		appendFrame(appendFrame(nil, message{kind: kindReply, id: 3, payload: []byte("ok")}),
			message{kind: kindReply, id: 4, status: statusError, payload: []byte("no")}),
		{0, 0, 0, 0},
		{0xff, 0xff, 0xff, 0xff, 1},
		{0, 0, 0, 3, kindRequest, 0},
		{0, 0, 0, 11, kindRequest, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff},
		[]byte("GET / HTTP/1.1\r\n"),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	const limit = 1 << 12
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for {
			body, err := readFrame(r, limit)
			if err != nil {
				return
			}
			if len(body) > limit {
				t.Fatalf("readFrame returned %d bytes, above the limit %d", len(body), limit)
			}
			m, err := parseMessage(body)
			if err != nil {
				continue
			}
			again, err := parseMessage(appendFrame(nil, m)[frameHeaderLen:])
			if err != nil || !reflect.DeepEqual(normalised(again), normalised(m)) {
				t.Fatalf("decoded %+v, which re-encodes to %+v (%v)", m, again, err)
			}
		}
	})
}

// normalised makes an empty payload nil, as encoding does not tell them apart.
func normalised(m message) message {
	if len(m.payload) == 0 {
		m.payload = nil
	}
	return m
}
