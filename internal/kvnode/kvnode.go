// Package kvnode holds what the real-cluster commands share: the server
// list flag, dialling every server over TCP, and the Node service through
// which a raftkvd process reports its Raft state and disk counts to the
// raftkv client and the cluster test.
package kvnode

import (
	"fmt"
	"strings"

	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
)

// DefaultServers is the address list of `make cluster`: three servers on
// loopback.
const DefaultServers = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003"

// SplitAddrs parses a comma-separated list of host:port addresses.
func SplitAddrs(list string) ([]string, error) {
	var addrs []string
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !strings.Contains(a, ":") {
			return nil, fmt.Errorf("server address %q has no port (want host:port)", a)
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("no server addresses given")
	}
	return addrs, nil
}

// Dial returns one ClientEnd per address, in order, and the TCP clients
// behind them, which CloseAll closes. Nothing is dialled until a Call.
func Dial(addrs []string, opts labtcp.Options) ([]*labrpc.ClientEnd, []*labtcp.Client) {
	ends := make([]*labrpc.ClientEnd, len(addrs))
	clients := make([]*labtcp.Client, len(addrs))
	for i, a := range addrs {
		ends[i], clients[i] = labtcp.MakeEnd(a, opts)
	}
	return ends, clients
}

// CloseAll closes every client.
func CloseAll(clients []*labtcp.Client) {
	for _, c := range clients {
		c.Close()
	}
}

// StatusArgs is the (empty) request of Node.Status.
type StatusArgs struct{}

// StatusReply is one server's view of itself: its Raft state and what its
// durable store has done since the process started.
type StatusReply struct {
	Id       int
	Term     int
	IsLeader bool
	Appends  int64 // saves that appended a record (each one fsync)
	Rewrites int64 // saves that wrote a whole new file: snapshots, compactions
	Fsyncs   int64
	Bytes    int64
	// Loaded is the size in bytes of the Raft state the server found in
	// its data folder when it started: 0 on a first start.
	Loaded int
}

// Node is the RPC service (name "Node") a raftkvd process serves beside
// KVServer and Raft. Report fills a reply; it is called per request.
type Node struct {
	Report func(reply *StatusReply)
}

// Status answers Node.Status.
func (n *Node) Status(args *StatusArgs, reply *StatusReply) {
	n.Report(reply)
}

// QueryStatus asks the server behind end for its status; false if it did
// not answer.
func QueryStatus(end *labrpc.ClientEnd) (StatusReply, bool) {
	var reply StatusReply
	ok := end.Call("Node.Status", &StatusArgs{}, &reply)
	return reply, ok
}

// FindLeader returns the index of the server that answers as leader with
// the highest term, or -1 if none does.
func FindLeader(ends []*labrpc.ClientEnd) int {
	leader, term := -1, -1
	for i, end := range ends {
		if st, ok := QueryStatus(end); ok && st.IsLeader && st.Term > term {
			leader, term = i, st.Term
		}
	}
	return leader
}
