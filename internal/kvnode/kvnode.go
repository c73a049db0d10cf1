// Package kvnode holds what the real-cluster commands share: the server
// list flag, dialling every server over TCP, and the Node service through
// which a raftkvd process reports its Raft state, disk counts and
// configuration to the raftkv client and the cluster test, and through
// which an operator adds and removes servers (members.go).
package kvnode

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
)

// DefaultServers is the address list of `make cluster`: three servers on
// loopback.
const DefaultServers = "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003"

// SplitAddrs parses a comma-separated list of host:port addresses. Every
// entry must be a host (which may be empty, meaning this machine) and a
// port from 1 to 65535, and no address may appear twice: a list that
// names one server twice would make it talk to itself as a peer.
func SplitAddrs(list string) ([]string, error) {
	parts := strings.Split(list, ",")
	addrs := make([]string, 0, len(parts))
	seen := map[string]int{}
	for i, a := range parts {
		a = strings.TrimSpace(a)
		if err := checkAddr(a); err != nil {
			return nil, fmt.Errorf("server address %d of %d in %q: %v", i+1, len(parts), list, err)
		}
		key := normalAddr(a)
		if j, dup := seen[key]; dup {
			return nil, fmt.Errorf("server addresses %d and %d in %q are the same (%s)", j+1, i+1, list, a)
		}
		seen[key] = i
		addrs = append(addrs, a)
	}
	return addrs, nil
}

// checkAddr checks one host:port address.
func checkAddr(a string) error {
	if a == "" {
		return fmt.Errorf("empty (want host:port)")
	}
	_, port, err := net.SplitHostPort(a)
	if err != nil {
		return fmt.Errorf("%q is not host:port", a)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 1 to 65535", a, port)
	}
	return nil
}

// normalAddr is the form of a checked address that duplicates share: an
// empty host, "localhost" and 127.0.0.1 are one machine.
func normalAddr(a string) string {
	host, port, _ := net.SplitHostPort(a)
	switch strings.ToLower(host) {
	case "", "localhost":
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
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
	// Config is the server's latest configuration; zero if its Raft has
	// no membership changes.
	Config Configuration
}

// Node is the RPC service (name "Node") a raftkvd process serves beside
// KVServer and Raft. Report fills a status reply; it is called per
// request. Membership, if not nil, serves the membership calls; nil answers
// them ErrUnsupported.
type Node struct {
	Report     func(reply *StatusReply)
	Membership Membership
}

// Status answers Node.Status.
func (n *Node) Status(args *StatusArgs, reply *StatusReply) {
	n.Report(reply)
	if n.Membership != nil {
		reply.Config = n.Membership.Configuration()
	}
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
