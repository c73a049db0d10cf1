package main

import (
	"io"
	"net"
	"sync"
)

// link is a TCP forwarder on loopback through which one server reaches
// one peer: every server's -servers list names, for each peer, the link
// from it to that peer, so the test can cut any pair apart. A cut link
// closes its connections and holds new ones silent (it reads and drops
// what they send), as a network partition looks to the servers: calls
// time out rather than fail at once. Clients reach the servers directly.
type link struct {
	ln     net.Listener
	target string

	mu    sync.Mutex // protects the fields below
	cut   bool
	conns map[net.Conn]bool // every open connection, both sides
	shut  bool
}

// newLink listens on a free loopback port and forwards to target.
func newLink(target string) (*link, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &link{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go l.acceptLoop()
	return l, nil
}

func (l *link) addr() string { return l.ln.Addr().String() }

func (l *link) acceptLoop() {
	for {
		in, err := l.ln.Accept()
		if err != nil {
			return // closed
		}
		go l.serve(in)
	}
}

// serve forwards one connection, or holds it silent while the link is cut.
func (l *link) serve(in net.Conn) {
	if !l.track(in) {
		in.Close()
		return
	}
	defer l.untrackClose(in)
	if l.isCut() {
		io.Copy(io.Discard, in) // until the link heals (which closes it) or the server hangs up
		return
	}
	out, err := net.Dial("tcp", l.target)
	if err != nil {
		return
	}
	if !l.track(out) {
		out.Close()
		return
	}
	defer l.untrackClose(out)
	done := make(chan struct{}, 2)
	go func() { io.Copy(out, in); done <- struct{}{} }()
	go func() { io.Copy(in, out); done <- struct{}{} }()
	<-done // either way broken: the deferred closes end the other copy
}

// track adds c to the open connections, or reports false once closed.
func (l *link) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.shut {
		return false
	}
	l.conns[c] = true
	return true
}

func (l *link) untrackClose(c net.Conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	c.Close()
}

func (l *link) isCut() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cut
}

// setCut cuts or heals the link; either way it closes every connection,
// so that traffic follows the new state from the next dial on.
func (l *link) setCut(cut bool) {
	l.mu.Lock()
	l.cut = cut
	conns := l.conns
	l.conns = map[net.Conn]bool{}
	l.mu.Unlock()
	for c := range conns {
		c.Close()
	}
}

// close stops the link for good.
func (l *link) close() {
	l.mu.Lock()
	l.shut = true
	l.mu.Unlock()
	l.ln.Close()
	l.setCut(true)
}

// network is the links between every ordered pair of servers:
// links[i][j] carries server i's calls to server j (nil for i == j).
type network struct {
	links [][]*link
}

// newNetwork makes the links between servers at addrs.
func newNetwork(addrs []string) (*network, error) {
	n := &network{links: make([][]*link, len(addrs))}
	for i := range addrs {
		n.links[i] = make([]*link, len(addrs))
		for j, target := range addrs {
			if i == j {
				continue
			}
			l, err := newLink(target)
			if err != nil {
				n.close()
				return nil, err
			}
			n.links[i][j] = l
		}
	}
	return n, nil
}

// serversFor is server i's -servers list: its own address, and the links
// to the others.
func (n *network) serversFor(i int, addrs []string) []string {
	out := make([]string, len(addrs))
	for j := range addrs {
		if j == i {
			out[j] = addrs[i]
		} else {
			out[j] = n.links[i][j].addr()
		}
	}
	return out
}

// isolate cuts server i off from every other server, both ways.
func (n *network) isolate(i int) {
	for j := range n.links {
		if j != i {
			n.links[i][j].setCut(true)
			n.links[j][i].setCut(true)
		}
	}
}

// heal restores every link.
func (n *network) heal() {
	for i := range n.links {
		for j, l := range n.links[i] {
			if l != nil && i != j {
				l.setCut(false)
			}
		}
	}
}

func (n *network) close() {
	for _, row := range n.links {
		for _, l := range row {
			if l != nil {
				l.close()
			}
		}
	}
}
