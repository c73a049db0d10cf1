package labrpc

import "time"

// Handlers run in goroutines of the network's own. A new goroutine starts
// with a small stack and grows it again (copying it) to decode a request
// and run a handler, which costs about a tenth of a KV operation; so a
// goroutine that has run a handler stays, idle, to run the next one.
// Each request still gets a goroutine to itself: an idle one if there is
// one, a new one otherwise. Idle goroutines exit when the network is
// cleaned up.

// handlerJob is one request for a handler goroutine.
type handlerJob struct {
	server *Server
	svc    *Service
	method *method
	req    []byte
	reply  chan<- []byte // buffered 1
}

// startHandler runs job's handler on an idle handler goroutine, or on a new
// one if none is idle.
func (n *Network) startHandler(job handlerJob) {
	select {
	case n.idleHandlers <- job:
	default:
		go n.runHandlers(job)
	}
}

// runHandlers runs job, then every job handed to it while idle, until the
// network is cleaned up.
func (n *Network) runHandlers(job handlerJob) {
	for {
		job.reply <- job.server.dispatch(job.svc, job.method, job.req)
		select {
		case job = <-n.idleHandlers:
		case <-n.done:
			return
		}
	}
}

// deadCheck returns a channel that is closed within deadCheckInterval. Calls
// whose handlers are still running wait on it to check, about every
// deadCheckInterval, whether their server was deleted or their end
// disabled; they share one timer instead of each making its own.
func (n *Network) deadCheck() <-chan struct{} {
	n.tickMu.Lock()
	defer n.tickMu.Unlock()
	if n.tick == nil {
		tick := make(chan struct{})
		n.tick = tick
		time.AfterFunc(deadCheckInterval, func() {
			n.tickMu.Lock()
			n.tick = nil
			n.tickMu.Unlock()
			close(tick)
		})
	}
	return n.tick
}
