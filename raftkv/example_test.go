package raftkv_test

import (
	"fmt"
	"strconv"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// Example starts three KV servers on a labrpc network, each serving its
// KVServer and its Raft peer on one labrpc server, and uses them through a
// Clerk: every operation is linearizable, so the Get sees both writes.
func Example() {
	const n = 3
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	nends := 0
	endTo := func(server int) *labrpc.ClientEnd {
		name := "end" + strconv.Itoa(nends)
		nends++
		end := net.MakeEnd(name)
		net.Connect(name, server)
		net.Enable(name, true)
		return end
	}

	servers := make([]*raftkv.KVServer, n)
	for i := range servers {
		peers := make([]*labrpc.ClientEnd, n) // peers[j]: from Raft peer i to peer j
		for j := range peers {
			peers[j] = endTo(j)
		}
		servers[i] = raftkv.StartKVServer(peers, i, raft.MakePersister(), -1)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(servers[i]))        // "KVServer.Get", ...
		srv.AddService(labrpc.MakeService(servers[i].Raft())) // "Raft.RequestVote", ...
		net.AddServer(i, srv)
	}
	defer func() {
		for _, kv := range servers {
			kv.Kill()
		}
	}()

	ck := raftkv.MakeClerk([]*labrpc.ClientEnd{endTo(0), endTo(1), endTo(2)})
	ck.Put("greeting", "hello")
	ck.Append("greeting", ", world")
	fmt.Printf("%q\n", ck.Get("greeting"))
	fmt.Printf("%q\n", ck.Get("missing"))
	// Output:
	// "hello, world"
	// ""
}
