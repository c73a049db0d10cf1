package labtcp

import (
	"log"
	"time"
)

// Options configure both ends of a connection. The zero value is usable:
// every zero field takes the default named on it.
type Options struct {
	// Token is the shared cluster token. A client sends it when it opens
	// a connection; a server with a Token closes every connection whose
	// hello does not carry the same one. Empty: a server accepts any
	// client. The token travels in clear: it keeps stray clients out, it
	// is no defence against someone who can read the traffic.
	Token string
	// MaxFrame bounds a frame's size in bytes, checked before allocating:
	// a larger frame received closes the connection, a larger call or
	// reply to send fails. Default DefaultMaxFrame.
	MaxFrame int
	// CallTimeout is how long a Call waits for its reply, dialling
	// included, before it returns false. Default 1 s.
	CallTimeout time.Duration
	// DialTimeout bounds opening a connection and its hello exchange, on
	// both ends. Default 1 s.
	DialTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed dial before
	// the next one; Calls in between fail at once. The wait doubles with
	// each failure. Defaults 50 ms and 2 s.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// Logf receives one line per notable event: a peer unreachable or
	// back, a connection closed for garbage, a rejected client. Default
	// log.Printf.
	Logf func(format string, args ...interface{})
}

// DefaultMaxFrame is MaxFrame's default: room for a large snapshot.
const DefaultMaxFrame = 64 << 20

func (o Options) withDefaults() Options {
	if o.MaxFrame <= 0 {
		o.MaxFrame = DefaultMaxFrame
	}
	o.CallTimeout = orDefault(o.CallTimeout, time.Second)
	o.DialTimeout = orDefault(o.DialTimeout, time.Second)
	o.MinBackoff = orDefault(o.MinBackoff, 50*time.Millisecond)
	o.MaxBackoff = max(orDefault(o.MaxBackoff, 2*time.Second), o.MinBackoff)
	if o.Logf == nil {
		o.Logf = log.Printf
	}
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
