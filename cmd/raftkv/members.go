package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"miniraftkv/internal/kvnode"
)

// leaderRetry is how often a membership command asks again for the leader
// while there is none (an election under way, or the old leader just
// removed).
const leaderRetry = 100 * time.Millisecond

// members prints the configuration as the leader sees it, or, with no
// leader, the newest one any server reports.
func members(g globals, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usageError{fmt.Sprintf("members takes no arguments, got %q", args)}
	}
	views := kvnode.Views(g.servers, g.opts, g.opts.CallTimeout)
	config, from := kvnode.Newest(views)
	leader := kvnode.Leader(views)
	if err := noMembership(views); err != nil {
		return err
	}
	if leader >= 0 && views[leader].Supported {
		config, from = views[leader].Config, leader
		fmt.Fprintf(stdout, "leader: server %d at %s, term %d\n", views[leader].Id, g.servers[leader], views[leader].Term)
	} else {
		fmt.Fprintf(stdout, "no leader answered; the newest configuration known, from server %d at %s:\n",
			views[from].Id, g.servers[from])
	}
	fmt.Fprintf(stdout, "voters:   %s\nlearners: %s\n", listOf(config.Voters), listOf(config.Learners))
	state := "committed"
	if !config.Committed {
		state = "not yet committed (a change is in progress)"
	}
	fmt.Fprintf(stdout, "set by log entry %d, %s\n", config.Index, state)
	return nil
}

// noMembership explains why no configuration is known: no server answered,
// or none has membership changes.
func noMembership(views []*kvnode.MembersReply) error {
	if _, from := kvnode.Newest(views); from >= 0 {
		return nil
	}
	for _, v := range views {
		if v != nil {
			return errors.New("the servers' Raft has no membership changes")
		}
	}
	return errors.New("no server answered")
}

func listOf(ms []kvnode.Member) string {
	if len(ms) == 0 {
		return "none"
	}
	out := ""
	for i, m := range ms {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%d %s", m.Id, m.Addr)
	}
	return out
}

// addServer runs "add-server ID ADDR".
func addServer(g globals, args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return usageError{fmt.Sprintf("add-server takes 2 arguments (ID ADDR), got %d", len(args))}
	}
	id, err := serverID("add-server", args[0])
	if err != nil {
		return err
	}
	if _, err := kvnode.SplitAddrs(args[1]); err != nil {
		return usageError{fmt.Sprintf("add-server: address %v", err)}
	}
	m := kvnode.Member{Id: id, Addr: args[1]}
	if err := change(g, "Node.AddServer", &kvnode.AddServerArgs{Member: m}); err != nil {
		return fmt.Errorf("add-server %d %s: %w", id, m.Addr, err)
	}
	fmt.Fprintf(stdout, "server %d at %s added: it caught up and votes\n", id, m.Addr)
	return nil
}

// removeServer runs "remove-server ID".
func removeServer(g globals, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usageError{fmt.Sprintf("remove-server takes 1 argument (ID), got %d", len(args))}
	}
	id, err := serverID("remove-server", args[0])
	if err != nil {
		return err
	}
	if err := change(g, "Node.RemoveServer", &kvnode.RemoveServerArgs{Id: id}); err != nil {
		return fmt.Errorf("remove-server %d: %w", id, err)
	}
	fmt.Fprintf(stdout, "server %d removed: it no longer counts toward the majority and may be stopped\n", id)
	return nil
}

func serverID(cmd, arg string) (int, error) {
	id, err := strconv.Atoi(arg)
	if err != nil || id < 0 {
		return 0, usageError{fmt.Sprintf("%s: server id %q: want a number >= 0", cmd, arg)}
	}
	return id, nil
}

// change finds the leader and asks it to make a membership change, until
// one answers or the timeout passes. A leader that lost its role meanwhile
// (ErrWrongLeader) sends it looking again; every other refusal is final.
func change(g globals, call string, args interface{}) error {
	deadline := time.Now().Add(g.timeout)
	for {
		views := kvnode.Views(g.servers, g.opts, g.opts.CallTimeout)
		if err := noMembership(views); err != nil {
			return err
		}
		if leader := kvnode.Leader(views); leader >= 0 {
			reply, ok := callLeader(g, g.servers[leader], call, args, time.Until(deadline))
			switch {
			case !ok:
				return fmt.Errorf("%w: the leader did not answer within %v; the change may still complete (raftkv members shows)",
					errTimeout, g.timeout)
			case reply.Err == kvnode.OK:
				return nil
			case reply.Err != kvnode.ErrWrongLeader:
				return fmt.Errorf("%s (%s)", reply.Msg, reply.Err)
			}
		}
		if time.Now().Add(leaderRetry).After(deadline) {
			return fmt.Errorf("%w: no leader answered within %v", errTimeout, g.timeout)
		}
		time.Sleep(leaderRetry)
	}
}

// callLeader makes one membership call on a connection of its own whose
// call timeout is what is left of the command's: adding a server waits
// for it to catch up.
func callLeader(g globals, addr, call string, args interface{}, left time.Duration) (kvnode.ChangeReply, bool) {
	opts := g.opts
	opts.CallTimeout = max(left, time.Millisecond)
	ends, clients := kvnode.Dial([]string{addr}, opts)
	defer kvnode.CloseAll(clients)
	return kvnode.Change(ends[0], call, args)
}
