package labtcp

import (
	"errors"
	"strings"
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// TestWrongTokenIsToldToTheClient: a server refusing a client's token says
// why, and the Client's Err reports it, so a command can tell its user
// rather than time out blaming the network.
func TestWrongTokenIsToldToTheClient(t *testing.T) {
	f := startServer(t, Options{Token: "s3cret"})
	c := NewClient(f.addr, Options{Token: "guess", Logf: (&logLines{}).logf})
	defer c.Close()
	if c.Err() != nil {
		t.Fatalf("Err before any dial = %v, want nil", c.Err())
	}
	if _, ok := c.Call("Echo.Say", nil); ok {
		t.Fatal("a client with the wrong token was served")
	}
	if err := c.Err(); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), wrongToken) {
		t.Fatalf("Err = %v; want ErrRefused saying %q", err, wrongToken)
	}
}

// TestPeerBackIsLogged: a peer that was unreachable and answers again is
// logged as back, once, and Err clears.
func TestPeerBackIsLogged(t *testing.T) {
	addr := freeAddr(t)
	logs := &logLines{}
	c := NewClient(addr, Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Logf: logs.logf})
	defer c.Close()
	if _, ok := c.Call("Echo.Say", nil); ok || c.Err() == nil {
		t.Fatalf("a call to nobody: ok %v, Err %v; want false and an error", ok, c.Err())
	}
	restartOn(t, addr)
	e := labrpc.MakeTransportEnd(c)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, ok := say(e, "hi"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no call succeeded within 5 s of the server's start")
		}
	}
	if !logs.Contains("peer "+addr+" unreachable") || !logs.Contains("peer "+addr+" back") || c.Err() != nil {
		t.Fatalf("log %q, Err %v; want unreachable, then back, and no error", logs.String(), c.Err())
	}
}
