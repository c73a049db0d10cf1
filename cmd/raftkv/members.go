package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"miniraftkv/internal/kvnode"
)

// members prints the configuration as the leader sees it, or, with no
// leader, the newest one any server reports.
func members(g globals, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usageError{fmt.Sprintf("members takes no arguments, got %q", args)}
	}
	views := kvnode.Views(g.servers, g.opts, g.opts.CallTimeout)
	config, from := kvnode.Newest(views)
	leader := kvnode.Leader(views)
	if err := kvnode.NoMembership(views); err != nil {
		return err
	}
	if leader >= 0 && views[leader].Supported {
		config, from = views[leader].Config, leader
		fmt.Fprintf(stdout, "leader: server %d at %s, term %d\n", views[leader].Id, g.servers[leader], views[leader].Term)
	} else {
		fmt.Fprintf(stdout, "no leader answered; the newest configuration known, from server %d at %s:\n",
			views[from].Id, g.servers[from])
	}
	fmt.Fprintf(stdout, "voters:   %s\nlearners: %s\n", kvnode.MemberList(config.Voters), kvnode.MemberList(config.Learners))
	state := "committed"
	if !config.Committed {
		state = "not yet committed (a change is in progress)"
	}
	fmt.Fprintf(stdout, "set by log entry %d, %s\n", config.Index, state)
	return nil
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

// change asks the leader to make a membership change (see
// kvnode.ChangeMembership), within the command's timeout.
func change(g globals, call string, args interface{}) error {
	reply, err := kvnode.ChangeMembership(g.servers, g.opts, call, args, time.Now().Add(g.timeout))
	switch {
	case errors.Is(err, kvnode.ErrNoLeader) || errors.Is(err, kvnode.ErrNoAnswer):
		return fmt.Errorf("%w: %v within %v (raftkv members shows the configuration)", errTimeout, err, g.timeout)
	case err != nil:
		return err
	case reply.Err != kvnode.OK:
		return fmt.Errorf("%s (%s)", reply.Msg, reply.Err)
	}
	return nil
}
