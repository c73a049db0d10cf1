package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"miniraftkv/internal/kvnode"
	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// invoke runs raftkv with args and stdin, and returns its exit status,
// standard output and standard error.
func invoke(args []string, stdin string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// serve starts a TCP server of rpcs on a loopback port for the test.
func serve(t *testing.T, rpcs *labrpc.Server, opts labtcp.Options) string {
	t.Helper()
	opts.Logf = func(string, ...interface{}) {}
	srv, err := labtcp.Listen("127.0.0.1:0", rpcs, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.Addr().String()
}

// leaderless is a server that accepts connections but serves no KV
// operation, as a cluster without a leader: a Clerk keeps retrying.
func leaderless(t *testing.T, opts labtcp.Options) string {
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(&kvnode.Node{Report: func(*kvnode.StatusReply) {}}))
	return serve(t, rpcs, opts)
}

// TestExitStatuses checks the exit status and message of each kind of
// failure, and that each comes within its deadline.
func TestExitStatuses(t *testing.T) {
	dead := "-servers=127.0.0.1:1"
	stuck := "-servers=" + leaderless(t, labtcp.Options{})
	guarded := "-servers=" + leaderless(t, labtcp.Options{Token: "s3cret"})
	big := strings.Repeat("v", raftkv.MaxValueBytes)
	cases := []struct {
		args  []string
		stdin string
		code  int
		says  string
		limit time.Duration
	}{
		{[]string{dead}, "", exitUsage, "no command", time.Second},
		{[]string{dead, "frob"}, "", exitUsage, `unknown command "frob"`, time.Second},
		{[]string{dead, "put", "k"}, "", exitUsage, "put takes 2 argument(s), got 1", time.Second},
		{[]string{dead, "get", "k", "extra"}, "", exitUsage, "get takes 1 argument(s), got 2", time.Second},
		{[]string{dead, "status", "extra"}, "", exitUsage, "status takes no arguments", time.Second},
		{[]string{dead, "bench", "extra"}, "", exitUsage, `unexpected argument "extra"`, time.Second},
		{[]string{"-servers=nohost", "get", "k"}, "", exitUsage, "not host:port", time.Second},
		{[]string{"-servers=a:1,a:1", "get", "k"}, "", exitUsage, "are the same", time.Second},
		{[]string{dead, "-timeout=0s", "get", "k"}, "", exitUsage, "-timeout 0s", time.Second},
		{[]string{dead, "bench", "-clients", "0"}, "", exitUsage, "must be positive", time.Second},
		{[]string{dead, "put", "k", big}, "", exitError, "exceed the limit", time.Second},
		{[]string{dead, "put", "k", "-"}, big + "!", exitError, "standard input exceeds the limit", time.Second},
		{[]string{dead, "-timeout=5s", "get", "k"}, "", exitError, "no server can be reached", time.Second},
		{[]string{dead, "-timeout=5s", "bench", "-clients", "2", "-duration", "1s"}, "", exitError,
			"no server can be reached", time.Second},
		{[]string{guarded, "-token=guess", "-timeout=5s", "put", "k", "v"}, "", exitError, "wrong cluster token", time.Second},
		{[]string{stuck, "-timeout=300ms", "get", "k"}, "", exitTimeout, "no leader applied", 2 * time.Second},
		{[]string{stuck, "-timeout=300ms", "bench", "-clients", "2", "-duration", "200ms"}, "", exitTimeout,
			"no leader applied", 2 * time.Second},
		{[]string{dead, "status"}, "", exitError, "no server answered", 2 * time.Second},
		{[]string{dead + ",127.0.0.1:2", "-timeout=300ms", "status", "-wait"}, "", exitError, "no server answered", 2 * time.Second},
		{[]string{stuck + ",127.0.0.1:1", "-timeout=300ms", "status", "-wait"}, "", exitError,
			"1 of 2 servers answered within 300ms", 2 * time.Second},
	}
	for _, c := range cases {
		start := time.Now()
		code, _, errOut := invoke(c.args, c.stdin)
		took := time.Since(start)
		if code != c.code || !strings.Contains(errOut, c.says) || took > c.limit {
			short := strings.Join(c.args, " ")
			if len(short) > 100 {
				short = short[:100] + "..."
			}
			t.Errorf("raftkv %s: exit %d after %v, stderr %.300q; want exit %d within %v saying %q",
				short, code, took.Round(time.Millisecond), errOut, c.code, c.limit, c.says)
		}
	}
}

// TestHelpListsCommands: -h prints the usage with every command and exits 0.
func TestHelpListsCommands(t *testing.T) {
	code, _, errOut := invoke([]string{"-h"}, "")
	for _, cmd := range []string{"get KEY", "put KEY VALUE", "append KEY VALUE", "status", "bench", "members",
		"add-server ID ADDR", "remove-server ID", "-servers"} {
		if !strings.Contains(errOut, cmd) {
			t.Errorf("raftkv -h does not mention %q:\n%s", cmd, errOut)
		}
	}
	if code != exitOK {
		t.Errorf("raftkv -h exit %d, want 0", code)
	}
}

// TestPutFromStdin: "put KEY -" takes the value from standard input, byte
// for byte, on a one-server cluster over TCP.
func TestPutFromStdin(t *testing.T) {
	rpcs := labrpc.MakeServer()
	addr := serve(t, rpcs, labtcp.Options{})
	ends, clients := kvnode.Dial([]string{addr}, labtcp.Options{Logf: func(string, ...interface{}) {}})
	defer kvnode.CloseAll(clients)
	kv := raftkv.StartKVServer(ends, 0, raft.MakePersister(), -1)
	defer kv.Kill()
	rpcs.AddService(labrpc.MakeService(kv))
	rpcs.AddService(labrpc.MakeService(kv.Raft()))
	value := strings.Repeat("line of a long value\n", 10000) // past what a command line takes
	servers := "-servers=" + addr
	if code, _, errOut := invoke([]string{servers, "put", "k", "-"}, value); code != exitOK {
		t.Fatalf("put k - : exit %d, stderr %q", code, errOut)
	}
	code, out, errOut := invoke([]string{servers, "get", "k"}, "")
	if code != exitOK || out != value+"\n" {
		t.Fatalf("get k: exit %d, %d bytes out (want %d), stderr %q", code, len(out), len(value)+1, errOut)
	}
}

// TestStatusLine checks that status prints what a Node reports.
func TestStatusLine(t *testing.T) {
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(&kvnode.Node{Report: func(r *kvnode.StatusReply) {
		r.Term, r.IsLeader, r.Fsyncs = 7, true, 3
	}}))
	addr := serve(t, rpcs, labtcp.Options{})
	code, out, errOut := invoke([]string{"-servers", addr, "-timeout", time.Second.String(), "status"}, "")
	if code != exitOK || !strings.Contains(out, "term 7 leader") || !strings.Contains(out, "3 fsyncs") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 0 and term 7 leader, 3 fsyncs", code, out, errOut)
	}
}
