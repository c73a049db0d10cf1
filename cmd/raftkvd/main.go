// Command raftkvd runs one server of a replicated key/value cluster as its
// own process: the raftkv service and its Raft peer, reached by the other
// servers and by clients over TCP (package labtcp), with Raft's state and
// snapshots kept in a data folder (package diskpersist), so the process
// can be killed, even with kill -9, and started again where it was.
//
// Three servers on loopback:
//
//	raftkvd -id 0 -servers 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 -data data/0
//	raftkvd -id 1 -servers 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 -data data/1
//	raftkvd -id 2 -servers 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 -data data/2
//
// Every server gets the same -servers list; -id picks its own address in
// it. A server added later, to grow the cluster or replace one, starts
// with a new id and its own address and no -servers list:
//
//	raftkvd -id 3 -join 127.0.0.1:7004 -data data/3
//
// It waits, never campaigning, until an operator adds it
// (`raftkv add-server 3 127.0.0.1:7004`), catches up and then votes.
// Restarted, every server takes its configuration from its data folder.
// raftkvd takes flags only and checks every one before it starts: a
// mistake is one line naming the flag, and exit status 2. It locks its
// data folder, so a second server on the same folder names the process
// holding it and exits. The process logs one line per notable event
// (leadership won or lost, a snapshot saved, a peer unreachable or back, a
// follower that lost entries it had acknowledged) and stops cleanly on
// SIGTERM or SIGINT. Besides the services KVServer and Raft it serves Node
// (internal/kvnode), whose Status reports its Raft state, disk counts and
// configuration, and whose AddServer and RemoveServer change the
// configuration (membership.go).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"miniraftkv/diskpersist"
	"miniraftkv/internal/kvnode"
	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
	"miniraftkv/raftkv"
)

// config is what the flags say.
type config struct {
	id           int
	addrs        []string // -servers; nil with -join
	join         string   // -join: this new server's address
	dataDir      string
	maxRaftState int
	fsync        bool
	token        string
	maxFrame     int
	statsEvery   time.Duration
}

// Bounds of the flags.
const (
	// minMaxMessage is the smallest -max-message: one AppendEntries must
	// carry the largest Put the service accepts, with room for its
	// encoding and the call's other fields.
	minMaxMessage = raftkv.MaxValueBytes + 64<<10
	// maxMaxMessage is the largest: a frame's length is 32 bits, and a
	// peer may allocate this much per connection.
	maxMaxMessage = 1 << 30
	// appendBytes bounds the entries of one AppendEntries (about that many
	// bytes), so a heartbeat never waits long behind a batch on the wire.
	appendBytes = raftkv.MaxValueBytes
	// maxServerID bounds server ids: raft's own bound on member ids
	// (Raft keeps per-member state in slices indexed by id), checked here
	// so that a bad -id fails at start, not at AddServer.
	maxServerID = 1023
)

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var servers string
	fs := flag.NewFlagSet("raftkvd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.id, "id", -1, "this server's index in -servers (0-based); with -join, its new id")
	fs.StringVar(&servers, "servers", kvnode.DefaultServers, "comma-separated host:port of every server, the same list and order on each")
	fs.StringVar(&cfg.join, "join", "", "host:port of this new server, which joins a running cluster once `raftkv add-server` adds it (no -servers then)")
	fs.StringVar(&cfg.dataDir, "data", "", "data folder (default data/server-ID)")
	fs.IntVar(&cfg.maxRaftState, "maxraftstate", 1<<20, "snapshot when Raft's persisted state reaches this many bytes; -1: never")
	fs.BoolVar(&cfg.fsync, "fsync", true, "fsync every save (write -fsync=false to turn it off); off risks acknowledged writes on a machine crash")
	fs.StringVar(&cfg.token, "token", "", "shared cluster token; connections without it are refused")
	fs.IntVar(&cfg.maxFrame, "max-message", labtcp.DefaultMaxFrame, "largest RPC message in bytes, sent or received")
	fs.DurationVar(&cfg.statsEvery, "stats", 0, "log the disk counts this often (0: only at shutdown)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q: raftkvd takes only flags (a boolean flag takes its value as -fsync=false)", fs.Arg(0))
	}
	if err := cfg.setAddrs(fs, servers); err != nil {
		return cfg, err
	}
	if cfg.dataDir == "" && cfg.id >= 0 {
		cfg.dataDir = filepath.Join("data", fmt.Sprintf("server-%d", cfg.id))
	}
	return cfg, cfg.validate()
}

// setAddrs checks -servers, or -join, which excludes it.
func (cfg *config) setAddrs(fs *flag.FlagSet, servers string) error {
	if cfg.join == "" {
		addrs, err := kvnode.SplitAddrs(servers)
		if err != nil {
			return fmt.Errorf("-servers: %v", err)
		}
		cfg.addrs = addrs
		return nil
	}
	serversGiven := false
	fs.Visit(func(f *flag.Flag) { serversGiven = serversGiven || f.Name == "servers" })
	if serversGiven {
		return errors.New("-join and -servers exclude each other: a joining server learns the members from the cluster")
	}
	addrs, err := kvnode.SplitAddrs(cfg.join)
	if err != nil {
		return fmt.Errorf("-join: %v", err)
	}
	if len(addrs) != 1 {
		return fmt.Errorf("-join %s: want this server's own host:port only", cfg.join)
	}
	return nil
}

// describe says what the server starts as, for its log.
func (cfg config) describe() string {
	if cfg.join != "" {
		return fmt.Sprintf("server %d joining at %s (until `raftkv add-server %d %s`, unless its data says it was added)",
			cfg.id, cfg.join, cfg.id, cfg.join)
	}
	return fmt.Sprintf("server %d of %d", cfg.id, len(cfg.addrs))
}

// listenAddr is this server's own address.
func (cfg config) listenAddr() string {
	if cfg.join != "" {
		return cfg.join
	}
	return cfg.addrs[cfg.id]
}

// validate checks the flags' values against each other and their bounds,
// so that a mistake stops the server at once with one line naming the
// flag, rather than as a panic or a cluster that never elects a leader.
func (cfg config) validate() error {
	switch {
	case cfg.join != "" && (cfg.id < 0 || cfg.id > maxServerID):
		return fmt.Errorf("-id %d: a joining server needs a new id from 0 to %d", cfg.id, maxServerID)
	case cfg.join == "" && (cfg.id < 0 || cfg.id >= len(cfg.addrs)):
		return fmt.Errorf("-id %d is not an index of the %d servers in -servers (0 to %d)", cfg.id, len(cfg.addrs), len(cfg.addrs)-1)
	case cfg.maxRaftState < -1:
		return fmt.Errorf("-maxraftstate %d: want -1 (never snapshot) or a size in bytes", cfg.maxRaftState)
	case cfg.maxFrame < minMaxMessage || cfg.maxFrame > maxMaxMessage:
		return fmt.Errorf("-max-message %d: want %d to %d bytes (the largest Put is %d bytes)",
			cfg.maxFrame, minMaxMessage, maxMaxMessage, raftkv.MaxValueBytes)
	case cfg.statsEvery < 0:
		return fmt.Errorf("-stats %v: want a positive interval, or 0 for only at shutdown", cfg.statsEvery)
	case strings.TrimSpace(cfg.dataDir) == "":
		return errors.New("-data: empty folder name")
	}
	return nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "raftkvd:", err)
		os.Exit(2)
	}
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix(fmt.Sprintf("raftkvd %d: ", cfg.id))
	if err := run(cfg); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

// run serves until SIGTERM or SIGINT, then shuts down in the order that
// keeps the store whole: no new requests, the peer stopped, then the store.
func run(cfg config) error {
	store, err := diskpersist.Open(cfg.dataDir, diskpersist.Options{NoSync: !cfg.fsync})
	if err != nil {
		return err
	}
	loaded := store.Persister().RaftStateSize()
	log.Printf("found %d bytes of Raft state and a %d-byte snapshot in %s",
		loaded, len(store.Persister().ReadSnapshot()), cfg.dataDir)
	rpcs := labrpc.MakeServer()
	opts := labtcp.Options{Token: cfg.token, MaxFrame: cfg.maxFrame, Logf: log.Printf}
	srv, err := labtcp.Listen(cfg.listenAddr(), rpcs, opts)
	if err != nil {
		store.Close()
		return err
	}
	d := newDialer(opts)
	kv, members, err := startKV(cfg, store.Persister(), d)
	if err != nil {
		srv.Close()
		d.close()
		store.Close()
		return err
	}
	rpcs.AddService(labrpc.MakeService(kv))
	rpcs.AddService(labrpc.MakeService(kv.Raft()))
	rpcs.AddService(labrpc.MakeService(&kvnode.Node{Report: reporter(cfg.id, loaded, kv, store), Membership: members}))
	log.Printf("serving on %s, %s, data in %s, fsync %v, snapshot at %d bytes",
		srv.Addr(), cfg.describe(), cfg.dataDir, cfg.fsync, cfg.maxRaftState)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	sig := watch(kv, store, members, stop, cfg.statsEvery)
	log.Printf("%v: shutting down", sig)
	srv.Close()
	kv.Kill()
	d.close()
	logStats("at shutdown", store.Stats())
	return store.Close()
}

// reporter returns the function behind Node.Status.
func reporter(id, loaded int, kv *raftkv.KVServer, store *diskpersist.Store) func(*kvnode.StatusReply) {
	return func(reply *kvnode.StatusReply) {
		st := store.Stats()
		reply.Id, reply.Loaded = id, loaded
		reply.Term, reply.IsLeader = kv.Raft().GetState()
		reply.Appends, reply.Rewrites, reply.Fsyncs, reply.Bytes = st.Appends, st.Rewrites, st.Fsyncs, st.Bytes
	}
}
