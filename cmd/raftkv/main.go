// Command raftkv is a client of a raftkvd cluster:
//
//	raftkv get KEY            prints the value ("" for a missing key)
//	raftkv put KEY VALUE      VALUE "-" reads the value from standard input
//	raftkv append KEY VALUE   likewise
//	raftkv status [-wait]     each server's term, role and disk counts;
//	                          -wait: until all answer (make cluster uses it)
//	raftkv bench [flags]      N clients for a duration: ops/s, p50/p99
//	raftkv members            the configuration: voters, learners, leader
//	raftkv add-server ID ADDR add a new server (started with raftkvd -join)
//	raftkv remove-server ID   remove a server from the configuration
//
// Global flags come before the command: -servers (default: the three
// loopback servers of `make cluster`), -token, -timeout. The -servers list
// may be out of date after membership changes: every command first asks
// those servers for their configuration and also talks to every member of
// the newest one (a server added since is found; one removed is merely
// tried). An operation retries across servers until a leader applies it;
// if none has within -timeout, raftkv exits with status 3, and the
// operation may still take effect later. It gives up at once, with status 1, when no server can be
// reached at all (every one refuses connections, or refuses our -token),
// naming why for each. A key and value together are at most
// raftkv.MaxValueBytes (1 MiB). Exit statuses: 0 done, 1 an error, 2 bad
// usage, 3 timeout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sync"
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
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g, rest, err := parseGlobals(args, stderr)
	if err == nil && len(rest) == 0 {
		err = usageError{"no command: want get, put, append, status, bench, members, add-server or remove-server"}
	}
	if err == nil && g.profile != "" {
		var stop func()
		stop, err = startProfile(g.profile)
		if err == nil {
			defer stop()
		}
	}
	if err == nil {
		err = dispatch(g, rest[0], rest[1:], stdin, stdout, stderr)
	}
	return report(err, stderr)
}

// commandList is the usage text's list of commands.
const commandList = `commands:
  get KEY            print KEY's value ("" if missing)
  put KEY VALUE      set KEY; VALUE "-" reads it from standard input
  append KEY VALUE   append to KEY's value; VALUE "-" as for put
  status [-wait]     each server's term, role and disk counts; -wait asks
                     until every server answers, up to -timeout
  bench [flags]      load test (raftkv bench -h lists its flags)
  members            the configuration: voters, learners, the leader
  add-server ID ADDR add the server at ADDR (started with raftkvd -join)
                     with a new ID; returns once it has caught up and votes
  remove-server ID   remove server ID; returns once the change is committed
`

const usageLine = "usage: raftkv [-servers a,b,c] [-token T] [-timeout D] command [args]"

func report(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "raftkv:", err)
		fmt.Fprintln(stderr, usageLine)
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
	fs.Usage = func() {
		fmt.Fprintln(stderr, usageLine)
		fmt.Fprint(stderr, commandList)
		fmt.Fprintln(stderr, "flags:")
		fs.PrintDefaults()
	}
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
		return g, nil, usageError{"-servers: " + err.Error()}
	}
	if g.timeout <= 0 {
		return g, nil, usageError{fmt.Sprintf("-timeout %v: want a positive duration", g.timeout)}
	}
	if g.opts.MaxFrame <= 0 {
		return g, nil, usageError{fmt.Sprintf("-max-message %d: want a positive size in bytes", g.opts.MaxFrame)}
	}
	g.servers = addrs
	g.opts.Logf = func(string, ...interface{}) {}    // a client reports failures by its exit status
	g.opts.CallTimeout = min(g.timeout, time.Second) // so that status, too, ends within -timeout
	return g, fs.Args(), nil
}

// discoverGrace is how long a command waits for the other servers'
// configurations once the first has answered.
const discoverGrace = 50 * time.Millisecond

// commands are the command names dispatch knows.
var commands = map[string]bool{"get": true, "put": true, "append": true, "status": true, "bench": true,
	"members": true, "add-server": true, "remove-server": true}

func dispatch(g globals, cmd string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if !commands[cmd] {
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	g.servers = kvnode.Discover(g.servers, g.opts, discoverGrace)
	switch cmd {
	case "members":
		return members(g, args, stdout)
	case "add-server":
		return addServer(g, args, stdout)
	case "remove-server":
		return removeServer(g, args, stdout)
	}
	ends, clients := kvnode.Dial(g.servers, g.opts)
	defer kvnode.CloseAll(clients)
	w := watch{addrs: g.servers, clients: clients}
	switch cmd {
	case "get", "put", "append":
		return single(ends, w, cmd, args, g.timeout, stdin, stdout)
	case "status":
		return status(ends, w, args, g.timeout, stdout, stderr)
	case "bench":
		return bench(ends, w, args, g.timeout, stdout, stderr)
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// single runs one get, put or append, giving up after timeout, or at once
// when no server can be reached.
func single(ends []*labrpc.ClientEnd, w watch, cmd string, args []string, timeout time.Duration,
	stdin io.Reader, stdout io.Writer) error {
	want := map[string]int{"get": 1, "put": 2, "append": 2}[cmd]
	if len(args) != want {
		return usageError{fmt.Sprintf("%s takes %d argument(s), got %d", cmd, want, len(args))}
	}
	if want == 2 {
		value, err := valueArg(args[1], stdin)
		if err != nil {
			return err
		}
		if len(args[0])+len(value) > raftkv.MaxValueBytes {
			return fmt.Errorf("%s: key and value of %d bytes exceed the limit of %d bytes (raftkv.MaxValueBytes)",
				cmd, len(args[0])+len(value), raftkv.MaxValueBytes)
		}
		args = []string{args[0], value}
	}
	ck := raftkv.MakeClerk(ends)
	var got string
	done := make(chan struct{})
	go func() {
		defer close(done)
		switch cmd {
		case "get":
			got = ck.Get(args[0])
		case "put":
			ck.Put(args[0], args[1])
		default:
			ck.Append(args[0], args[1])
		}
	}()
	if err := w.await(done, timeout); err != nil {
		return err
	}
	if cmd == "get" {
		fmt.Fprintln(stdout, got)
	}
	return nil
}

// valueArg is a put's or append's value: arg itself, or standard input
// when arg is "-" (a value too long for a command line), read up to one
// byte past the limit so that a larger one is refused without reading it
// all.
func valueArg(arg string, stdin io.Reader) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, raftkv.MaxValueBytes+1))
	if err != nil {
		return "", fmt.Errorf("reading the value from standard input: %w", err)
	}
	if len(b) > raftkv.MaxValueBytes {
		return "", fmt.Errorf("the value on standard input exceeds the limit of %d bytes (raftkv.MaxValueBytes)",
			raftkv.MaxValueBytes)
	}
	return string(b), nil
}

// statusRetry is how often status -wait asks the servers that have not
// answered yet.
const statusRetry = 100 * time.Millisecond

// status prints one line per server; an error if none answered. With
// -wait it asks until every server has answered, for up to timeout, and
// it is an error if one has not.
func status(ends []*labrpc.ClientEnd, w watch, args []string, timeout time.Duration, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("raftkv status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wait := fs.Bool("wait", false, "ask until every server answers (up to -timeout); an error if one does not")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("status takes no arguments, got %q", fs.Args())}
	}
	replies := make([]*kvnode.StatusReply, len(ends))
	deadline := time.Now().Add(timeout)
	for missing := askStatus(ends, replies); *wait && missing > 0 && time.Now().Before(deadline); {
		time.Sleep(statusRetry)
		missing = askStatus(ends, replies)
	}
	answered := printStatus(replies, w, stdout)
	switch {
	case answered == 0:
		return errors.New("no server answered")
	case *wait && answered < len(ends):
		return fmt.Errorf("%d of %d servers answered within %v", answered, len(ends), timeout)
	}
	return nil
}

// askStatus asks every server that has not answered yet for its status,
// all at once (a call to a silent server takes labtcp's call timeout), and
// returns how many still have not answered.
func askStatus(ends []*labrpc.ClientEnd, replies []*kvnode.StatusReply) int {
	var wg sync.WaitGroup
	for i, end := range ends {
		if replies[i] != nil {
			continue
		}
		wg.Add(1)
		go func(i int, end *labrpc.ClientEnd) {
			defer wg.Done()
			if st, ok := kvnode.QueryStatus(end); ok {
				replies[i] = &st
			}
		}(i, end)
	}
	wg.Wait()
	missing := 0
	for _, r := range replies {
		if r == nil {
			missing++
		}
	}
	return missing
}

// printStatus prints a line per server and returns how many answered.
func printStatus(replies []*kvnode.StatusReply, w watch, stdout io.Writer) int {
	answered := 0
	for i, st := range replies {
		if st == nil {
			fmt.Fprintf(stdout, "? %s: %s\n", w.addrs[i], w.why(i)) // its id is in its answer
			continue
		}
		answered++
		role := "follower"
		if st.IsLeader {
			role = "leader"
		}
		fmt.Fprintf(stdout, "%d %s: term %d %s; disk: %d appends, %d rewrites, %d fsyncs, %d bytes\n",
			st.Id, w.addrs[i], st.Term, role, st.Appends, st.Rewrites, st.Fsyncs, st.Bytes)
	}
	printConfigs(replies, stdout)
	return answered
}

// printConfigs prints the configuration the servers report, once if they
// agree, else each server's.
func printConfigs(replies []*kvnode.StatusReply, stdout io.Writer) {
	seen := map[string][]int{}
	var order []string
	for _, st := range replies {
		if st == nil || st.Config.Voters == nil {
			continue
		}
		line := st.Config.String()
		if seen[line] == nil {
			order = append(order, line)
		}
		seen[line] = append(seen[line], st.Id)
	}
	for _, line := range order {
		if len(order) == 1 {
			fmt.Fprintf(stdout, "configuration: %s\n", line)
		} else {
			fmt.Fprintf(stdout, "configuration of servers %v: %s\n", seen[line], line)
		}
	}
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
