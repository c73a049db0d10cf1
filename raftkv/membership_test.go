package raftkv

import (
	"fmt"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// TestReplaceServerThroughMembershipChanges replaces a server of a KV
// cluster built with StartKVServerWithOptions, as an operator replaces a
// dead machine: a new server joins, is added (it catches up by snapshot),
// the old one is removed, and the data is still there with the old server
// gone and one more crashed. The configuration entries of the changes, and
// the one each new leader appends, pass through the apply loop, which must
// keep its indices contiguous.
func TestReplaceServerThroughMembershipChanges(t *testing.T) {
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	servers := map[int]*KVServer{}
	defer func() {
		for _, kv := range servers {
			kv.Kill()
		}
	}()
	initial := []raft.Member{{ID: 0, Addr: "a"}, {ID: 1, Addr: "b"}, {ID: 2, Addr: "c"}}
	start := func(id int, initial []raft.Member) {
		dial := func(m raft.Member) *labrpc.ClientEnd {
			name := fmt.Sprintf("kv-member-%d-%d", id, m.ID)
			end := net.MakeEnd(name)
			net.Connect(name, m.ID)
			net.Enable(name, true)
			return end
		}
		opts := raft.Options{Membership: &raft.MembershipOptions{Self: id, Initial: initial, Dial: dial}}
		kv, err := StartKVServerWithOptions(nil, id, raft.MakePersister(), 1000, opts)
		if err != nil {
			t.Fatalf("StartKVServerWithOptions(%d): %v", id, err)
		}
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(kv))
		srv.AddService(labrpc.MakeService(kv.Raft()))
		net.AddServer(id, srv)
		servers[id] = kv
	}
	for id := range initial {
		start(id, initial)
	}
	ck := MakeClerk(clerkEnds(net, 4))
	for i := 0; i < 40; i++ { // enough to snapshot at maxraftstate 1000
		ck.Put(fmt.Sprint("k", i), fmt.Sprint("v", i))
	}
	start(3, nil)
	changeOnLeader(t, servers, func(rf *raft.Raft) error { return rf.AddServer(raft.Member{ID: 3, Addr: "d"}) })
	changeOnLeader(t, servers, func(rf *raft.Raft) error { return rf.RemoveServer(0) })
	servers[0].Kill()
	net.DeleteServer(0)
	delete(servers, 0)
	ck.Put("after", "replace")
	servers[1].Kill() // {2, 3} are a majority of {1, 2, 3}
	net.DeleteServer(1)
	delete(servers, 1)
	if got := ck.Get("k7"); got != "v7" {
		t.Fatalf("Get(k7) = %q after the replacement; want v7", got)
	}
	if got := ck.Get("after"); got != "replace" {
		t.Fatalf("Get(after) = %q; want replace", got)
	}
}

// clerkEnds makes a clerk's ends to servers 0..n-1.
func clerkEnds(net *labrpc.Network, n int) []*labrpc.ClientEnd {
	ends := make([]*labrpc.ClientEnd, n)
	for i := range ends {
		name := fmt.Sprintf("kv-member-clerk-%d", i)
		ends[i] = net.MakeEnd(name)
		net.Connect(name, i)
		net.Enable(name, true)
	}
	return ends
}

// changeOnLeader runs change on the leader's Raft peer until it succeeds,
// for up to 10 s (a new leader may not have committed its first entry).
func changeOnLeader(t *testing.T, servers map[int]*KVServer, change func(*raft.Raft) error) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, kv := range servers {
			if _, isLeader := kv.Raft().GetState(); isLeader {
				if err = change(kv.Raft()); err == nil {
					return
				}
			}
		}
	}
	t.Fatalf("membership change failed for 10 s; last error %v", err)
}
