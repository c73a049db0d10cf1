package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"miniraftkv/internal/cmdline"
)

// config is everything the command line decides.
type config struct {
	servers      int
	clients      int
	keys         int
	duration     time.Duration
	faults       FaultSet
	seed         int64
	maxraftstate int
	out          string        // HTML timeline path; "" for a new temporary file
	checkTimeout time.Duration // 0: no limit
}

// Exit statuses.
const (
	exitLinearizable = 0
	exitViolation    = 1
	exitUsage        = 2
	exitNoVerdict    = 3
	exitInterrupted  = 130 // Ctrl-C, as a shell reports SIGINT (and as cmd/stress exits)
)

func main() {
	// A short default seed is easy to retype to repeat a run.
	cfg, err := parseArgs(os.Args[1:], time.Now().UnixNano()%1000000, os.Stderr)
	if status, failed := cmdline.ParseFailed("kvsim", err, os.Stderr); failed {
		os.Exit(status)
	}
	// The timeline's file is created first: a path that cannot be written
	// is reported now, not after the whole run.
	timeline, err := openTimeline(cfg.out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kvsim:", err)
		os.Exit(exitUsage)
	}
	os.Exit(simulate(cfg, timeline, os.Stdout))
}

// parseArgs reads the flags; defaultSeed is used when -seed is not given.
func parseArgs(args []string, defaultSeed int64, errOut io.Writer) (config, error) {
	cfg := config{}
	fs := flag.NewFlagSet("kvsim", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&cfg.servers, "servers", 5, "number of KV servers")
	fs.IntVar(&cfg.clients, "clients", 5, "number of concurrent clients (one Clerk each)")
	fs.IntVar(&cfg.keys, "keys", 3, "number of keys the clients share")
	fs.DurationVar(&cfg.duration, "duration", 20*time.Second, "how long clients run and faults are injected")
	faults := fs.String("faults", "all", "faults to inject: comma list of partition,crash,unreliable,reorder, or all, or none")
	fs.Int64Var(&cfg.seed, "seed", 0, "seed of the fault schedule (default: from the clock; always printed)")
	fs.IntVar(&cfg.maxraftstate, "maxraftstate", 1000, "raft state size in bytes that triggers a snapshot (-1: never)")
	fs.StringVar(&cfg.out, "out", "", "path of the HTML timeline (default: a new temporary file)")
	fs.DurationVar(&cfg.checkTimeout, "checktimeout", time.Minute, "limit for the linearizability check (0: none)")
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: kvsim [flags]   (no flags: 5 servers, 5 clients, 20 s, every fault)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if !flagGiven(fs, "seed") {
		cfg.seed = defaultSeed
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q (kvsim takes only flags)", fs.Args())
	}
	var err error
	if cfg.faults, err = ParseFaults(*faults); err != nil {
		return config{}, err
	}
	return cfg, checkConfig(cfg)
}

func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

func checkConfig(cfg config) error {
	switch {
	case cfg.servers < 1:
		return fmt.Errorf("-servers %d: need at least one", cfg.servers)
	case cfg.clients < 1:
		return fmt.Errorf("-clients %d: need at least one", cfg.clients)
	case cfg.keys < 1:
		return fmt.Errorf("-keys %d: need at least one", cfg.keys)
	case cfg.duration <= 0:
		return fmt.Errorf("-duration %v: must be positive", cfg.duration)
	case cfg.maxraftstate < -1 || cfg.maxraftstate == 0:
		return fmt.Errorf("-maxraftstate %d: want -1 (never snapshot) or a positive size", cfg.maxraftstate)
	case cfg.checkTimeout < 0:
		return fmt.Errorf("-checktimeout %v is negative", cfg.checkTimeout)
	}
	return nil
}
