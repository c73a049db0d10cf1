package kvnode

import (
	"errors"
	"time"

	"miniraftkv/labtcp"
)

// Why ChangeMembership gave up without a final answer from a leader.
var (
	ErrNoLeader    = errors.New("no leader answered")
	ErrNoAnswer    = errors.New("the leader did not answer; the change may still complete")
	ErrNoServer    = errors.New("no server answered")
	ErrNoChangeKit = errors.New("the servers' Raft has no membership changes")
)

// changeRetry is how often ChangeMembership looks for the leader again.
const changeRetry = 100 * time.Millisecond

// ChangeMembership asks the leader among the servers at addrs to make a
// membership change (call is "Node.AddServer" or "Node.RemoveServer"),
// and returns its answer. While there is no leader, the one asked lost its
// role (ErrWrongLeader), or a change is in progress (ErrChangeInProgress),
// it asks again, until deadline; then it returns the last refusal, or
// ErrNoLeader. The call to the leader may last until deadline: adding a
// server waits for it to catch up.
func ChangeMembership(addrs []string, opts labtcp.Options, call string, args interface{}, deadline time.Time) (ChangeReply, error) {
	var last ChangeReply
	for {
		views := Views(addrs, opts, opts.CallTimeout)
		if err := NoMembership(views); err != nil {
			return last, err
		}
		if leader := Leader(views); leader >= 0 {
			reply, ok := callUntil(addrs[leader], opts, call, args, deadline)
			switch {
			case !ok:
				return last, ErrNoAnswer
			case reply.Err != ErrWrongLeader && reply.Err != ErrChangeInProgress:
				return reply, nil
			}
			last = reply
		}
		if time.Now().Add(changeRetry).After(deadline) {
			if last.Err == ErrChangeInProgress {
				return last, nil
			}
			return last, ErrNoLeader
		}
		time.Sleep(changeRetry)
	}
}

// NoMembership explains why views hold no configuration: no server
// answered, or none has membership changes; nil if one does.
func NoMembership(views []*MembersReply) error {
	if _, from := Newest(views); from >= 0 {
		return nil
	}
	for _, v := range views {
		if v != nil {
			return ErrNoChangeKit
		}
	}
	return ErrNoServer
}

// callUntil makes one call on a connection of its own whose call timeout
// lasts until deadline.
func callUntil(addr string, opts labtcp.Options, call string, args interface{}, deadline time.Time) (ChangeReply, bool) {
	opts.CallTimeout = max(time.Until(deadline), time.Millisecond)
	ends, clients := Dial([]string{addr}, opts)
	defer CloseAll(clients)
	var reply ChangeReply
	ok := ends[0].Call(call, args, &reply)
	return reply, ok
}
