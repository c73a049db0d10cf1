package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// cluster is the raftkvd processes this program started. Every method is
// safe to call from the signal handler's goroutine too: killAll may run
// while the schedule is still starting or stopping processes.
type cluster struct {
	bin   string   // the raftkvd binary
	dir   string   // data folders and logs
	addrs []string // of the initial servers, then of those that join later
	net   *network // the links between the initial servers, which partitions cut

	mu     sync.Mutex
	procs  []*exec.Cmd // nil where a server is not running
	closed bool        // after killAll: start no more
}

// reservePorts returns n loopback addresses whose ports it holds until
// release is called: the links between the servers, made in between, then
// cannot be given one of them. Another program can still take a port
// after release; awaitServing finds that out and setup tries new ports.
func reservePorts(n int) (addrs []string, release func(), err error) {
	var lns []net.Listener
	release = func() {
		for _, ln := range lns {
			ln.Close()
		}
	}
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			release()
			return nil, nil, err
		}
		lns = append(lns, ln)
		addrs = append(addrs, ln.Addr().String())
	}
	return addrs, release, nil
}

func (c *cluster) logPath(i int) string {
	return filepath.Join(c.dir, fmt.Sprintf("server-%d.log", i))
}

// start runs server i, with its output appended to its log file, in a
// process group of its own so that a signal to the group reaches it and a
// Ctrl-C at the terminal reaches only this program, which then kills it.
func (c *cluster) start(i int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return fmt.Errorf("cluster already stopped")
	}
	logf, err := os.OpenFile(c.logPath(i), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close() // the child has its own copy
	cmd := exec.Command(c.bin, append(c.placeArgs(i), "-id", fmt.Sprint(i),
		"-data", filepath.Join(c.dir, fmt.Sprintf("server-%d", i)), "-maxraftstate", "20000")...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	c.procs[i] = cmd
	return nil
}

// placeArgs are server i's flags that place it in the cluster: one of
// the initial servers gets the -servers list through the links of the
// network; a later one joins at its own address (it reaches the others at
// the addresses the configuration gives it). Caller holds c.mu.
func (c *cluster) placeArgs(i int) []string {
	if i < servers {
		return []string{"-servers", strings.Join(c.net.serversFor(i, c.addrs[:servers]), ",")}
	}
	return []string{"-join", c.addrs[i]}
}

// members is the ids of the running servers, in order.
func (c *cluster) members() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for i, p := range c.procs {
		if p != nil {
			out = append(out, i)
		}
	}
	return out
}

// running is the addresses of the running servers, in order of id.
func (c *cluster) running() []string {
	var out []string
	for _, i := range c.members() {
		out = append(out, c.addrs[i])
	}
	return out
}

// signal sends sig to server i's process group.
func (c *cluster) signal(i int, sig syscall.Signal) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.procs[i] == nil {
		return fmt.Errorf("server %d is not running", i)
	}
	return syscall.Kill(-c.procs[i].Process.Pid, sig)
}

// kill SIGKILLs server i (resuming it first, should it be stopped) and
// reaps it.
func (c *cluster) kill(i int) {
	c.mu.Lock()
	cmd := c.procs[i]
	c.procs[i] = nil
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGCONT)
	cmd.Wait()
}

// killAll kills every server still running, starts no more, and closes
// the links between them.
func (c *cluster) killAll() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stopAll()
}

// stopAll kills every server still running and closes the links between
// them; a later setup may start new ones (unless killAll ran).
func (c *cluster) stopAll() {
	c.mu.Lock()
	nw := c.net
	c.mu.Unlock()
	for i := range c.addrs {
		c.kill(i)
	}
	if nw != nil {
		nw.close()
	}
}

// tailLogs prints the last lines of each server's log, for a failure.
func (c *cluster) tailLogs(lines int) {
	for i := range c.addrs {
		data, err := os.ReadFile(c.logPath(i))
		if err != nil {
			continue
		}
		all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(all) > lines {
			all = all[len(all)-lines:]
		}
		fmt.Fprintf(os.Stderr, "--- last lines of %s\n%s\n", c.logPath(i), strings.Join(all, "\n"))
	}
}
