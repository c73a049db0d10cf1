package main

import (
	"fmt"
	"syscall"
	"time"

	"miniraftkv/internal/kvnode"
)

// faults runs the schedule, each step phase long: load with no fault; the
// leader SIGKILLed; it restarted; another server SIGSTOPped; it resumed;
// the leader cut off from the other servers by a network partition;
// healed; a follower cut off (a 2/1 split); healed; load with no fault.
// It fails if no leader emerges in time or a signal cannot be sent.
func faults(c *cluster, w *workload, phase time.Duration) error {
	step := func(format string, args ...interface{}) {
		fmt.Printf("clustertest: %6.1fs %5d ops: %s\n", time.Duration(w.rec.Now()).Seconds(),
			w.rec.Returned(), fmt.Sprintf(format, args...))
	}
	time.Sleep(phase)
	if err := crashFaults(c, step, phase); err != nil {
		return err
	}
	if err := partitionFaults(c, step, phase); err != nil {
		return err
	}
	if err := replaceFaults(c, step, phase); err != nil {
		return err
	}
	step("stop the clients")
	return nil
}

// crashFaults SIGKILLs the leader and restarts it, then SIGSTOPs a server
// and resumes it.
func crashFaults(c *cluster, step func(string, ...interface{}), phase time.Duration) error {
	victim, err := awaitLeader(c, -1)
	if err != nil {
		return err
	}
	step("SIGKILL server %d (the leader)", victim)
	c.kill(victim)
	time.Sleep(phase)
	step("restart server %d from its data folder", victim)
	if err := c.start(victim); err != nil {
		return err
	}
	time.Sleep(phase)
	paused, err := awaitLeader(c, victim)
	if err != nil {
		return err
	}
	if err := checkRestored(c, victim); err != nil {
		return err
	}
	step("SIGSTOP server %d (%s)", paused, map[bool]string{true: "the leader", false: "a follower"}[isLeader(c, paused)])
	if err := c.signal(paused, syscall.SIGSTOP); err != nil {
		return err
	}
	time.Sleep(phase)
	step("SIGCONT server %d", paused)
	if err := c.signal(paused, syscall.SIGCONT); err != nil {
		return err
	}
	time.Sleep(phase)
	return nil
}

// partitionFaults cuts the leader off from the other servers, then,
// healed, a follower; each time the majority must elect or keep a leader.
func partitionFaults(c *cluster, step func(string, ...interface{}), phase time.Duration) error {
	leader, err := awaitLeader(c, -1)
	if err != nil {
		return err
	}
	step("partition: server %d (the leader) cut off from the other servers", leader)
	c.net.isolate(leader)
	time.Sleep(phase)
	newLeader, err := awaitLeaderAmong(c, others(servers, leader))
	if err != nil {
		return fmt.Errorf("with server %d cut off: %v", leader, err)
	}
	step("heal the partition (server %d leads the majority)", newLeader)
	c.net.heal()
	time.Sleep(phase)
	follower := (newLeader + 1) % servers
	if isLeader(c, follower) {
		follower = (follower + 1) % servers
	}
	step("partition: server %d (a follower) cut off, a 2/1 split", follower)
	c.net.isolate(follower)
	time.Sleep(phase)
	step("heal the partition")
	c.net.heal()
	time.Sleep(phase / 2)
	return nil
}

// checkRestored fails unless server i, restarted, found Raft state in its
// data folder: otherwise it would have caught up from the leader and the
// test would not have tested recovery from disk.
func checkRestored(c *cluster, i int) error {
	st, ok := statusOf(c, i)
	switch {
	case !ok:
		return fmt.Errorf("restarted server %d does not answer", i)
	case st.Loaded == 0:
		return fmt.Errorf("restarted server %d found no Raft state in its data folder", i)
	}
	fmt.Printf("clustertest:                server %d restarted from %d bytes of Raft state on disk\n", i, st.Loaded)
	return nil
}

// isLeader says whether server i answers as leader.
func isLeader(c *cluster, i int) bool {
	st, ok := statusOf(c, i)
	return ok && st.IsLeader
}

// statusOf asks server i for its status over a connection of its own.
func statusOf(c *cluster, i int) (kvnode.StatusReply, bool) {
	ends, tcp := kvnode.Dial(c.addrs[i:i+1], quietTCP())
	defer kvnode.CloseAll(tcp)
	return kvnode.QueryStatus(ends[0])
}

// awaitLeader returns the current leader, or, if that is avoid, any other
// server; an error if no leader shows up within 10 s.
func awaitLeader(c *cluster, avoid int) (int, error) {
	ends, tcp := kvnode.Dial(c.addrs, quietTCP())
	defer kvnode.CloseAll(tcp)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if l := kvnode.FindLeader(ends); l >= 0 {
			if l == avoid {
				return (avoid + 1) % servers, nil
			}
			return l, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return -1, fmt.Errorf("no leader within 10 s")
}

// others is every server index but i.
func others(n, i int) []int {
	var out []int
	for j := 0; j < n; j++ {
		if j != i {
			out = append(out, j)
		}
	}
	return out
}

// awaitLeaderAmong returns the server among servers that leads with the
// highest term; an error if none does within 10 s.
func awaitLeaderAmong(c *cluster, servers []int) (int, error) {
	addrs := make([]string, len(servers))
	for k, i := range servers {
		addrs[k] = c.addrs[i]
	}
	ends, tcp := kvnode.Dial(addrs, quietTCP())
	defer kvnode.CloseAll(tcp)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if l := kvnode.FindLeader(ends); l >= 0 {
			return servers[l], nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return -1, fmt.Errorf("no leader among servers %v within 10 s", servers)
}
