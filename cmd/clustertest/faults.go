package main

import (
	"fmt"
	"syscall"
	"time"

	"miniraftkv/internal/kvnode"
)

// faults runs the schedule, each step phase long: load with no fault; the
// leader SIGKILLed; it restarted; another server SIGSTOPped; it resumed;
// load with no fault. It fails if no leader emerges in time or a signal
// cannot be sent.
func faults(c *cluster, w *workload, phase time.Duration) error {
	step := func(format string, args ...interface{}) {
		fmt.Printf("clustertest: %6.1fs %5d ops: %s\n", time.Since(w.rec.start).Seconds(),
			w.rec.count(), fmt.Sprintf(format, args...))
	}
	time.Sleep(phase)
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
	step("stop the clients")
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
				return (avoid + 1) % len(c.addrs), nil
			}
			return l, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return -1, fmt.Errorf("no leader within 10 s")
}
