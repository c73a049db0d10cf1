package labtcp

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestCallToNobodyFails(t *testing.T) {
	e, logs := end(t, freeAddr(t), Options{})
	start := time.Now()
	if _, ok := say(e, "hi"); ok {
		t.Fatal("a call to a port nobody listens on returned true")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("a refused call took %v", d)
	}
	logs.waitFor(t, "unreachable")
}

func TestCallTimesOut(t *testing.T) {
	f := startServer(t, Options{})
	e, _ := end(t, f.addr, Options{CallTimeout: 100 * time.Millisecond})
	var reply EchoReply
	if e.Call("Echo.Block", EchoArgs{}, &reply) {
		t.Fatal("a call whose handler never returns returned true")
	}
}

// TestCallFailsWhenTheServerCloses: Close cuts the connection at once, so
// the call whose handler still runs fails, and then waits for that handler
// to return (as net/rpc waits for its handlers): no goroutine of the server
// outlives Close.
func TestCallFailsWhenTheServerCloses(t *testing.T) {
	f := startServer(t, Options{})
	e, _ := end(t, f.addr, Options{CallTimeout: 10 * time.Second})
	done := make(chan bool)
	go func() {
		var reply EchoReply
		done <- e.Call("Echo.Block", EchoArgs{}, &reply)
	}()
	for f.echo.blocked.Load() == 0 { // wait for the call to reach its handler
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		f.srv.Close()
		close(closed)
	}()
	select {
	case ok := <-done:
		if ok {
			t.Fatal("a call cut off by the server's Close returned true")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a call cut off by the server's Close did not return")
	}
	select {
	case <-closed:
		t.Fatal("Close returned while a handler was still running")
	case <-time.After(200 * time.Millisecond):
	}
	f.echo.releaseBlocked()
	<-closed
	if n := f.echo.blocked.Load(); n != 0 {
		t.Fatalf("Close returned with %d handlers still running", n)
	}
}

// TestRedialAfterRestart: a server that goes away and comes back on the
// same address is reached again, after the backoff, without a new end.
func TestRedialAfterRestart(t *testing.T) {
	f := startServer(t, Options{})
	e, _ := end(t, f.addr, Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	if _, ok := say(e, "before"); !ok {
		t.Fatal("first call failed")
	}
	f.srv.Close()
	if _, ok := say(e, "while down"); ok {
		t.Fatal("a call while the server is down returned true")
	}
	g := restartOn(t, f.addr)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if got, ok := say(e, "after"); ok && got == "after" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no call succeeded within 5 s of the server's restart")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if g.srv.rpc.GetCount() == 0 {
		t.Fatal("the restarted server saw no call")
	}
}

// restartOn serves a new Echo on addr.
func restartOn(t *testing.T, addr string) *fixture {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("cannot listen again on %s: %v", addr, err)
	}
	ln.Close()
	f := startServerOn(t, addr)
	return f
}

func TestBackoffFailsCallsAtOnce(t *testing.T) {
	c := NewClient(freeAddr(t), Options{MinBackoff: time.Hour, Logf: (&logLines{}).logf})
	defer c.Close()
	if _, ok := c.Call("Echo.Say", nil); ok {
		t.Fatal("call to nobody returned true")
	}
	c.mu.Lock()
	wait := time.Until(c.nextDial)
	c.mu.Unlock()
	if wait < 59*time.Minute {
		t.Fatalf("after a failed dial the next one may come in %v, want the 1 h backoff", wait)
	}
	if _, err := c.connection(nil); err != errBackoff {
		t.Fatalf("connection during the backoff = %v, want errBackoff", err)
	}
}

func TestUnknownMethodIsAnErrorReply(t *testing.T) {
	f := startServer(t, Options{})
	logs := &logLines{}
	e, _ := end(t, f.addr, Options{Logf: logs.logf})
	var reply EchoReply
	if e.Call("Echo.Nope", EchoArgs{}, &reply) {
		t.Fatal("call of an unknown method returned true")
	}
	logs.waitFor(t, `unknown method "Nope"`)
	if got, ok := say(e, "still"); !ok || got != "still" {
		t.Fatal("the connection did not survive an unknown method")
	}
}

func TestSizeLimit(t *testing.T) {
	f := startServer(t, Options{MaxFrame: 4096})
	small, _ := end(t, f.addr, Options{MaxFrame: 4096})
	if _, ok := say(small, strings.Repeat("x", 5000)); ok {
		t.Fatal("a call above the client's own limit returned true")
	}
	// A client with a higher limit sends it; the server refuses the frame.
	big, _ := end(t, f.addr, Options{})
	if _, ok := say(big, strings.Repeat("x", 5000)); ok {
		t.Fatal("a call above the server's limit returned true")
	}
	f.log.waitFor(t, "frame too large")
	if got, ok := say(small, "fits"); !ok || got != "fits" {
		t.Fatal("a call within the limit failed")
	}
}

// rawConn opens a connection and sends a valid hello (with token).
func rawConn(t *testing.T, addr, token string) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	if token != "-" {
		nc.Write(appendFrame(nil, message{kind: kindHello, payload: []byte(token)}))
		if _, err := readFrame(nc, 100); err != nil {
			t.Fatalf("no helloOK: %v", err)
		}
	}
	return nc
}

// expectClosed checks that the server closes nc.
func expectClosed(t *testing.T, nc net.Conn) {
	t.Helper()
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := io.Copy(io.Discard, nc)
	// A clean close (EOF, no error) or a reset both mean closed.
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server did not close the connection within 5 s")
	}
}

func TestGarbageClosesTheConnectionOnly(t *testing.T) {
	cases := []struct {
		name, token, wantLog string
		send                 []byte
	}{
		{"junk instead of hello", "-", "no hello", []byte("GET / HTTP/1.0\r\n\r\n")},
		{"request instead of hello", "-", "a request where a hello was expected", appendFrame(nil, message{kind: kindRequest, method: "Echo.Say"})},
		{"unknown kind", "", "unknown message kind", []byte{0, 0, 0, 1, 99}},
		{"reply to the server", "", "a reply where a request was expected", appendFrame(nil, message{kind: kindReply})},
		{"method overruns", "", "overruns the frame", []byte{0, 0, 0, 11, kindRequest, 0, 0, 0, 0, 0, 0, 0, 1, 0, 200}},
		{"truncated frame", "", "unexpected EOF", []byte{0, 0, 0, 50, kindRequest, 1, 2}},
		{"empty frame", "", "empty frame", []byte{0, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startServer(t, Options{})
			nc := rawConn(t, f.addr, c.token)
			nc.Write(c.send)
			if strings.Contains(c.name, "truncated") {
				nc.(*net.TCPConn).CloseWrite()
			}
			expectClosed(t, nc)
			f.log.waitFor(t, c.wantLog)
			e, _ := end(t, f.addr, Options{})
			if got, ok := say(e, "after"); !ok || got != "after" {
				t.Fatal("the server stopped serving after garbage on another connection")
			}
		})
	}
}

func TestGarbageFromTheServerClosesTheConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		readFrame(nc, 1000)
		nc.Write(appendFrame(nil, message{kind: kindHelloOK}))
		nc.Write(bytes.Repeat([]byte{0xff}, 64))
		io.Copy(io.Discard, nc)
	}()
	e, logs := end(t, ln.Addr().String(), Options{MaxFrame: 1000})
	if _, ok := say(e, "x"); ok {
		t.Fatal("a call answered with garbage returned true")
	}
	logs.waitFor(t, "frame too large")
}

func TestClusterToken(t *testing.T) {
	f := startServer(t, Options{Token: "s3cret"})
	stray, _ := end(t, f.addr, Options{Token: "guess"})
	if _, ok := say(stray, "hi"); ok {
		t.Fatal("a client with the wrong token was served")
	}
	f.log.waitFor(t, "wrong cluster token")
	none, _ := end(t, f.addr, Options{})
	if _, ok := say(none, "hi"); ok {
		t.Fatal("a client without a token was served")
	}
	peer, _ := end(t, f.addr, Options{Token: "s3cret"})
	if got, ok := say(peer, "hi"); !ok || got != "hi" {
		t.Fatal("a client with the right token was not served")
	}
}
