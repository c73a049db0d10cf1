package labrpc

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/labgob"
)

type JunkArgs struct{ X int }
type JunkReply struct{ X string }

// JunkServer is a test service with value and pointer handlers and a handler
// that blocks until released.
type JunkServer struct {
	mu      sync.Mutex
	log     []int
	release chan struct{}
	entered chan struct{}
}

func (js *JunkServer) Handler1(args string, reply *int) {
	js.mu.Lock()
	defer js.mu.Unlock()
	fmt.Sscanf(args, "%d", reply)
}

func (js *JunkServer) Handler2(args int, reply *string) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.log = append(js.log, args)
	*reply = "handler2-" + fmt.Sprint(args)
}

func (js *JunkServer) Handler4(args *JunkArgs, reply *JunkReply) {
	reply.X = "pointer"
}

func (js *JunkServer) Handler5(args JunkArgs, reply *JunkReply) {
	reply.X = "value"
}

// Block waits for release, to simulate a handler that outlives its server.
func (js *JunkServer) Block(args int, reply *int) {
	js.entered <- struct{}{}
	<-js.release
	*reply = args
}

// NotAHandler has the wrong shape on purpose.
func (js *JunkServer) NotAHandler(x int) int { return x }

// cluster is one network with one JunkServer called "server" and one end "end".
type cluster struct {
	net *Network
	js  *JunkServer
	srv *Server
	end *ClientEnd
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{net: MakeNetwork(), js: &JunkServer{release: make(chan struct{}), entered: make(chan struct{}, 10)}}
	t.Cleanup(c.net.Cleanup)
	c.srv = MakeServer()
	c.srv.AddService(MakeService(c.js))
	c.net.AddServer("server", c.srv)
	c.end = c.net.MakeEnd("end")
	c.net.Connect("end", "server")
	c.net.Enable("end", true)
	return c
}

func TestBasicCall(t *testing.T) {
	c := newCluster(t)
	var reply string
	if !c.end.Call("JunkServer.Handler2", 111, &reply) || reply != "handler2-111" {
		t.Fatalf("Handler2: got %q", reply)
	}
	var n int
	if !c.end.Call("JunkServer.Handler1", "9099", &n) || n != 9099 {
		t.Fatalf("Handler1: got %d", n)
	}
}

// TestMakeNamedService checks that a service can be served under a name
// other than its type's: calls by that name reach it, calls by the type's
// name do not, and the error lists the name it was given.
func TestMakeNamedService(t *testing.T) {
	c := newCluster(t)
	c.srv.AddService(MakeNamedService("Stand", &JunkServer{}))
	var reply string
	if !c.end.Call("Stand.Handler2", 7, &reply) || reply != "handler2-7" {
		t.Fatalf("Stand.Handler2: got %q", reply)
	}
	other := MakeServer()
	other.AddService(MakeNamedService("Stand", &JunkServer{}))
	c.net.AddServer("other", other)
	c.net.Connect("end", "other")
	expectPanic(t, []string{"unknown service", "JunkServer", "[Stand]"}, func() {
		c.end.Call("JunkServer.Handler2", 7, &reply)
	})
}

// TestReplyOfTheWrongTypePanicsInProcess checks that, on a simulated
// network, a reply that does not decode into the caller's reply type is a
// programming error, as it is at an end of a Transport a failed call.
func TestReplyOfTheWrongTypePanicsInProcess(t *testing.T) {
	c := newCluster(t)
	var wrong struct{ X chan int }
	expectPanic(t, []string{"cannot decode the reply"}, func() {
		c.end.Call("JunkServer.Handler2", 7, &wrong)
	})
}

func TestValueAndPointerArgs(t *testing.T) {
	c := newCluster(t)
	cases := []struct {
		name string
		meth string
		args interface{}
		want string
	}{
		{"pointer handler, pointer args", "JunkServer.Handler4", &JunkArgs{4}, "pointer"},
		{"pointer handler, value args", "JunkServer.Handler4", JunkArgs{4}, "pointer"},
		{"value handler, value args", "JunkServer.Handler5", JunkArgs{5}, "value"},
		{"value handler, pointer args", "JunkServer.Handler5", &JunkArgs{5}, "value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var reply JunkReply
			if !c.end.Call(tc.meth, tc.args, &reply) || reply.X != tc.want {
				t.Fatalf("got %q, want %q", reply.X, tc.want)
			}
		})
	}
}

func TestDisabledEndFailsThenWorks(t *testing.T) {
	c := newCluster(t)
	c.net.Enable("end", false)
	var reply string
	if c.end.Call("JunkServer.Handler2", 1, &reply) {
		t.Fatal("call on a disabled end succeeded")
	}
	if c.srv.GetCount() != 0 {
		t.Fatal("a call on a disabled end reached the server")
	}
	c.net.Enable("end", true)
	if !c.end.Call("JunkServer.Handler2", 2, &reply) || reply != "handler2-2" {
		t.Fatalf("call after enabling: %q", reply)
	}
}

func TestUnconnectedEndAndDeletedServerFail(t *testing.T) {
	c := newCluster(t)
	lonely := c.net.MakeEnd("lonely")
	c.net.Enable("lonely", true)
	var reply string
	if lonely.Call("JunkServer.Handler2", 1, &reply) {
		t.Fatal("call on an unconnected end succeeded")
	}
	c.net.DeleteServer("server")
	if c.end.Call("JunkServer.Handler2", 1, &reply) {
		t.Fatal("call to a deleted server succeeded")
	}
}

func encodedSize(t *testing.T, v interface{}) int64 {
	t.Helper()
	var buf bytes.Buffer
	if err := labgob.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return int64(buf.Len())
}

func TestCountsAndBytesAreExact(t *testing.T) {
	c := newCluster(t)
	other := MakeServer()
	other.AddService(MakeService(&JunkServer{}))
	c.net.AddServer("other", other)
	e2 := c.net.MakeEnd("end2")
	c.net.Connect("end2", "other")
	c.net.Enable("end2", true)

	var wantBytes int64
	for i := 0; i < 17; i++ {
		var reply string
		if !c.end.Call("JunkServer.Handler2", i, &reply) {
			t.Fatal("reliable call failed")
		}
		wantBytes += encodedSize(t, i) + encodedSize(t, &reply)
	}
	for i := 0; i < 5; i++ {
		var reply JunkReply
		e2.Call("JunkServer.Handler4", &JunkArgs{i}, &reply)
		wantBytes += encodedSize(t, &JunkArgs{i}) + encodedSize(t, &reply)
	}
	// A call on a disabled end enters the network (and its request bytes
	// count) but is never delivered.
	c.net.Enable("end2", false)
	var lost JunkReply
	e2.Call("JunkServer.Handler4", &JunkArgs{99}, &lost)
	wantBytes += encodedSize(t, &JunkArgs{99})

	if got := c.net.GetCount("server"); got != 17 {
		t.Errorf("GetCount(server) = %d, want 17", got)
	}
	if got := c.net.GetCount("other"); got != 5 {
		t.Errorf("GetCount(other) = %d, want 5", got)
	}
	if got := c.net.GetTotalCount(); got != 23 {
		t.Errorf("GetTotalCount = %d, want 23", got)
	}
	if got := c.net.GetTotalBytes(); got != wantBytes {
		t.Errorf("GetTotalBytes = %d, want %d", got, wantBytes)
	}
}

func TestManyEndsManyCallsConcurrently(t *testing.T) {
	c := newCluster(t)
	const ends, calls = 20, 50
	var wg sync.WaitGroup
	var failures atomic.Int64
	for i := 0; i < ends; i++ {
		name := fmt.Sprintf("end-%d", i)
		e := c.net.MakeEnd(name)
		c.net.Connect(name, "server")
		c.net.Enable(name, true)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < calls; j++ {
				var reply string
				arg := 100*i + j
				if !e.Call("JunkServer.Handler2", arg, &reply) || reply != "handler2-"+fmt.Sprint(arg) {
					failures.Add(1)
				}
			}
		}(i)
	}
	wg.Wait()
	if failures.Load() != 0 || c.net.GetCount("server") != ends*calls {
		t.Fatalf("%d failed calls, %d delivered of %d", failures.Load(), c.net.GetCount("server"), ends*calls)
	}
}

func TestOneEndManyConcurrentCalls(t *testing.T) {
	c := newCluster(t)
	const calls = 200
	var wg sync.WaitGroup
	var failures atomic.Int64
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var reply int
			if !c.end.Call("JunkServer.Handler1", fmt.Sprint(i), &reply) || reply != i {
				failures.Add(1)
			}
		}(i)
	}
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d of %d concurrent calls on one end failed", failures.Load(), calls)
	}
}

// TestUnreliableDropRates checks both loss rates separately: requests that
// reach the server (90%) and replies that make it back (90% of those).
func TestUnreliableDropRates(t *testing.T) {
	c := newCluster(t)
	c.net.Reliable(false)
	const calls = 1000
	var wg sync.WaitGroup
	var ok atomic.Int64
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var reply string
			if c.end.Call("JunkServer.Handler2", i, &reply) {
				ok.Add(1)
			}
		}(i)
	}
	wg.Wait()
	delivered := float64(c.srv.GetCount()) / calls
	replied := float64(ok.Load()) / float64(c.srv.GetCount())
	// Four standard deviations of a binomial proportion with p=0.9, n=1000
	// is about 0.038: a correct network fails this about once in 15,000 runs.
	if delivered < 0.86 || delivered > 0.94 {
		t.Errorf("%.3f of requests delivered, want 0.90 +- 0.04", delivered)
	}
	if replied < 0.855 || replied > 0.945 {
		t.Errorf("%.3f of delivered requests got a reply, want 0.90 +- 0.045", replied)
	}
}

func TestLongReorderingDelaysReplies(t *testing.T) {
	c := newCluster(t)
	c.net.LongReordering(true)
	const calls = 300
	durations := make([]time.Duration, calls)
	var wg sync.WaitGroup
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			start := time.Now()
			var reply string
			if !c.end.Call("JunkServer.Handler2", i, &reply) {
				t.Errorf("reliable reordering network lost a call")
			}
			durations[i] = time.Since(start)
		}(i)
	}
	wg.Wait()
	held := 0
	for _, d := range durations {
		if d > 2300*time.Millisecond {
			t.Fatalf("a reply was held %v, want at most about 2.2 s", d)
		}
		if d >= 200*time.Millisecond {
			held++
		}
	}
	// Two in three replies are held back: expect 200 +- 35 of 300.
	if held < 165 || held > 235 {
		t.Fatalf("%d of %d replies held back at least 200 ms, want about two thirds", held, calls)
	}
}

// startStuckCalls disables the end with long delays on and starts k calls
// that will wait up to 7 s; their results arrive on the returned channel.
func startStuckCalls(c *cluster, k int) chan bool {
	c.net.LongDelays(true)
	c.net.Enable("end", false)
	results := make(chan bool)
	for i := 0; i < k; i++ {
		go func() {
			var reply string
			results <- c.end.Call("JunkServer.Handler2", 1, &reply)
		}()
	}
	time.Sleep(20 * time.Millisecond) // let them enter the network
	return results
}

func TestStuckCallDoesNotDelayLaterCalls(t *testing.T) {
	c := newCluster(t)
	stuck := startStuckCalls(c, 5)
	c.net.Enable("end", true)
	start := time.Now()
	var reply string
	if !c.end.Call("JunkServer.Handler2", 2, &reply) {
		t.Fatal("call after re-enabling failed")
	}
	if d := time.Since(start); d > 30*time.Millisecond {
		t.Fatalf("call after re-enabling took %v, want under 30 ms", d)
	}
	c.net.Cleanup() // releases the stuck calls at once
	for i := 0; i < 5; i++ {
		<-stuck
	}
}

func TestCallToServerDeletedDuringHandlerFails(t *testing.T) {
	c := newCluster(t)
	result := make(chan bool)
	go func() {
		var reply int
		result <- c.end.Call("JunkServer.Block", 7, &reply)
	}()
	<-c.js.entered
	deleted := time.Now()
	c.net.DeleteServer("server")
	select {
	case ok := <-result:
		if ok {
			t.Fatal("call to a deleted server returned true")
		}
		if d := time.Since(deleted); d > 150*time.Millisecond {
			t.Fatalf("call returned %v after its server was deleted, want about 100 ms", d)
		}
	case <-time.After(time.Second):
		t.Fatal("call to a deleted server still waiting after 1 s")
	}
	close(c.js.release)
}

func TestLateReplyFromDeletedServerIsDropped(t *testing.T) {
	c := newCluster(t)
	result := make(chan bool)
	go func() {
		var reply int
		result <- c.end.Call("JunkServer.Block", 7, &reply)
	}()
	<-c.js.entered
	c.net.DeleteServer("server")
	close(c.js.release) // the handler finishes at once, after the delete
	if <-result {
		t.Fatal("a reply from a server deleted while its handler ran was delivered")
	}
}

func TestCleanupFailsCallsAndLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	c := newCluster(t)
	done := startStuckCalls(c, 10)
	c.net.Cleanup()
	for i := 0; i < 10; i++ {
		if <-done {
			t.Fatal("a call waiting on a disabled end succeeded")
		}
	}
	c.net.Enable("end", true)
	var reply string
	if c.end.Call("JunkServer.Handler2", 1, &reply) {
		t.Fatal("a call after Cleanup succeeded")
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after Cleanup, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func expectPanic(t *testing.T, want []string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg := fmt.Sprint(r)
		if r == nil {
			t.Fatalf("no panic; want one mentioning %q", want)
		}
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Fatalf("panic %q does not mention %q", msg, w)
			}
		}
	}()
	f()
}

func TestUnknownNamesAreClearErrors(t *testing.T) {
	c := newCluster(t)
	var reply int
	expectPanic(t, []string{"unknown service", "Nope", "JunkServer"}, func() {
		c.end.Call("Nope.Handler1", "1", &reply)
	})
	expectPanic(t, []string{"unknown method", "Missing", "Handler1", "Handler2"}, func() {
		c.end.Call("JunkServer.Missing", "1", &reply)
	})
	expectPanic(t, []string{"not an RPC handler", "NotAHandler"}, func() {
		c.end.Call("JunkServer.NotAHandler", 1, &reply)
	})
	expectPanic(t, []string{"already exists"}, func() {
		c.net.MakeEnd("end")
	})
}

type echoService struct{}
type EchoArgs struct{ N int }
type EchoReply struct{ N int }

func (echoService) Echo(args EchoArgs, reply *EchoReply) { reply.N = args.N }

func benchEnd(b *testing.B) (*Network, *ClientEnd) {
	net := MakeNetwork()
	srv := MakeServer()
	srv.AddService(MakeService(echoService{}))
	net.AddServer("s", srv)
	end := net.MakeEnd("e")
	net.Connect("e", "s")
	net.Enable("e", true)
	return net, end
}

// BenchmarkCallSequential measures one small round trip at a time: the unit
// the Raft and KV benchmarks compare themselves to.
func BenchmarkCallSequential(b *testing.B) {
	net, end := benchEnd(b)
	defer net.Cleanup()
	b.ReportAllocs()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var reply EchoReply
		if !end.Call("echoService.Echo", EchoArgs{i}, &reply) {
			b.Fatal("call failed")
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N), "ns/call")
}

// BenchmarkCallConcurrent measures small calls from many goroutines at once.
func BenchmarkCallConcurrent(b *testing.B) {
	net, end := benchEnd(b)
	defer net.Cleanup()
	b.ReportAllocs()
	b.SetParallelism(8)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var reply EchoReply
			if !end.Call("echoService.Echo", EchoArgs{1}, &reply) {
				b.Fatal("call failed")
			}
		}
	})
	elapsed := time.Since(start)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N), "ns/call")
}
