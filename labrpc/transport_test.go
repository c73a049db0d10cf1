package labrpc

import (
	"strings"
	"testing"
)

// dispatchTransport is a Transport that hands calls straight to a Server's
// Dispatch, as a real transport does at its far end.
type dispatchTransport struct {
	srv     *Server
	lastErr error
}

func (d *dispatchTransport) Call(svcMeth string, req []byte) ([]byte, bool) {
	reply, err := d.srv.Dispatch(svcMeth, req)
	d.lastErr = err
	return reply, err == nil
}

func newTransportEnd() (*ClientEnd, *dispatchTransport) {
	srv := MakeServer()
	srv.AddService(MakeService(&JunkServer{}))
	d := &dispatchTransport{srv: srv}
	return MakeTransportEnd(d), d
}

func TestTransportEndCallsThroughDispatch(t *testing.T) {
	end, d := newTransportEnd()
	var reply JunkReply
	if !end.Call("JunkServer.Handler4", &JunkArgs{X: 1}, &reply) || reply.X != "pointer" {
		t.Fatalf("Call = %q, %v; want a reply \"pointer\"", reply.X, d.lastErr)
	}
	var s string
	if !end.Call("JunkServer.Handler2", 7, &s) || s != "handler2-7" {
		t.Fatalf("Call = %q, %v; want handler2-7", s, d.lastErr)
	}
	if got := d.srv.GetCount(); got != 2 {
		t.Fatalf("GetCount = %d after 2 calls", got)
	}
}

// TestDispatchErrorsInsteadOfPanics: a real transport's server must survive
// whatever a client sends.
func TestDispatchErrorsInsteadOfPanics(t *testing.T) {
	end, d := newTransportEnd()
	cases := []struct {
		name    string
		svcMeth string
		req     []byte
		want    string
	}{
		{"unknown service", "Nobody.Handler2", nil, `unknown service "Nobody"`},
		{"unknown method", "JunkServer.Nope", nil, "unknown method"},
		{"not a handler", "JunkServer.NotAHandler", nil, "not an RPC handler"},
		{"no dot", "Handler2", nil, "not of the form"},
		{"garbage args", "JunkServer.Handler4", []byte{0xff, 0x01, 0x02, 0x03}, "cannot decode args"},
		{"truncated args", "JunkServer.Handler4", []byte{0x03}, "cannot decode args"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := d.srv.Dispatch(c.svcMeth, c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Dispatch(%q) error = %v; want one containing %q", c.svcMeth, err, c.want)
			}
		})
	}
	if got := d.srv.GetCount(); got != 0 {
		t.Fatalf("GetCount = %d; requests that reach no handler must not count", got)
	}
	var reply int
	if end.Call("JunkServer.Nope", 1, &reply) {
		t.Fatal("Call of an unknown method over a transport returned true")
	}
}

// replyTransport answers every call with fixed bytes.
type replyTransport []byte

func (r replyTransport) Call(string, []byte) ([]byte, bool) { return r, true }

func TestTransportEndUndecodableReplyFails(t *testing.T) {
	end := MakeTransportEnd(replyTransport{0xff, 0xfe})
	var reply JunkReply
	if end.Call("JunkServer.Handler4", &JunkArgs{}, &reply) {
		t.Fatal("Call returned true for a reply that does not decode")
	}
}
