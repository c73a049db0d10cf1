package faults

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// ErrInjected is the error of an operation a cue made fail.
var ErrInjected = errors.New("faults: injected failure")

// Conn is a net.Conn whose writes fail, stop half way or stall, and which
// drops, when the test cues it. Without a cue it behaves as the connection
// it wraps. Cues may be given from any goroutine, during a call.
type Conn struct {
	net.Conn

	mu        sync.Mutex    // protects the fields below
	failWrite error         // non-nil: every Write fails with it, writing nothing
	shortAt   int           // >= 0: the next Write writes this many bytes, then the connection drops
	stalled   chan struct{} // non-nil: Writes wait until it is closed (Resume) or the connection drops
	deadline  time.Time     // the write deadline; a stalled Write fails when it passes, as a blocked one would
	dropped   chan struct{} // closed by Drop
	dropOnce  sync.Once
}

// NewConn wraps nc.
func NewConn(nc net.Conn) *Conn {
	return &Conn{Conn: nc, shortAt: -1, dropped: make(chan struct{})}
}

// Drop closes the connection at once, as a crashed peer or a reset would:
// calls in flight on either end see it broken.
func (c *Conn) Drop() {
	c.dropOnce.Do(func() { close(c.dropped) })
	c.Conn.Close()
}

// Close closes the connection (and releases stalled writes).
func (c *Conn) Close() error {
	c.dropOnce.Do(func() { close(c.dropped) })
	return c.Conn.Close()
}

// FailWrites makes every later Write fail with ErrInjected without writing.
func (c *Conn) FailWrites() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failWrite = ErrInjected
}

// ShortWrite makes the next Write send only its first n bytes and then drop
// the connection: a frame cut off in the middle.
func (c *Conn) ShortWrite(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shortAt = n
}

// Stall makes Writes wait, writing nothing, until Resume or Drop: a peer
// that stopped reading, or a network that stopped carrying.
func (c *Conn) Stall() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stalled == nil {
		c.stalled = make(chan struct{})
	}
}

// Resume lets stalled Writes go on.
func (c *Conn) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stalled != nil {
		close(c.stalled)
		c.stalled = nil
	}
}

// SetWriteDeadline sets the write deadline, which a stalled Write honours.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return c.Conn.SetWriteDeadline(t)
}

// SetDeadline sets both deadlines, as net.Conn's does.
func (c *Conn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

// Write applies the cues in force, then writes.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	stalled, deadline := c.stalled, c.deadline
	c.mu.Unlock()
	if stalled != nil {
		if err := c.awaitResume(stalled, deadline); err != nil {
			return 0, err
		}
	}
	c.mu.Lock()
	fail, short := c.failWrite, c.shortAt
	c.shortAt = -1
	c.mu.Unlock()
	switch {
	case fail != nil:
		return 0, fail
	case short >= 0 && short < len(p):
		n, _ := c.Conn.Write(p[:short])
		c.Drop()
		return n, ErrInjected
	}
	return c.Conn.Write(p)
}

// awaitResume waits for a stalled write to be resumed, failing it when the
// connection drops or the write deadline passes.
func (c *Conn) awaitResume(stalled chan struct{}, deadline time.Time) error {
	var expired <-chan time.Time
	if !deadline.IsZero() {
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		expired = timer.C
	}
	select {
	case <-stalled:
		return nil
	case <-c.dropped:
		return net.ErrClosed
	case <-expired:
		return os.ErrDeadlineExceeded
	}
}

// Listener wraps every connection it accepts in a Conn and hands it to the
// test through Accepted, so the test can cue faults on the server's end of
// each connection.
type Listener struct {
	net.Listener
	// Accepted receives each accepted Conn; it is buffered, and a
	// connection accepted while the buffer is full is not reported.
	Accepted chan *Conn
}

// NewListener wraps ln.
func NewListener(ln net.Listener) *Listener {
	return &Listener{Listener: ln, Accepted: make(chan *Conn, 64)}
}

// Accept accepts a connection, wraps it and reports it on Accepted.
func (l *Listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := NewConn(nc)
	select {
	case l.Accepted <- c:
	default:
	}
	return c, nil
}
