package kvnode

import (
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
