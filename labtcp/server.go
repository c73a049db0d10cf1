package labtcp

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"miniraftkv/labrpc"
)

// Server serves a labrpc.Server's services to Clients over TCP. Every
// request runs its handler in a goroutine of its own, as in the
// simulator (goroutines are reused, see handlerPool), and replies go back
// as handlers finish, in any order.
type Server struct {
	rpc  *labrpc.Server
	ln   net.Listener
	opts Options
	wg   sync.WaitGroup // the accept loop and every connection's reader and writer

	mu    sync.Mutex // protects conns and shut
	conns map[*link]bool
	shut  bool

	handlers handlerPool
}

// Listen listens on addr and serves rpc there. A host left out of addr
// (":7001") means the loopback address 127.0.0.1, so a server is reachable
// from other machines only when told so by an explicit host.
func Listen(addr string, rpc *labrpc.Server, opts Options) (*Server, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	return Serve(ln, rpc, opts), nil
}

// Serve serves rpc on connections accepted from ln until Close.
func Serve(ln net.Listener, rpc *labrpc.Server, opts Options) *Server {
	s := &Server{rpc: rpc, ln: ln, opts: opts.withDefaults(), conns: map[*link]bool{}}
	s.handlers.init()
	s.wg.Add(1)
	go s.acceptLoop()
	return s
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr {
	return s.ln.Addr()
}

// Close stops accepting, closes every connection, and waits for the
// server's own goroutines to end, handlers included: like net/rpc, it
// returns only once every handler still running has returned (their
// replies are dropped). A handler that can block for long must be
// unblocked first (for a raftkv server: Kill it, or let its handlers' wait
// limit run out).
func (s *Server) Close() error {
	s.mu.Lock()
	s.shut = true
	conns := make([]*link, 0, len(s.conns))
	for l := range s.conns {
		conns = append(conns, l)
	}
	s.mu.Unlock()
	err := s.ln.Close()
	for _, l := range conns {
		l.close(nil)
	}
	s.wg.Wait()
	s.handlers.close()
	return err
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	pause := time.NewTimer(0)
	defer pause.Stop()
	for {
		nc, err := s.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Out of file descriptors, say: wait a little rather than spin.
			s.opts.Logf("labtcp: accept on %v: %v", s.ln.Addr(), err)
			pause.Reset(50 * time.Millisecond)
			<-pause.C
			continue
		}
		l := newLink(nc, s.opts.Logf)
		if !s.track(l) {
			nc.Close()
			return
		}
		s.wg.Add(1)
		go s.serveConn(l)
	}
}

// track adds l to the open connections, or reports false after Close.
func (s *Server) track(l *link) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shut {
		return false
	}
	s.conns[l] = true
	return true
}

func (s *Server) untrack(l *link) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, l)
}

// serveConn checks a new connection's hello, then reads its requests until
// it closes.
func (s *Server) serveConn(l *link) {
	defer s.wg.Done()
	defer s.untrack(l)
	if err := s.acceptHello(l); err != nil {
		l.close(fmt.Errorf("rejected: %w", err))
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		l.writeLoop(s.opts.CallTimeout)
	}()
	l.readLoop(s.opts.MaxFrame, kindRequest, "client", func(m message) {
		s.handlers.run(func() { s.handle(l, m) })
	})
}

// acceptHello reads the client's hello within the dial timeout, checks its
// token, and answers helloOK. A wrong token is answered with a refusal
// that says so, so the client can tell its user why.
func (s *Server) acceptHello(l *link) error {
	l.nc.SetDeadline(time.Now().Add(s.opts.DialTimeout))
	defer l.nc.SetDeadline(time.Time{})
	body, err := readFrame(l.nc, s.opts.MaxFrame)
	if err != nil {
		return fmt.Errorf("no hello: %w", err)
	}
	m, err := parseMessage(body)
	if err != nil {
		return err
	}
	if m.kind != kindHello {
		return unexpected(m.kind, kindHello)
	}
	if s.opts.Token != "" && subtle.ConstantTimeCompare(m.payload, []byte(s.opts.Token)) != 1 {
		l.nc.Write(appendFrame(nil, message{kind: kindRefused, payload: []byte(wrongToken)}))
		return errors.New(wrongToken)
	}
	_, err = l.nc.Write(appendFrame(nil, message{kind: kindHelloOK}))
	return err
}

// wrongToken is what a server tells a client whose hello carries another
// cluster token than its own, or none.
const wrongToken = "wrong cluster token"

// handle runs one request's handler and queues its reply. An unknown
// method, undecodable args or a reply over the frame limit is an error
// reply.
func (s *Server) handle(l *link, req message) {
	out := message{kind: kindReply, id: req.id, status: statusOK}
	reply, err := s.rpc.Dispatch(req.method, req.payload)
	if err == nil {
		out.payload = reply
		if frameSize(out) > s.opts.MaxFrame {
			err = fmt.Errorf("labtcp: the reply of %d bytes exceeds the frame limit %d", len(reply), s.opts.MaxFrame)
		}
	}
	if err != nil {
		out.status, out.payload = statusError, []byte(err.Error())
	}
	l.send(appendFrame(nil, out), nil)
}
