package labtcp

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/internal/loglines"
	"miniraftkv/labrpc"
)

type EchoArgs struct {
	S string
	N int
}

type EchoReply struct {
	S string
	N int
}

// Echo is the test service.
type Echo struct {
	gathered atomic.Int64
	allIn    chan struct{} // closed when gatherN calls are inside Gather at once
	gatherN  int64
	release  chan struct{} // Block returns when it is closed
	released sync.Once     // closes release
	blocked  atomic.Int64  // calls inside Block
}

// releaseBlocked lets every call to Block return, now and from now on.
func (e *Echo) releaseBlocked() {
	e.released.Do(func() { close(e.release) })
}

func (e *Echo) Say(args EchoArgs, reply *EchoReply) {
	reply.S, reply.N = args.S, args.N
}

// Gather returns once gatherN calls are inside it at the same time (N = 1),
// or after 5 s (N = 0): only calls that travel together all succeed.
func (e *Echo) Gather(args EchoArgs, reply *EchoReply) {
	if e.gathered.Add(1) == e.gatherN {
		close(e.allIn)
	}
	select {
	case <-e.allIn:
		reply.N = 1
	case <-time.After(5 * time.Second):
	}
}

func (e *Echo) Block(args EchoArgs, reply *EchoReply) {
	e.blocked.Add(1)
	defer e.blocked.Add(-1)
	<-e.release
}

// logLines is a test log that can wait for a line.
type logLines struct{ loglines.Lines }

func (l *logLines) logf(format string, args ...interface{}) { l.Logf(format, args...) }

// waitFor waits up to 5 s for a line containing want.
func (l *logLines) waitFor(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if l.Contains(want) {
			return
		}
	}
	t.Fatalf("no log line contains %q; got %q", want, l.String())
}

type fixture struct {
	echo *Echo
	srv  *Server
	log  *logLines
	addr string
}

// startServer serves an Echo service on a loopback port.
func startServer(t testing.TB, opts Options) *fixture {
	t.Helper()
	return serveEcho(t, ":0", opts)
}

// startServerOn serves an Echo service on addr.
func startServerOn(t *testing.T, addr string) *fixture {
	t.Helper()
	return serveEcho(t, addr, Options{})
}

func serveEcho(t testing.TB, addr string, opts Options) *fixture {
	t.Helper()
	f := &fixture{echo: &Echo{allIn: make(chan struct{}), release: make(chan struct{})}, log: &logLines{}}
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(f.echo))
	opts.Logf = f.log.logf
	srv, err := Listen(addr, rpcs, opts)
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.addr = srv, srv.Addr().String()
	t.Cleanup(func() {
		f.echo.releaseBlocked()
		srv.Close()
	})
	return f
}

// end returns an end to addr whose Client is closed at the test's end.
func end(t testing.TB, addr string, opts Options) (*labrpc.ClientEnd, *logLines) {
	logs := &logLines{}
	if opts.Logf == nil {
		opts.Logf = logs.logf
	}
	e, c := MakeEnd(addr, opts)
	t.Cleanup(c.Close)
	return e, logs
}

func say(e *labrpc.ClientEnd, s string) (string, bool) {
	var reply EchoReply
	ok := e.Call("Echo.Say", EchoArgs{S: s}, &reply)
	return reply.S, ok
}

func TestListenDefaultsToLoopback(t *testing.T) {
	f := startServer(t, Options{})
	if ip := f.srv.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		t.Fatalf("Listen(\":0\") listens on %v, want a loopback address", ip)
	}
}

func TestCallReturnsTheReply(t *testing.T) {
	f := startServer(t, Options{})
	e, _ := end(t, f.addr, Options{})
	for i := 0; i < 3; i++ {
		want := strings.Repeat("x", i*1000)
		if got, ok := say(e, want); !ok || got != want {
			t.Fatalf("call %d = %d bytes, %v; want %d bytes", i, len(got), ok, len(want))
		}
	}
	if n := f.srv.rpc.GetCount(); n != 3 {
		t.Fatalf("server counted %d RPCs, want 3", n)
	}
}

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

func TestConcurrentCallsShareOneConnection(t *testing.T) {
	const calls = 50
	echo := &Echo{allIn: make(chan struct{}), gatherN: calls}
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(echo))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counting := &countingListener{Listener: ln}
	srv := Serve(counting, rpcs, Options{})
	defer srv.Close()
	e, _ := end(t, ln.Addr().String(), Options{CallTimeout: 10 * time.Second})

	var wg sync.WaitGroup
	var together atomic.Int64
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var reply EchoReply
			if e.Call("Echo.Gather", EchoArgs{}, &reply) && reply.N == 1 {
				together.Add(1)
			}
		}()
	}
	wg.Wait()
	if together.Load() != calls {
		t.Fatalf("%d of %d calls were in their handler at the same time", together.Load(), calls)
	}
	if n := counting.accepted.Load(); n != 1 {
		t.Fatalf("%d concurrent calls opened %d connections, want 1", calls, n)
	}
}

func TestManyConcurrentCallsGetTheirOwnReplies(t *testing.T) {
	f := startServer(t, Options{})
	e, _ := end(t, f.addr, Options{})
	var wg sync.WaitGroup
	var wrong atomic.Int64
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				want := fmt.Sprintf("%d-%d", g, i)
				if got, ok := say(e, want); !ok || got != want {
					wrong.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	if wrong.Load() != 0 {
		t.Fatalf("%d of 1000 calls failed or got another call's reply", wrong.Load())
	}
}
