package main

import (
	"sync"

	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
)

// dialer hands out one ClientEnd per peer address, made on first use, and
// closes them all at shutdown. end never blocks (labtcp dials on the first
// call), so Raft may call it with its lock held.
type dialer struct {
	opts labtcp.Options

	mu      sync.Mutex // protects the fields below
	ends    map[string]*labrpc.ClientEnd
	clients []*labtcp.Client
}

func newDialer(opts labtcp.Options) *dialer {
	return &dialer{opts: opts, ends: map[string]*labrpc.ClientEnd{}}
}

// end returns the ClientEnd of the server at addr.
func (d *dialer) end(addr string) *labrpc.ClientEnd {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.ends[addr]; ok {
		return e
	}
	e, c := labtcp.MakeEnd(addr, d.opts)
	d.ends[addr] = e
	d.clients = append(d.clients, c)
	return e
}

// endsOf returns the ClientEnds of addrs, in order.
func (d *dialer) endsOf(addrs []string) []*labrpc.ClientEnd {
	out := make([]*labrpc.ClientEnd, len(addrs))
	for i, a := range addrs {
		out[i] = d.end(a)
	}
	return out
}

// close closes every client made so far.
func (d *dialer) close() {
	d.mu.Lock()
	clients := d.clients
	d.clients = nil
	d.mu.Unlock()
	for _, c := range clients {
		c.Close()
	}
}
