package raft_test

import (
	"fmt"
	"strconv"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
)

// applied is one ApplyMsg as seen by one peer.
type applied struct {
	peer int
	msg  raft.ApplyMsg
}

// Example wires three peers over a labrpc network, hands a command to the
// leader once one is elected, and waits until every peer has applied it.
func Example() {
	const n = 3
	net := labrpc.MakeNetwork()
	defer net.Cleanup()
	out := make(chan applied, 100)
	peers := make([]*raft.Raft, n)
	for i := 0; i < n; i++ {
		ends := make([]*labrpc.ClientEnd, n) // ends[j]: from peer i to peer j
		for j := range ends {
			name := strconv.Itoa(i) + "->" + strconv.Itoa(j)
			ends[j] = net.MakeEnd(name)
			net.Connect(name, j)
			net.Enable(name, true)
		}
		applyCh := make(chan raft.ApplyMsg)
		go forward(i, applyCh, out) // a peer's applyCh must always be read
		peers[i] = raft.Make(ends, i, raft.MakePersister(), applyCh)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(peers[i])) // handlers "Raft.RequestVote", ...
		net.AddServer(i, srv)
	}
	defer func() {
		for _, rf := range peers {
			rf.Kill()
		}
	}()

	index := startOnLeader(peers, "x=1", 5*time.Second)
	fmt.Println("the leader put the command at index", index)
	deadline := time.After(5 * time.Second)
	for seen := 0; seen < n; {
		select {
		case a := <-out:
			if a.msg.CommandValid && a.msg.CommandIndex == index {
				seen++
			}
		case <-deadline:
			fmt.Println("only", seen, "peers applied it within 5 s")
			return
		}
	}
	fmt.Println("all 3 peers applied it")
	// Output:
	// the leader put the command at index 1
	// all 3 peers applied it
}

// startOnLeader offers command to each peer until one accepts it as leader
// (an election takes a few hundred milliseconds) and returns its log index.
func startOnLeader(peers []*raft.Raft, command interface{}, limit time.Duration) int {
	for start := time.Now(); time.Since(start) < limit; time.Sleep(20 * time.Millisecond) {
		for _, rf := range peers {
			if index, _, isLeader := rf.Start(command); isLeader {
				return index
			}
		}
	}
	return -1
}

// forward passes every message of one peer's applyCh to out.
func forward(peer int, applyCh chan raft.ApplyMsg, out chan applied) {
	for msg := range applyCh {
		out <- applied{peer, msg}
	}
}
