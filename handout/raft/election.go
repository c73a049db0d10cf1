package raft

// Leader election (2A): §5.2 of the paper, §5.4.1 for which candidates may
// win, and the RequestVote box and "Rules for Servers" of Figure 2.

// RequestVote is the handler of the RequestVote RPC: labrpc calls it, in a
// goroutine of its own, when a candidate asks this peer for its vote. Fill
// in reply; the caller receives a copy of it.
func (rf *Raft) RequestVote(args *RequestVoteArgs, reply *RequestVoteReply) {
	// TODO(2A): follow "RequestVote RPC, Receiver implementation" of
	// Figure 2, and "Rules for Servers, All Servers" for args.Term.
	// TODO(2C): save what you changed before replying (persist.go).
}

// requestVoteFrom is a worked example of sending one RPC: it asks peer
// server for its vote and handles the answer. Run it in a goroutine of its
// own, one per peer, with args filled in while you held rf.mu:
//
//	args := RequestVoteArgs{Term: ..., CandidateId: rf.me, ...}
//	for server := range rf.peers {
//		if server != rf.me {
//			go rf.requestVoteFrom(server, args)
//		}
//	}
//
// Call may take a long time to return false (a crashed or partitioned peer
// keeps you waiting up to several seconds in the raft tests), which is why
// the lock must not be held across it and why the candidate must not wait
// for one peer before asking the next.
func (rf *Raft) requestVoteFrom(server int, args RequestVoteArgs) {
	var reply RequestVoteReply
	if ok := rf.peers[server].Call("Raft.RequestVote", &args, &reply); !ok {
		return // no answer: the request or the reply was lost, or the peer is down
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	// Time has passed since args was filled in: this peer may have moved
	// to a later term or stopped being a candidate. Check that before
	// counting the vote, and check reply.Term first of all (Figure 2,
	// "Rules for Servers, All Servers").
	// TODO(2A): handle reply.Term and reply.VoteGranted; with votes from
	// a majority (itself included), become leader and send heartbeats at
	// once (§5.2).
}
