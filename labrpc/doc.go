// Package labrpc is a simulated network for testing distributed code inside
// one process. It looks like Go's net/rpc, but the tester controls the
// network: it can disconnect ends, delete servers, lose, delay and reorder
// messages, and count every RPC and byte.
//
// Arguments and replies travel as labgob-encoded bytes, so a reply never
// shares memory with the server, and unexported fields are caught early.
//
// A tester builds the network, a server with a service, and an end:
//
//	net := labrpc.MakeNetwork()
//	defer net.Cleanup()
//
//	srv := labrpc.MakeServer()
//	srv.AddService(labrpc.MakeService(rf)) // rf's handlers, as "Raft.Method"
//	net.AddServer("server-1", srv)
//
//	end := net.MakeEnd("1->2")
//	net.Connect("1->2", "server-1")
//	net.Enable("1->2", true)
//
// and the code under test calls through the end:
//
//	args := RequestVoteArgs{Term: 3, CandidateId: 1}
//	var reply RequestVoteReply
//	ok := end.Call("Raft.RequestVote", &args, &reply)
//
// A handler is an exported method (args T, reply *R) with no results, where
// args may be a value or a pointer. A service is named after its
// receiver's type; MakeNamedService gives it another name, so that a
// stand-in (a test's fake peer, say) can answer "Raft.RequestVote" under a
// type name of its own. Call returns false when no reply came
// back: lost, timed out, disabled end, deleted server. Every RPC runs its
// handler in a goroutine of its own, so a slow handler never blocks others,
// and a Call waiting on a server that is deleted meanwhile returns false.
//
// The network's behaviour in numbers:
//   - reliable (the default): no added delay, nothing lost;
//   - Reliable(false): each request waits 0-26 ms and is then lost with
//     probability 10%; each reply is lost with probability 10%;
//   - LongReordering(true): two replies in three are held back 200 ms to
//     about 2.2 s, most of them near the short end;
//   - a Call on a disabled or unconnected end, or to a deleted server, fails
//     after 0-99 ms, or after 0-6999 ms with LongDelays(true).
//
// The same code can run over a real network too. Every ClientEnd sends its
// calls through a Transport: the simulated network is one, and
// MakeTransportEnd makes an end of another (package labtcp carries calls
// over TCP), and Server.Dispatch runs a request that arrived that way,
// answering an unknown service or method with an error rather than a panic.
//
// All methods are safe for concurrent use.
package labrpc
