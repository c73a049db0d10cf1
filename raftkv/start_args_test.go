package raftkv

import (
	"strings"
	"testing"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// MakeClerk and StartKVServer have no error results: an argument that
// cannot work must panic at once with a message naming it.
func TestConstructorsRejectBadArguments(t *testing.T) {
	ends := make([]*labrpc.ClientEnd, 3)
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"MakeClerk(nil)", func() { MakeClerk(nil) }, "raftkv.MakeClerk: servers is empty"},
		{"MakeClerk with a nil end", func() { MakeClerk(ends) }, "raftkv.MakeClerk: servers[0] is nil"},
		{"StartKVServer nil persister", func() { StartKVServer(ends, 0, nil, -1) },
			"raftkv.StartKVServer: persister is nil"},
		{"StartKVServer me past the end", func() { StartKVServer(ends, 3, raft.MakePersister(), -1) },
			"raftkv.StartKVServer: me = 3 is not an index of servers (len(servers) = 3)"},
		{"StartKVServer maxraftstate -2", func() { StartKVServer(ends, 0, raft.MakePersister(), -2) },
			"raftkv.StartKVServer: maxraftstate = -2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if msg := panicMessage(c.call); !strings.Contains(msg, c.want) {
				t.Fatalf("panicked with %q; want a message containing %q", msg, c.want)
			}
		})
	}
}

// panicMessage runs f and returns what it panicked with ("" if it did not).
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}
