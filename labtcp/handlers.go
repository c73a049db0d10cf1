package labtcp

import "sync"

// handlerPool runs each request's handler on a goroutine of its own, as
// labrpc's simulator does, but reuses goroutines that have finished a
// handler rather than starting a new one per request. A new goroutine
// starts with a small stack and grows it again, copying, to run a handler
// that encodes and decodes with labgob: on a busy server that cost a
// tenth of its CPU. There are never fewer goroutines than handlers
// running, so a handler that blocks (a KV request waiting for its entry
// to commit) holds up no other; the idle ones wait for work and end when
// the Server closes, all but maxIdleHandlers of them. Like net/rpc, which
// waits for a connection's handlers before it closes the connection, the
// pool's close waits for every goroutine, so none outlives its Server.
type handlerPool struct {
	jobs      chan func()    // unbuffered: a send succeeds only if a goroutine is idle
	done      chan struct{}  // closed by close
	running   sync.WaitGroup // every goroutine of the pool
	closeOnce sync.Once

	mu   sync.Mutex // protects idle
	idle int        // goroutines waiting on jobs
}

// maxIdleHandlers bounds the goroutines kept waiting for work; a busier
// burst's extra goroutines end after their handler.
const maxIdleHandlers = 512

func (p *handlerPool) init() {
	p.jobs = make(chan func())
	p.done = make(chan struct{})
}

// run runs job on an idle goroutine, or on a new one if none is idle.
func (p *handlerPool) run(job func()) {
	select {
	case p.jobs <- job:
	default:
		p.running.Add(1)
		go p.work(job)
	}
}

// work runs job, then the jobs handed to it while idle, until the pool
// closes or enough other goroutines are idle.
func (p *handlerPool) work(job func()) {
	defer p.running.Done()
	for {
		job()
		if !p.goIdle() {
			return
		}
		select {
		case job = <-p.jobs:
			p.wake()
		case <-p.done:
			p.wake()
			return
		}
	}
}

// goIdle counts the caller as idle, unless maxIdleHandlers already are.
func (p *handlerPool) goIdle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idle >= maxIdleHandlers {
		return false
	}
	p.idle++
	return true
}

func (p *handlerPool) wake() {
	p.mu.Lock()
	p.idle--
	p.mu.Unlock()
}

// close ends the idle goroutines and waits for the running handlers to
// return. Caller makes sure that run is not called any more.
func (p *handlerPool) close() {
	p.closeOnce.Do(func() { close(p.done) })
	p.running.Wait()
}
