package labtcp

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"miniraftkv/labrpc"
)

// Client calls one server over TCP. It opens its connection on the first
// Call and again after the connection breaks; a failed dial makes Calls
// fail at once until a backoff has passed. All Calls share the one
// connection, each waiting for its own reply, except those whose arguments
// reach BulkBytes: they travel on a second connection of their own, so
// that a small call (a heartbeat) never waits on the wire behind a large
// one (a snapshot, a batch of entries). A Client is safe for concurrent
// use.
type Client struct {
	addr string
	opts Options
	bulk *Client // the Client of large calls; nil in that Client itself

	mu       sync.Mutex    // protects the fields below
	conn     *clientConn   // nil before the first dial and after Close
	dialing  chan struct{} // closed when the dial under way ends; nil if none
	nextDial time.Time     // no dial before then
	backoff  time.Duration // the wait after the latest failed dial; 0 after a success
	dialErr  error         // the latest dial's error; nil once a dial succeeds
	shut     bool          // Close was called
}

// ErrRefused is wrapped by the dial error (see Client.Err) of a server
// that refused the connection, as one whose cluster token differs does.
var ErrRefused = errors.New("the server refused the connection")

// Err returns why the latest dial failed, or nil if the Client has not
// dialled yet or its latest dial succeeded. Calls only say false; a
// command uses Err to tell its user why (errors.Is(err, ErrRefused) for a
// refusal, such as a wrong cluster token).
func (c *Client) Err() error {
	c.mu.Lock()
	err, dialed := c.dialErr, c.conn != nil || c.backoff > 0
	c.mu.Unlock()
	if !dialed && c.bulk != nil {
		return c.bulk.Err() // only large calls were made
	}
	return err
}

// BulkBytes is the size of encoded arguments from which a call travels on
// a Client's second connection.
const BulkBytes = 64 << 10

// NewClient returns a Client of the server at addr. It does not dial yet.
func NewClient(addr string, opts Options) *Client {
	opts = opts.withDefaults()
	bulkOpts := opts
	bulkOpts.Logf = quietReachability(opts.Logf) // the first connection reports the peer's comings and goings
	return &Client{addr: addr, opts: opts, bulk: &Client{addr: addr, opts: bulkOpts}}
}

// quietReachability passes on every line but those saying a peer is
// unreachable or back.
func quietReachability(logf func(string, ...interface{})) func(string, ...interface{}) {
	return func(format string, args ...interface{}) {
		if format == unreachableLine || format == backLine {
			return
		}
		logf(format, args...)
	}
}

// The log lines of a peer's comings and goings.
const (
	unreachableLine = "labtcp: peer %s unreachable: %v"
	backLine        = "labtcp: peer %s back"
)

// MakeEnd returns a labrpc.ClientEnd whose Calls reach the server at addr
// over TCP, for raft.Make and raftkv.StartKVServer, and the Client behind
// it, whose Close ends its connection.
func MakeEnd(addr string, opts Options) (*labrpc.ClientEnd, *Client) {
	c := NewClient(addr, opts)
	return labrpc.MakeTransportEnd(c), c
}

// Call sends the encoded arguments of svcMeth and returns the encoded
// reply, or false if none came within the call timeout: the server is
// unreachable, the connection broke, the message is too large, or the
// server answered with an error (logged), such as an unknown method.
func (c *Client) Call(svcMeth string, req []byte) ([]byte, bool) {
	if c.bulk != nil && len(req) >= BulkBytes {
		return c.bulk.Call(svcMeth, req)
	}
	timer := time.NewTimer(c.opts.CallTimeout)
	defer timer.Stop()
	cc, err := c.connection(timer.C)
	if err != nil {
		return nil, false
	}
	return cc.call(svcMeth, req, timer.C)
}

// Close ends the connections; Calls from then on return false.
func (c *Client) Close() {
	if c.bulk != nil {
		c.bulk.Close()
	}
	c.mu.Lock()
	c.shut = true
	cc := c.conn
	c.conn = nil
	c.mu.Unlock()
	if cc != nil {
		cc.close(nil)
	}
}

var (
	errShut    = errors.New("client closed")
	errBackoff = errors.New("waiting before the next dial")
	errTimeout = errors.New("call timed out")
)

// connection returns an open connection, dialling if there is none and no
// backoff forbids it. Only one Call dials at a time; the others wait for it.
func (c *Client) connection(deadline <-chan time.Time) (*clientConn, error) {
	for {
		c.mu.Lock()
		switch {
		case c.shut:
			c.mu.Unlock()
			return nil, errShut
		case c.conn != nil && !c.conn.closed():
			cc := c.conn
			c.mu.Unlock()
			return cc, nil
		case c.dialing != nil:
			wait := c.dialing
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-deadline:
				return nil, errTimeout
			}
		case time.Now().Before(c.nextDial):
			c.mu.Unlock()
			return nil, errBackoff
		}
		c.dialing = make(chan struct{})
		c.mu.Unlock()
		c.dialOnce()
	}
}

// dialOnce dials, records the outcome, and wakes the Calls waiting for it.
func (c *Client) dialOnce() {
	cc, err := dial(c.addr, c.opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(c.dialing)
	c.dialing = nil
	c.dialErr = err
	if err != nil {
		if c.backoff == 0 {
			c.opts.Logf(unreachableLine, c.addr, err)
		}
		c.backoff = min(max(2*c.backoff, c.opts.MinBackoff), c.opts.MaxBackoff)
		c.nextDial = time.Now().Add(c.backoff)
		return
	}
	if c.shut {
		cc.close(nil)
		return
	}
	if c.backoff > 0 {
		c.opts.Logf(backLine, c.addr)
	}
	c.backoff = 0
	c.conn = cc
}

// clientConn is one open connection of a Client.
type clientConn struct {
	*link
	maxFrame int
	lastRead atomic.Int64 // UnixNano of the latest frame received

	mu      sync.Mutex // protects nextID and pending
	nextID  uint64
	pending map[uint64]chan message // calls waiting for their reply, by id
}

// dial opens a connection, exchanges hellos, and starts its goroutines.
func dial(addr string, opts Options) (*clientConn, error) {
	nc, err := net.DialTimeout("tcp", addr, opts.DialTimeout)
	if err != nil {
		return nil, err
	}
	if err := clientHello(nc, opts); err != nil {
		nc.Close()
		return nil, err
	}
	cc := &clientConn{link: newLink(nc, opts.Logf), maxFrame: opts.MaxFrame, pending: map[uint64]chan message{}}
	go cc.readLoop(opts.MaxFrame, kindReply, "server", cc.deliver)
	go cc.writeLoop(opts.CallTimeout)
	return cc, nil
}

// clientHello sends the hello and waits for the server's helloOK.
func clientHello(nc net.Conn, opts Options) error {
	nc.SetDeadline(time.Now().Add(opts.DialTimeout))
	defer nc.SetDeadline(time.Time{})
	if _, err := nc.Write(appendFrame(nil, message{kind: kindHello, payload: []byte(opts.Token)})); err != nil {
		return err
	}
	body, err := readFrame(nc, opts.MaxFrame)
	if err != nil {
		return fmt.Errorf("no answer to hello: %w", err)
	}
	m, err := parseMessage(body)
	switch {
	case err != nil:
		return fmt.Errorf("the server's answer to hello: %w", err)
	case m.kind == kindRefused:
		return fmt.Errorf("%w: %q", ErrRefused, m.payload)
	case m.kind != kindHelloOK:
		return fmt.Errorf("the server's answer to hello: %w", unexpected(m.kind, kindHelloOK))
	}
	return nil
}

// call sends one request and waits for its reply.
func (cc *clientConn) call(svcMeth string, req []byte, deadline <-chan time.Time) ([]byte, bool) {
	m := message{kind: kindRequest, method: svcMeth, payload: req}
	if len(svcMeth) > maxMethodLen || frameSize(m) > cc.maxFrame {
		cc.logf("labtcp: call %s of %d bytes exceeds the frame limit %d", svcMeth, len(req), cc.maxFrame)
		return nil, false
	}
	sent := time.Now().UnixNano()
	ch := make(chan message, 1)
	cc.mu.Lock()
	cc.nextID++
	m.id = cc.nextID
	cc.pending[m.id] = ch
	cc.mu.Unlock()
	defer cc.forget(m.id)
	if !cc.send(appendFrame(nil, m), deadline) {
		return nil, false
	}
	select {
	case r := <-ch:
		if r.status != statusOK {
			cc.logf("labtcp: %s on %v: %s", svcMeth, cc.nc.RemoteAddr(), r.payload)
			return nil, false
		}
		return r.payload, true
	case <-cc.done:
		return nil, false
	case <-deadline:
		cc.closeIfSilent(sent)
		return nil, false
	}
}

func (cc *clientConn) forget(id uint64) {
	cc.mu.Lock()
	delete(cc.pending, id)
	cc.mu.Unlock()
}

// closeIfSilent closes a connection on which nothing at all arrived since
// a call that timed out was sent: the peer may be gone without a word (no
// reset), and the next Call should dial afresh rather than wait again.
func (cc *clientConn) closeIfSilent(sent int64) {
	if cc.lastRead.Load() < sent {
		cc.close(errors.New("no frame received since a call that timed out"))
	}
}

// deliver hands a reply to the call waiting for it, if it still waits.
func (cc *clientConn) deliver(m message) {
	cc.lastRead.Store(time.Now().UnixNano())
	cc.mu.Lock()
	ch := cc.pending[m.id]
	delete(cc.pending, m.id)
	cc.mu.Unlock()
	if ch != nil {
		ch <- m // buffered: never blocks
	}
}
