// Command raftkv is a client of a raftkvd cluster:
//
//	raftkv get KEY            prints the value ("" for a missing key)
//	raftkv put KEY VALUE
//	raftkv append KEY VALUE
//	raftkv status             each server's term, role and disk counts
//	raftkv bench [flags]      N clients for a duration: ops/s, p50/p99
//
// Global flags come before the command: -servers (default: the three
// loopback servers of `make cluster`), -token, -timeout. An operation
// retries across servers until a leader applies it; if none has within
// -timeout, raftkv exits with status 3, and the operation may still take
// effect later. Exit statuses: 0 done, 1 an error, 2 bad usage, 3 timeout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"time"

	"miniraftkv/internal/kvnode"
	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
	"miniraftkv/raftkv"
)

const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitTimeout = 3
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errTimeout says no leader applied the operation in time.
var errTimeout = errors.New("no leader applied the operation in time (is a majority of the servers up?)")

// globals are the flags before the command.
type globals struct {
	servers []string
	opts    labtcp.Options
	timeout time.Duration
	profile string // CPU profile file, for finding where a bench's time goes
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	g, rest, err := parseGlobals(args, stderr)
	if err == nil && len(rest) == 0 {
		err = usageError{"no command: want get, put, append, status or bench"}
	}
	if err == nil && g.profile != "" {
		var stop func()
		stop, err = startProfile(g.profile)
		if err == nil {
			defer stop()
		}
	}
	if err == nil {
		err = dispatch(g, rest[0], rest[1:], stdout, stderr)
	}
	return report(err, stderr)
}

func report(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "raftkv:", err)
		fmt.Fprintln(stderr, "usage: raftkv [-servers a,b,c] [-token T] [-timeout D] get K | put K V | append K V | status | bench [flags]")
		return exitUsage
	case errors.Is(err, errTimeout):
		fmt.Fprintln(stderr, "raftkv:", err)
		return exitTimeout
	default:
		fmt.Fprintln(stderr, "raftkv:", err)
		return exitError
	}
}

func parseGlobals(args []string, stderr io.Writer) (globals, []string, error) {
	var g globals
	fs := flag.NewFlagSet("raftkv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	servers := fs.String("servers", kvnode.DefaultServers, "comma-separated host:port of the servers")
	fs.StringVar(&g.opts.Token, "token", "", "the cluster's shared token")
	fs.IntVar(&g.opts.MaxFrame, "max-message", labtcp.DefaultMaxFrame, "largest RPC message in bytes")
	fs.DurationVar(&g.timeout, "timeout", 10*time.Second, "give up on an operation after this long")
	fs.StringVar(&g.profile, "cpuprofile", "", "write this client's CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return g, nil, err
	}
	addrs, err := kvnode.SplitAddrs(*servers)
	if err != nil {
		return g, nil, usageError{err.Error()}
	}
	g.servers = addrs
	g.opts.Logf = func(string, ...interface{}) {} // a client reports failures by its exit status
	return g, fs.Args(), nil
}

func dispatch(g globals, cmd string, args []string, stdout, stderr io.Writer) error {
	ends, clients := kvnode.Dial(g.servers, g.opts)
	defer kvnode.CloseAll(clients)
	switch cmd {
	case "get", "put", "append":
		return single(ends, cmd, args, g.timeout, stdout)
	case "status":
		return status(ends, g.servers, stdout)
	case "bench":
		return bench(ends, args, stdout, stderr)
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// single runs one get, put or append, giving up after timeout.
func single(ends []*labrpc.ClientEnd, cmd string, args []string, timeout time.Duration, stdout io.Writer) error {
	want := map[string]int{"get": 1, "put": 2, "append": 2}[cmd]
	if len(args) != want {
		return usageError{fmt.Sprintf("%s takes %d argument(s), got %d", cmd, want, len(args))}
	}
	ck := raftkv.MakeClerk(ends)
	done := make(chan string, 1)
	go func() {
		switch cmd {
		case "get":
			done <- ck.Get(args[0])
		case "put":
			ck.Put(args[0], args[1])
			done <- ""
		default:
			ck.Append(args[0], args[1])
			done <- ""
		}
	}()
	select {
	case v := <-done:
		if cmd == "get" {
			fmt.Fprintln(stdout, v)
		}
		return nil
	case <-time.After(timeout):
		return errTimeout
	}
}

// status prints one line per server; an error if none answered.
func status(ends []*labrpc.ClientEnd, addrs []string, stdout io.Writer) error {
	answered := 0
	for i, end := range ends {
		st, ok := kvnode.QueryStatus(end)
		if !ok {
			fmt.Fprintf(stdout, "%d %s: unreachable\n", i, addrs[i])
			continue
		}
		answered++
		role := "follower"
		if st.IsLeader {
			role = "leader"
		}
		fmt.Fprintf(stdout, "%d %s: term %d %s; disk: %d appends, %d rewrites, %d fsyncs, %d bytes\n",
			i, addrs[i], st.Term, role, st.Appends, st.Rewrites, st.Fsyncs, st.Bytes)
	}
	if answered == 0 {
		return errors.New("no server answered")
	}
	return nil
}

// startProfile starts a CPU profile into path and returns what ends it.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
