package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"miniraftkv/internal/debugline"
	"miniraftkv/labrpc"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// raft/debug.go and raftkv/debug.go print the layout of internal/debugline
// with their own few lines, because the lab packages import nothing but
// the lab's own. These tests hold them to it: a small KV cluster runs in a
// child process with RAFT_DEBUG and KV_DEBUG on, and every line it writes
// to standard error must parse, with a known topic and role.

// scenarioEnv, set in a child process's environment, makes
// TestDebugLineScenario run the scenario instead of skipping.
const scenarioEnv = "RAFTLOG_DEBUG_SCENARIO"

// scenarioLimit bounds the child process; the scenario takes about a
// second.
const scenarioLimit = 2 * time.Minute

func TestDebugLinesOfRaftAndKVParse(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a KV cluster for a few seconds")
	}
	// A KV service that cannot commit would keep its clerk retrying.
	ctx, cancel := context.WithTimeout(context.Background(), scenarioLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDebugLineScenario$", "-test.count=1")
	cmd.Env = append(os.Environ(), scenarioEnv+"=1", "RAFT_DEBUG=1", "KV_DEBUG=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil {
		t.Fatalf("the scenario failed (limit %v): %v\n%s\n%s", scenarioLimit, err, out, tail(stderr.String(), 20))
	}
	seen := checkDebugLines(t, stderr.String())
	// Both printers, and the main paths of each, must have had their say.
	for _, topic := range []string{debugline.Vote, debugline.Leader, debugline.Log, debugline.Commit,
		debugline.Apply, debugline.Snapshot, debugline.KVPut, debugline.KVGet, debugline.KVApply,
		debugline.KVSnapshot, debugline.Clerk} {
		if seen[topic] == 0 {
			t.Errorf("no %s line among the scenario's debug lines (topics seen: %v)", topic, seen)
		}
	}
}

// checkDebugLines fails the test for every line of out that does not parse
// or names an unknown topic or role, and counts the lines of each topic.
func checkDebugLines(t *testing.T, out string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	bad := 0
	for n := 1; sc.Scan(); n++ {
		l, ok := debugline.Parse(sc.Text())
		switch {
		case !ok:
			t.Errorf("line %d does not parse: %q", n, sc.Text())
		case !debugline.KnownTopic(l.Topic):
			t.Errorf("line %d has an unknown topic %s: %q", n, l.Topic, sc.Text())
		case !debugline.KnownRole(l.Role):
			t.Errorf("line %d has an unknown role %s: %q", n, l.Role, sc.Text())
		default:
			seen[l.Topic]++
			continue
		}
		if bad++; bad == 10 {
			t.Fatal("giving up after 10 bad lines")
		}
	}
	if len(seen) == 0 {
		t.Fatal("the scenario wrote no debug lines")
	}
	return seen
}

// TestDebugLineScenario is the child process of
// TestDebugLinesOfRaftAndKVParse: three KV servers, an election, a few
// dozen operations through one clerk (enough to snapshot), and a shutdown.
func TestDebugLineScenario(t *testing.T) {
	if os.Getenv(scenarioEnv) == "" {
		t.Skip("run by TestDebugLinesOfRaftAndKVParse in a child process")
	}
	const n = 3
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	for i := 0; i < n; i++ {
		kv := raftkv.StartKVServer(endsTo(net, fmt.Sprintf("s%d-", i), n), i, raft.MakePersister(), 1000)
		defer kv.Kill()
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(kv))
		srv.AddService(labrpc.MakeService(kv.Raft()))
		net.AddServer(i, srv)
	}
	ck := raftkv.MakeClerk(endsTo(net, "clerk-", n))
	want := ""
	for i := 0; i < 40; i++ {
		v := fmt.Sprintf("%d,", i)
		ck.Append("k", v)
		want += v
		if got := ck.Get("k"); got != want {
			t.Fatalf("Get(k) = %q after %d Appends; want %q", got, i+1, want)
		}
	}
	ck.Put("k", "done")
}

// endsTo returns enabled ends, named prefix plus the server number, to the
// servers 0..n-1 of net.
func endsTo(net *labrpc.Network, prefix string, n int) []*labrpc.ClientEnd {
	ends := make([]*labrpc.ClientEnd, n)
	for j := range ends {
		name := prefix + fmt.Sprint(j)
		ends[j] = net.MakeEnd(name)
		net.Connect(name, j)
		net.Enable(name, true)
	}
	return ends
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
