package shardctrler

import (
	"fmt"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// TestQueryNotAnsweredByCutOffReplica: a replica cut off from the others
// must not answer Query(-1) with the config it last knew, since a Join may
// have completed without it.
func TestQueryNotAnsweredByCutOffReplica(t *testing.T) {
	const n = 3
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	name := func(from, to int) string { return fmt.Sprintf("stale-%d-%d", from, to) }
	servers := make([]*ShardCtrler, n)
	for i := 0; i < n; i++ {
		ends := make([]*labrpc.ClientEnd, n)
		for j := 0; j < n; j++ {
			ends[j] = net.MakeEnd(name(i, j))
			net.Connect(name(i, j), j)
			net.Enable(name(i, j), true)
		}
		servers[i] = StartServer(ends, i, raft.MakePersister())
		defer servers[i].Kill()
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(servers[i]))
		srv.AddService(labrpc.MakeService(servers[i].rf))
		net.AddServer(i, srv)
	}
	clientEnds := make([]*labrpc.ClientEnd, n)
	for j := 0; j < n; j++ {
		clientEnds[j] = net.MakeEnd(name(n, j))
		net.Connect(name(n, j), j)
		net.Enable(name(n, j), true)
	}
	ck := MakeClerk(clientEnds)
	ck.Join(map[int][]string{1: {"a"}})

	// Cut server 0 off from the other two, whichever role it has.
	for j := 1; j < n; j++ {
		net.Enable(name(0, j), false)
		net.Enable(name(j, 0), false)
	}
	majority := MakeClerk(clientEnds[1:])
	majority.Join(map[int][]string{2: {"b"}})

	done := make(chan QueryReply, 1)
	go func() {
		var reply QueryReply
		clientEnds[0].Call("ShardCtrler.Query", &QueryArgs{Num: -1, ClientId: 7, Seq: 1}, &reply)
		done <- reply
	}()
	select {
	case reply := <-done:
		if reply.Err == OK && len(reply.Config.Groups) != 2 {
			t.Fatalf("cut-off replica answered Query(-1) with stale config %d (%d groups)", reply.Config.Num, len(reply.Config.Groups))
		}
	case <-time.After(3 * time.Second):
		t.Fatal("cut-off replica's Query never returned")
	}
}
