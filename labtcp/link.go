package labtcp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"time"
)

// link is what both ends of a connection share: the socket, a writer
// goroutine that sends queued frames in order, and the way to close it
// once for everyone.
type link struct {
	nc        net.Conn
	sendq     chan []byte   // framed messages for writeLoop
	done      chan struct{} // closed when the connection is closed
	closeOnce sync.Once
	logf      func(format string, args ...interface{})
}

// sendQueueLen lets many concurrent calls queue their frames without
// waiting for the writer.
const sendQueueLen = 256

func newLink(nc net.Conn, logf func(string, ...interface{})) *link {
	return &link{nc: nc, sendq: make(chan []byte, sendQueueLen), done: make(chan struct{}), logf: logf}
}

// close closes the connection; why, if not nil, is logged, once.
func (l *link) close(why error) {
	l.closeOnce.Do(func() {
		if why != nil {
			l.logf("labtcp: closing connection %v -> %v: %v", l.nc.LocalAddr(), l.nc.RemoteAddr(), why)
		}
		close(l.done)
		l.nc.Close()
	})
}

// closed reports whether the connection has been closed.
func (l *link) closed() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// send queues a framed message, or reports false if the connection closed
// or the deadline passed first.
func (l *link) send(frame []byte, deadline <-chan time.Time) bool {
	select {
	case l.sendq <- frame:
		return true
	case <-l.done:
		return false
	case <-deadline:
		return false
	}
}

// writeLoop writes queued frames until the connection closes, flushing
// when the queue runs dry, so frames queued together go out in one write.
// Before it flushes it yields the processor once and takes what was
// queued meanwhile: replies to a burst of requests finish within
// microseconds of each other, and each write costs a system call. A write
// that cannot finish within timeout (the peer stopped reading) closes the
// connection.
func (l *link) writeLoop(timeout time.Duration) {
	w := bufio.NewWriterSize(l.nc, 64<<10)
	for {
		var frame []byte
		select {
		case frame = <-l.sendq:
		case <-l.done:
			return
		}
		l.nc.SetWriteDeadline(time.Now().Add(timeout))
		err := writeQueued(w, frame, l.sendq)
		if err == nil {
			err = l.writeLate(w)
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			l.close(err)
			return
		}
	}
}

// writeLate yields once and writes the frames queued meanwhile.
func (l *link) writeLate(w *bufio.Writer) error {
	runtime.Gosched()
	select {
	case frame := <-l.sendq:
		return writeQueued(w, frame, l.sendq)
	default:
		return nil
	}
}

// writeQueued writes frame and every frame already waiting in q.
func writeQueued(w *bufio.Writer, frame []byte, q chan []byte) error {
	for {
		if _, err := w.Write(frame); err != nil {
			return err
		}
		select {
		case frame = <-q:
		default:
			return nil
		}
	}
}

// newReader buffers a connection's reads, so small frames cost one system
// call for many.
func newReader(nc net.Conn) *bufio.Reader {
	return bufio.NewReaderSize(nc, 64<<10)
}

// quietIfClosed returns the error worth logging when a read failed with
// err: none if this side closed the connection itself or the peer closed it
// cleanly between frames.
func quietIfClosed(l *link, err error) error {
	if l.closed() || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// readLoop reads messages of kind want and hands each to handle until the
// connection breaks. Anything else, garbage from peer ("client" or
// "server"), closes the connection with a log line.
func (l *link) readLoop(maxFrame int, want byte, peer string, handle func(message)) {
	r := newReader(l.nc)
	for {
		body, err := readFrame(r, maxFrame)
		if err != nil {
			l.close(quietIfClosed(l, err))
			return
		}
		m, err := parseMessage(body)
		if err == nil && m.kind != want {
			err = unexpected(m.kind, want)
		}
		if err != nil {
			l.close(fmt.Errorf("garbage from the %s: %w", peer, err))
			return
		}
		handle(m)
	}
}
