package labtcp

import (
	"net"
	"strings"
	"testing"

	"miniraftkv/labrpc"
)

// TestLargeCallsTravelApart: calls with arguments of BulkBytes or more go
// on a second connection, so a heartbeat never queues on the wire behind a
// snapshot or a large batch; small calls keep sharing the first.
func TestLargeCallsTravelApart(t *testing.T) {
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(&Echo{}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	counting := &countingListener{Listener: ln}
	srv := Serve(counting, rpcs, Options{Logf: (&logLines{}).logf})
	defer srv.Close()
	e, _ := end(t, ln.Addr().String(), Options{})
	big := strings.Repeat("b", BulkBytes)
	steps := []struct {
		say         string
		connections int64
	}{
		{"small", 1},
		{big, 2},
		{"small again", 2},
		{big + "!", 2},
	}
	for _, s := range steps {
		if got, ok := say(e, s.say); !ok || got != s.say {
			t.Fatalf("a call of %d bytes failed or came back wrong", len(s.say))
		}
		if n := counting.accepted.Load(); n != s.connections {
			t.Fatalf("after a call of %d bytes: %d connections, want %d", len(s.say), n, s.connections)
		}
	}
}
