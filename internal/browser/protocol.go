package browser

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// message is one DevTools protocol message: a command (ID and Method), its
// reply (ID and Result or Error) or an event (Method and Params only).
type message struct {
	ID        int             `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// maxMessage bounds one message from the browser; screenshots of a tall
// page are the largest.
const maxMessage = 256 << 20

// conn speaks the protocol over the pipes of --remote-debugging-pipe:
// JSON messages, each ended by a NUL byte.
type conn struct {
	w       io.Writer
	writeMu sync.Mutex // serializes writes to w

	mu      sync.Mutex // protects the fields below
	next    int
	waiting map[int]chan message
	broken  error         // why the connection ended, once it has
	done    chan struct{} // closed when the connection ends

	onEvent func(message) // called by the reader for every event
}

func newConn(r io.Reader, w io.Writer, onEvent func(message)) *conn {
	c := &conn{w: w, waiting: map[int]chan message{}, done: make(chan struct{}), onEvent: onEvent}
	go c.readLoop(r)
	return c
}

// readLoop hands each reply to the call waiting for it and each event to
// onEvent, until the browser closes its end.
func (c *conn) readLoop(r io.Reader) {
	in := bufio.NewReaderSize(r, 1<<16)
	var err error
	for err == nil {
		var raw []byte
		if raw, err = readMessage(in); err != nil {
			break
		}
		var m message
		if err = json.Unmarshal(raw, &m); err != nil {
			err = fmt.Errorf("browser sent a message that is not JSON: %v", err)
			break
		}
		if m.ID == 0 {
			c.onEvent(m)
			continue
		}
		c.mu.Lock()
		ch := c.waiting[m.ID]
		delete(c.waiting, m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m // buffered: never blocks
		}
	}
	c.mu.Lock()
	c.broken = fmt.Errorf("connection to the browser ended: %v", err)
	c.mu.Unlock()
	close(c.done)
}

// readMessage reads up to the next NUL byte, at most maxMessage bytes.
func readMessage(in *bufio.Reader) ([]byte, error) {
	var raw []byte
	for {
		chunk, err := in.ReadSlice(0)
		raw = append(raw, chunk...)
		if len(raw) > maxMessage {
			return nil, fmt.Errorf("browser sent a message over %d bytes", maxMessage)
		}
		if err == nil {
			return raw[:len(raw)-1], nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}

// call sends a command in session ("" for the browser itself) and decodes
// its result into result (nil to ignore it).
func (c *conn) call(session, method string, params, result any, timeout time.Duration) error {
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	ch := make(chan message, 1)
	c.mu.Lock()
	if c.broken != nil {
		c.mu.Unlock()
		return c.broken
	}
	c.next++
	id := c.next
	c.waiting[id] = ch
	c.mu.Unlock()
	out, err := json.Marshal(message{ID: id, SessionID: session, Method: method, Params: p})
	if err != nil {
		return err
	}
	c.writeMu.Lock()
	_, err = c.w.Write(append(out, 0))
	c.writeMu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %v", method, err)
	}
	return c.await(id, method, ch, result, timeout)
}

// await waits for the reply to command id.
func (c *conn) await(id int, method string, ch chan message, result any, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s (code %d)", method, m.Error.Message, m.Error.Code)
		}
		if result == nil {
			return nil
		}
		return json.Unmarshal(m.Result, result)
	case <-timer.C:
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
		return fmt.Errorf("%s: no reply from the browser in %v", method, timeout)
	case <-c.done:
		select {
		case m := <-ch: // the reply came just before the end
			ch <- m
			return c.await(id, method, ch, result, timeout)
		default:
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return fmt.Errorf("%s: %v", method, c.broken)
	}
}
