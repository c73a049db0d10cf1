package kvnode

import (
	"errors"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
)

// Views asks every server at addrs for its configuration, all at once, and
// returns the replies by index (nil where a server did not answer). It
// waits for every answer, or, once one has come, for grace more.
func Views(addrs []string, opts labtcp.Options, grace time.Duration) []*MembersReply {
	ends, clients := Dial(addrs, opts)
	defer CloseAll(clients)
	type answer struct {
		i     int
		reply *MembersReply
	}
	answers := make(chan answer, len(ends))
	for i, end := range ends {
		go func(i int, end *labrpc.ClientEnd) {
			r, ok := QueryMembers(end)
			if !ok {
				answers <- answer{i, nil}
				return
			}
			answers <- answer{i, &r}
		}(i, end)
	}
	views := make([]*MembersReply, len(ends))
	var late <-chan time.Time
	for pending := len(ends); pending > 0; pending-- {
		select {
		case a := <-answers:
			views[a.i] = a.reply
			if a.reply != nil && late == nil {
				late = time.After(grace)
			}
		case <-late:
			return views
		}
	}
	return views
}

// Newest is the configuration with the highest index among views, and
// the index in views of the server that reported it; -1 if no server that
// answered has membership changes.
func Newest(views []*MembersReply) (Configuration, int) {
	best := -1
	for i, v := range views {
		if v == nil || !v.Supported {
			continue
		}
		if best < 0 || v.Config.Index > views[best].Config.Index ||
			(v.Config.Index == views[best].Config.Index && v.Config.Committed && !views[best].Config.Committed) {
			best = i
		}
	}
	if best < 0 {
		return Configuration{}, -1
	}
	return views[best].Config, best
}

// Leader is the index in views of the server that answered as leader with
// the highest term; -1 if none did.
func Leader(views []*MembersReply) int {
	leader := -1
	for i, v := range views {
		if v != nil && v.IsLeader && (leader < 0 || v.Term > views[leader].Term) {
			leader = i
		}
	}
	return leader
}

// Union is addrs followed by each address of more that is not already
// among them (host names compared as SplitAddrs does).
func Union(addrs, more []string) []string {
	out := append([]string{}, addrs...)
	seen := map[string]bool{}
	for _, a := range addrs {
		seen[normalAddr(a)] = true
	}
	for _, a := range more {
		if !seen[normalAddr(a)] {
			seen[normalAddr(a)] = true
			out = append(out, a)
		}
	}
	return out
}

// Discover returns addrs and, after them, every member of the newest
// configuration the servers at addrs report that addrs lacks: a client
// given a list written before a server was added still finds it. A server
// that does not answer within grace of the first answer is not waited for.
func Discover(addrs []string, opts labtcp.Options, grace time.Duration) []string {
	config, from := Newest(Views(addrs, opts, grace))
	if from < 0 {
		return addrs
	}
	return Union(addrs, config.Addrs())
}

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
