// Package labtcp carries labrpc calls between processes over TCP, so that
// raft and raftkv, written against labrpc, run unchanged as a real cluster.
//
// A process serves its labrpc.Server on a listener, loopback by default:
//
//	rpcs := labrpc.MakeServer()
//	rpcs.AddService(labrpc.MakeService(rf))
//	srv, err := labtcp.Listen(":7001", rpcs, labtcp.Options{Token: token})
//	defer srv.Close()
//
// and reaches the others through ClientEnds, one per peer:
//
//	end, client := labtcp.MakeEnd("127.0.0.1:7002", labtcp.Options{Token: token})
//	defer client.Close()
//	ok := end.Call("Raft.RequestVote", &args, &reply)
//
// Arguments and replies are labgob-encoded as on the simulated network.
// Call returns false on any failure, as in the simulator: connection
// refused or reset, no reply within Options.CallTimeout, or an error reply
// from the server (an unknown service or method, arguments that do not
// decode), which is logged. Many calls share one connection at once, each
// matched to its reply by an id; calls whose arguments reach BulkBytes
// share a second one, so that small calls such as heartbeats never queue
// on the wire behind them. A broken connection is dialled again by
// the next call; after a failed dial, calls fail at once until a backoff
// (doubling from Options.MinBackoff up to MaxBackoff) has passed.
//
// What a process receives is never trusted: a frame longer than
// Options.MaxFrame is refused before anything is allocated for it, and a
// truncated or malformed frame closes its connection with a log line,
// never a panic. A server with Options.Token set closes every connection
// whose opening hello does not carry the same token, so a stray client
// cannot pose as a peer; it tells the client why first, and the Client's
// Err then wraps ErrRefused. A peer that becomes unreachable is logged
// once, and again when it is back. The token is not encryption: run a cluster on a
// network you trust.
//
// Claims, each checked by a test that fails when it is broken (the server's
// end of a connection is a faults.Conn that drops, cuts a write short or
// stalls on cue):
//   - safety: a call whose connection drops while the server runs it, or
//     whose reply is cut off part way, returns false, never true with an
//     empty or partial reply (TestCallFailsWhenConnectionDropsMidCall,
//     TestCallFailsOnCutReply);
//   - liveness: the next call after a broken connection dials a new one,
//     and a call that timed out on a connection where nothing at all
//     arrived closes it (TestStalledConnectionIsReplaced);
//   - liveness: a write that cannot finish within the call timeout (the
//     peer stopped reading) closes its connection rather than blocking the
//     writer for good (TestStalledPeerWriteTimesOut);
//   - a frame of exactly MaxFrame bytes passes and one byte more is
//     refused before it is allocated (TestFrameOfExactlyTheLimit,
//     TestReadFrameRefusesBeforeAllocating); a wrong token is refused
//     (TestClusterToken), and compared whole (TestTokenMustMatchExactly).
package labtcp
