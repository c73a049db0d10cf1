package labtcp

// The transport's claims under faults put exactly where they matter, with
// the server's end of each connection a faults.Conn:
//   - a call whose connection drops while the server runs it, or whose
//     reply is cut off part way, returns false, never true with an empty
//     or partial reply;
//   - the next call after a broken connection dials a new one;
//   - a call that times out on a connection from which nothing at all
//     arrived (a stalled peer) closes it, so the next call dials afresh
//     instead of waiting on it again;
//   - a frame of exactly MaxFrame bytes passes, one byte more is refused.

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"miniraftkv/internal/faults"
	"miniraftkv/labgob"
	"miniraftkv/labrpc"
)

// Gate is a service whose Hold call reports that it started and then waits
// until the test releases it.
type Gate struct {
	entered chan struct{} // receives one value per Hold that started
	release chan struct{} // closed at the test's end
}

func (g *Gate) Hold(args EchoArgs, reply *EchoReply) {
	g.entered <- struct{}{}
	<-g.release
	reply.S = "released"
}

// faultyServer is an Echo and a Gate service behind a listener whose
// connections are faults.Conns.
type faultyServer struct {
	ln   *faults.Listener
	gate *Gate
	addr string
	log  *logLines
}

func serveFaulty(t *testing.T, opts Options) *faultyServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &faultyServer{ln: faults.NewListener(ln), log: &logLines{},
		gate: &Gate{entered: make(chan struct{}, 16), release: make(chan struct{})}}
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(&Echo{}))
	rpcs.AddService(labrpc.MakeService(f.gate))
	opts.Logf = f.log.logf
	srv := Serve(f.ln, rpcs, opts)
	f.addr = ln.Addr().String()
	t.Cleanup(func() {
		close(f.gate.release)
		srv.Close()
	})
	return f
}

// nextConn returns the server's end of the next connection it accepts.
func (f *faultyServer) nextConn(t *testing.T) *faults.Conn {
	t.Helper()
	select {
	case c := <-f.ln.Accepted:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("the server accepted no connection within 5 s")
		return nil
	}
}

// client returns a Client of f closed at the test's end.
func (f *faultyServer) client(t *testing.T, opts Options) *Client {
	if opts.Logf == nil {
		opts.Logf = (&logLines{}).logf
	}
	c := NewClient(f.addr, opts)
	t.Cleanup(c.Close)
	return c
}

// encoded is the labgob encoding of args, as a ClientEnd sends it.
func encoded(t *testing.T, args interface{}) []byte {
	t.Helper()
	b, err := labgob.EncodeMessage(args)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// callResult is what one Client.Call returned.
type callResult struct {
	reply []byte
	ok    bool
}

func goCall(c *Client, method string, req []byte) <-chan callResult {
	ch := make(chan callResult, 1)
	go func() {
		reply, ok := c.Call(method, req)
		ch <- callResult{reply, ok}
	}()
	return ch
}

// expectFailed waits for a call to return and fails the test unless it
// returned false.
func expectFailed(t *testing.T, ch <-chan callResult, why string) {
	t.Helper()
	select {
	case r := <-ch:
		if r.ok {
			t.Fatalf("a call %s returned true with a reply of %d bytes; want false", why, len(r.reply))
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("a call %s did not return within 5 s", why)
	}
}

// expectSaid checks that a Say call of s succeeds.
func expectSaid(t *testing.T, c *Client, s, why string) {
	t.Helper()
	reply, ok := c.Call("Echo.Say", encoded(t, EchoArgs{S: s}))
	var r EchoReply
	if !ok || labgob.DecodeMessage(reply, &r) != nil || r.S != s {
		t.Fatalf("Say(%q) %s: ok %v, reply %q; want the echo", s, why, ok, r.S)
	}
}

// TestCallFailsWhenConnectionDropsMidCall: the server's end of the
// connection drops while the call's handler runs; the call returns false
// (at the Client and at a labrpc ClientEnd), and the next call dials anew.
func TestCallFailsWhenConnectionDropsMidCall(t *testing.T) {
	f := serveFaulty(t, Options{})
	c := f.client(t, Options{CallTimeout: 10 * time.Second})
	held := goCall(c, "Gate.Hold", encoded(t, EchoArgs{}))
	conn := f.nextConn(t)
	<-f.gate.entered
	conn.Drop()
	expectFailed(t, held, "whose connection dropped while its handler ran")
	expectSaid(t, c, "after", "after the connection dropped")

	e := labrpc.MakeTransportEnd(c)
	done := make(chan bool, 1)
	go func() {
		var reply EchoReply
		done <- e.Call("Gate.Hold", EchoArgs{}, &reply)
	}()
	conn = f.nextConn(t)
	<-f.gate.entered
	conn.Drop()
	if <-done {
		t.Fatal("ClientEnd.Call returned true although its connection dropped while its handler ran")
	}
}

// TestCallFailsOnCutReply: the server's reply is cut off after part of its
// frame (inside the length, inside the header, inside the payload), and its
// connection drops: the call returns false, and the next one succeeds over
// a new connection.
func TestCallFailsOnCutReply(t *testing.T) {
	for _, keep := range []int{0, 2, frameHeaderLen + 3, frameHeaderLen + 12} {
		t.Run(fmt.Sprintf("keep%d", keep), func(t *testing.T) {
			f := serveFaulty(t, Options{})
			c := f.client(t, Options{CallTimeout: 10 * time.Second})
			expectSaid(t, c, "first", "on a new connection")
			conn := f.nextConn(t)
			conn.ShortWrite(keep)
			expectFailed(t, goCall(c, "Echo.Say", encoded(t, EchoArgs{S: "cut"})),
				fmt.Sprintf("whose reply was cut after %d bytes", keep))
			expectSaid(t, c, "again", "after a reply was cut off")
			f.nextConn(t) // the call above dialled anew
		})
	}
}

// TestStalledConnectionIsReplaced: a server that stops sending anything
// makes a call time out; the next call must not wait on the same silent
// connection again but dial a new one, and succeed.
func TestStalledConnectionIsReplaced(t *testing.T) {
	f := serveFaulty(t, Options{})
	c := f.client(t, Options{CallTimeout: 300 * time.Millisecond})
	expectSaid(t, c, "first", "on a new connection")
	stalled := f.nextConn(t)
	stalled.Stall()
	expectFailed(t, goCall(c, "Echo.Say", encoded(t, EchoArgs{S: "stalled"})), "on a stalled connection")
	expectSaid(t, c, "fresh", "after a call timed out on a silent connection")
	f.nextConn(t)
}

// TestFrameOfExactlyTheLimit: a call whose request frame is exactly
// MaxFrame bytes goes through a client and a server of that limit; one byte
// more is refused, by the client before sending and by a server of the
// smaller limit before reading it.
func TestFrameOfExactlyTheLimit(t *testing.T) {
	args, limit := exactFrame(t, 4096)
	f := serveFaulty(t, Options{MaxFrame: limit})
	c := f.client(t, Options{MaxFrame: limit})
	reply, ok := c.Call("Echo.Say", encoded(t, args))
	var r EchoReply
	if !ok || labgob.DecodeMessage(reply, &r) != nil || r.S != args.S {
		t.Fatalf("a request frame of exactly the limit (%d bytes) failed", limit)
	}
	over := EchoArgs{S: args.S + "x"}
	if _, ok := c.Call("Echo.Say", encoded(t, over)); ok {
		t.Fatalf("a request frame one byte over the client's limit %d returned true", limit)
	}
	big := f.client(t, Options{MaxFrame: 2 * limit})
	if _, ok := big.Call("Echo.Say", encoded(t, over)); ok {
		t.Fatalf("a request frame one byte over the server's limit %d returned true", limit)
	}
	f.log.waitFor(t, "frame too large")
}

// exactFrame returns Say arguments whose request frame body is exactly
// about bytes long, and that size.
func exactFrame(t *testing.T, about int) (EchoArgs, int) {
	t.Helper()
	for n := about; n < about+64; n++ {
		args := EchoArgs{S: strings.Repeat("y", n)}
		size := frameSize(message{kind: kindRequest, method: "Echo.Say", payload: encoded(t, args)})
		over := frameSize(message{kind: kindRequest, method: "Echo.Say", payload: encoded(t, EchoArgs{S: args.S + "x"})})
		if over == size+1 {
			return args, size
		}
	}
	t.Fatal("no string length gives frames one byte apart")
	return EchoArgs{}, 0
}

// TestStalledPeerWriteTimesOut: a server whose writes to a client stall
// (the client stopped reading; its buffers are full) gives up on the
// connection once its call timeout passes, instead of blocking its writer
// for good: the client's call fails long before its own, longer, timeout,
// and its next call gets a new connection.
func TestStalledPeerWriteTimesOut(t *testing.T) {
	f := serveFaulty(t, Options{CallTimeout: 100 * time.Millisecond})
	c := f.client(t, Options{CallTimeout: time.Minute})
	expectSaid(t, c, "first", "on a new connection")
	f.nextConn(t).Stall()
	expectFailed(t, goCall(c, "Echo.Say", encoded(t, EchoArgs{S: "stalled"})),
		"whose reply the server could not write within its call timeout")
	expectSaid(t, c, "fresh", "after the server gave up on a stalled connection")
}
