package main

import (
	"fmt"
	"time"

	"miniraftkv/internal/kvnode"
)

// changeWithin bounds one membership change, a new server's catching up
// included.
const changeWithin = 20 * time.Second

// replaceFaults replaces two servers through membership changes while the
// clients run: a follower by server 3, then the leader by server 4. Each
// new server starts with an empty data folder and joins; it is added (a
// learner until it has caught up, then a voter), the old server removed,
// and its process killed.
func replaceFaults(c *cluster, step func(string, ...interface{}), phase time.Duration) error {
	leader, err := awaitLeader(c, -1)
	if err != nil {
		return err
	}
	follower := c.members()[0]
	if follower == leader {
		follower = c.members()[1]
	}
	if err := replace(c, step, follower, servers, "a follower"); err != nil {
		return err
	}
	time.Sleep(phase / 2)
	if leader, err = awaitLeader(c, -1); err != nil {
		return err
	}
	if err := replace(c, step, leader, servers+1, "the leader"); err != nil {
		return err
	}
	time.Sleep(phase / 2)
	return nil
}

// replace starts server fresh, adds it, removes server old and kills it.
func replace(c *cluster, step func(string, ...interface{}), old, fresh int, role string) error {
	step("start server %d with an empty data folder, joining", fresh)
	if err := c.start(fresh); err != nil {
		return err
	}
	step("add server %d (a learner until it catches up, then a voter)", fresh)
	add := &kvnode.AddServerArgs{Member: kvnode.Member{Id: fresh, Addr: c.addrs[fresh]}}
	if err := c.change("Node.AddServer", add); err != nil {
		return fmt.Errorf("adding server %d: %v", fresh, err)
	}
	step("remove server %d (%s)", old, role)
	if err := c.change("Node.RemoveServer", &kvnode.RemoveServerArgs{Id: old}); err != nil {
		return fmt.Errorf("removing server %d: %v", old, err)
	}
	step("SIGKILL server %d, no longer a member", old)
	c.kill(old)
	return nil
}

// change makes a membership change through the leader among the running
// servers.
func (c *cluster) change(call string, args interface{}) error {
	reply, err := kvnode.ChangeMembership(c.running(), quietTCP(), call, args, time.Now().Add(changeWithin))
	switch {
	case err != nil:
		return err
	case reply.Err != kvnode.OK:
		return fmt.Errorf("%s (%s)", reply.Msg, reply.Err)
	}
	return nil
}

// checkMembers fails unless the leader's configuration, committed, has
// exactly the running servers as voters and no learner.
func checkMembers(c *cluster) error {
	views := kvnode.Views(c.running(), quietTCP(), time.Second)
	leader := kvnode.Leader(views)
	if leader < 0 {
		return fmt.Errorf("no leader among the running servers at the end")
	}
	config := views[leader].Config
	want := map[int]bool{}
	for _, i := range c.members() {
		want[i] = true
	}
	ok := config.Committed && len(config.Learners) == 0 && len(config.Voters) == len(want)
	for _, m := range config.Voters {
		ok = ok && want[m.Id]
	}
	if !ok {
		return fmt.Errorf("the final configuration is %s; want the running servers %v as voters", config, c.members())
	}
	fmt.Printf("clustertest: final configuration: %s\n", config)
	return nil
}
