// Command clustertest checks a real raftkvd cluster end to end, as
// `make cluster-test` runs it: it builds raftkvd, starts three servers on
// free loopback ports with data under a temporary folder, and runs clients
// that record every operation while it
//
//   - SIGKILLs the leader and, a few seconds later, restarts it from its
//     data folder;
//   - SIGSTOPs another server (the leader then, if it is another) for a
//     few seconds and SIGCONTs it;
//   - cuts the leader off from the other servers by a network partition
//     (every server reaches each peer through a forwarder of this
//     program's, which can cut the pair apart), and heals it;
//   - cuts a follower off, a 2/1 split, and heals it;
//   - replaces a follower, then the leader, by new servers through
//     membership changes: each new one starts with -join and an empty data
//     folder, is added, the old one removed and SIGKILLed;
//
// then stops the clients, reads every key, and checks the whole history
// with the linearizability checker's KV model, that every acknowledged
// Append is in the final value of its key exactly once, that the three
// servers left answer, and that the leader's committed configuration has
// exactly them as voters. It kills every process it started on any exit, a
// failure or Ctrl-C included (and on Linux the kernel kills them should
// this program itself be SIGKILLed). Exit status 0: passed; 1: failed; 2:
// bad usage or setup; 130: interrupted. Run it from the module's root.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"miniraftkv/internal/kvnode"
	"miniraftkv/labtcp"
	"miniraftkv/linearizability"
)

const (
	servers    = 3 // at the start; two more join to replace two of them
	clients    = 5
	keys       = 4
	checkLimit = 60 * time.Second // for the linearizability check
)

// options are what the flags say.
type options struct {
	phase time.Duration // length of each step of the fault schedule
	keep  bool          // keep the data folder and logs
}

// setupError is a failure to set the test up, not a finding about raftkvd.
type setupError struct{ err error }

func (e setupError) Error() string { return e.err.Error() }

func main() {
	var opts options
	flag.DurationVar(&opts.phase, "phase", 4*time.Second, "length of each step of the fault schedule (about 10 steps)")
	flag.BoolVar(&opts.keep, "keep", false, "keep the data folders and server logs")
	flag.Parse()
	dir, err := os.MkdirTemp("", "clustertest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "clustertest:", err)
		os.Exit(2)
	}
	c := &cluster{dir: dir, procs: make([]*exec.Cmd, servers+2)}
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-interrupted
		c.killAll()
		fmt.Fprintln(os.Stderr, "clustertest: interrupted; every server killed; logs in", dir)
		os.Exit(130)
	}()
	err = run(c, opts)
	c.killAll()
	os.Exit(finish(c, err, opts.keep))
}

// finish reports the outcome and returns the exit status.
func finish(c *cluster, err error, keep bool) int {
	var se setupError
	switch {
	case err == nil:
		fmt.Println("clustertest: PASS")
	case errors.As(err, &se):
		fmt.Fprintln(os.Stderr, "clustertest: setup:", err)
	default:
		c.tailLogs(15)
		fmt.Fprintln(os.Stderr, "clustertest: FAIL:", err)
	}
	if keep || (err != nil && !errors.As(err, &se)) {
		fmt.Fprintln(os.Stderr, "clustertest: data folders and logs kept in", c.dir)
	} else {
		os.RemoveAll(c.dir)
	}
	switch {
	case err == nil:
		return 0
	case errors.As(err, &se):
		return 2
	}
	return 1
}

// setup builds raftkvd and starts the servers. A server whose port another
// program took between reservePorts and its start is not a finding about
// raftkvd: setup then starts them all again on new ports, in a folder of
// their own, up to three times.
func setup(c *cluster) error {
	c.bin = filepath.Join(c.dir, "raftkvd")
	build := exec.Command("go", "build", "-o", c.bin, "./cmd/raftkvd")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return setupError{fmt.Errorf("building raftkvd (run from the module root): %v", err)}
	}
	top := c.dir
	for attempt := 1; ; attempt++ {
		err := startServers(c)
		var taken portTaken
		if err == nil || !errors.As(err, &taken) {
			return err
		}
		if attempt == 3 {
			return setupError{err}
		}
		fmt.Printf("clustertest: %v; starting the servers again on other ports\n", err)
		c.stopAll()
		c.dir = filepath.Join(top, fmt.Sprintf("attempt-%d", attempt+1))
		if err := os.Mkdir(c.dir, 0o755); err != nil {
			return setupError{err}
		}
	}
}

// startServers starts the initial servers on ports of their own, behind
// the links that partitions cut, and waits until each answers.
func startServers(c *cluster) error {
	addrs, release, err := reservePorts(servers + 2)
	if err != nil {
		return setupError{err}
	}
	nw, err := newNetwork(addrs[:servers])
	release()
	if err != nil {
		return setupError{err}
	}
	c.mu.Lock()
	c.addrs, c.net = addrs, nw
	c.mu.Unlock()
	for i := 0; i < servers; i++ {
		if err := c.start(i); err != nil {
			return setupError{err}
		}
	}
	if err := awaitServing(c, servers, 10*time.Second); err != nil {
		return err
	}
	fmt.Printf("clustertest: %d servers on %v (%v for those that join later), data and logs in %s\n",
		servers, addrs[:servers], addrs[servers:], c.dir)
	return nil
}

// run sets up, runs the clients through the fault schedule, and checks.
func run(c *cluster, opts options) error {
	if err := setup(c); err != nil {
		return err
	}
	ends, tcp := kvnode.Dial(c.addrs, quietTCP())
	defer kvnode.CloseAll(tcp)
	w := &workload{rec: linearizability.NewKvRecorder(), ends: ends, keys: keys}
	w.startClients(clients)
	if err := faults(c, w, opts.phase); err != nil {
		return err
	}
	if n := w.stopClients(10 * time.Second); n > 0 {
		return fmt.Errorf("%d clients still blocked 10 s after the faults healed", n)
	}
	final, err := w.finalReads(clients, 10*time.Second)
	if err != nil {
		return err
	}
	return check(c, w, final)
}

// quietTCP is the clients' TCP options: a peer unreachable is expected
// here, and the servers' own logs say it.
func quietTCP() labtcp.Options {
	return labtcp.Options{Logf: func(string, ...interface{}) {}}
}

// check runs the three end checks.
func check(c *cluster, w *workload, final map[string]string) error {
	ops := w.rec.Operations()
	if err := checkAcked(ackedAppends(ops), final); err != nil {
		return err
	}
	fmt.Printf("clustertest: checking %d operations for linearizability\n", len(ops))
	switch res, _ := linearizability.CheckOperationsVerbose(linearizability.KvModel(), ops, checkLimit); res {
	case linearizability.Ok:
		fmt.Println("clustertest: the history is linearizable")
	case linearizability.Illegal:
		return errors.New("the history is NOT linearizable")
	default:
		return fmt.Errorf("the linearizability check gave no verdict within %v", checkLimit)
	}
	for _, i := range c.members() {
		if _, ok := statusOf(c, i); !ok {
			return fmt.Errorf("server %d does not answer at the end", i)
		}
	}
	return checkMembers(c)
}
