package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"miniraftkv/internal/cmdline"
	"miniraftkv/internal/termwidth"
	"miniraftkv/internal/testrun"
	"miniraftkv/internal/virtualtest"
)

// config is everything the command line decides.
type config struct {
	runs     int           // -n
	parallel int           // -p
	run      string        // -run
	race     bool          // -race
	timeout  time.Duration // -timeout, per run; 0 keeps go test's default
	out      string        // -out; "" for a temporary folder
	keepAll  bool          // -keep: keep the logs of passing runs too
	until    bool          // -until-fail: stop at the first failure
	endless  bool          // -until-fail without -n: no set number of runs
	verbose  bool          // -v: debug output on in every run
	pkg      string        // the one package argument, default "."
	extra    []string      // after "--": passed to the test binary
	virtual  bool          // -virtual: run the tests in virtual time
	seed     int64         // -seed: every run's seed in virtual time; 0 for a new one per run
	stall    time.Duration // -stall: the virtual-time watchdog's real-time limit; 0 for its default

	virtualRun string  // the wrappers' -test.run pattern, set once built
	seeds      []int64 // seeds[i] is run i+1's seed in virtual time
}

// endlessRuns caps -until-fail without -n: days of runs, never reached in
// practice, while keeping the job list small.
const endlessRuns = 100000

// debugEnv turns on the raft and raftkv debug lines (-v), which cmd/raftlog
// lays out per peer.
var debugEnv = []string{"RAFT_DEBUG=1", "KV_DEBUG=1"}

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

func main() {
	cfg, err := parseArgs(os.Args[1:], os.Stderr)
	if status, failed := cmdline.ParseFailed("stress", err, os.Stderr); failed {
		os.Exit(status)
	}
	os.Exit(stress(cfg))
}

// parseArgs reads the flags, which may come before or after the package;
// everything after "--" goes to the test binary.
func parseArgs(args []string, errOut io.Writer) (config, error) {
	cfg := config{pkg: "."}
	if i := indexOf(args, "--"); i >= 0 {
		args, cfg.extra = args[:i], args[i+1:]
	}
	fs := cmdline.NewFlagSet("stress", "stress [-n N] [-p P] [-run REGEXP] [-race] [-timeout D] [-out DIR] [-keep] [-until-fail] [-v] "+
		"[-virtual [-seed S] [-stall D]] [package] [-- test binary flags]", errOut)
	fs.IntVar(&cfg.runs, "n", 10, "number of runs")
	fs.IntVar(&cfg.parallel, "p", 2, "runs at a time")
	fs.StringVar(&cfg.run, "run", "", "run only tests matching this regexp (as go test -run)")
	fs.BoolVar(&cfg.race, "race", false, "build with the race detector")
	fs.DurationVar(&cfg.timeout, "timeout", 0, "limit per run, as go test -timeout (default go test's 10m)")
	fs.StringVar(&cfg.out, "out", "", "keep failing runs' logs here (default: a new temporary folder)")
	fs.BoolVar(&cfg.keepAll, "keep", false, "keep the logs of passing runs too")
	fs.BoolVar(&cfg.until, "until-fail", false, "run until the first failure or Ctrl-C (at most -n runs if -n is given)")
	fs.BoolVar(&cfg.verbose, "v", false, "debug output in every run (RAFT_DEBUG=1 KV_DEBUG=1) for cmd/raftlog; "+
		"runs always use go test -v")
	fs.BoolVar(&cfg.virtual, "virtual", false, "run each test in virtual time (testing/synctest; Go 1.25 or later): "+
		"timers cost no real time, and each run has one seed for its random choices")
	fs.Int64Var(&cfg.seed, "seed", 0, "with -virtual: the seed of every run (default: a new random seed per run, printed)")
	fs.DurationVar(&cfg.stall, "stall", 0, fmt.Sprintf("with -virtual: fail a run whose virtual clock stands still "+
		"this long in real time (default %v)", virtualtest.DefaultStall))
	var pkgs []string
	for {
		if err := fs.Parse(args); err != nil {
			return config{}, err
		}
		if fs.NArg() == 0 {
			break
		}
		pkgs = append(pkgs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	nGiven := false
	fs.Visit(func(f *flag.Flag) { nGiven = nGiven || f.Name == "n" })
	if cfg.until && !nGiven {
		cfg.runs, cfg.endless = endlessRuns, true
	}
	return cfg, checkConfig(&cfg, pkgs)
}

func checkConfig(cfg *config, pkgs []string) error {
	switch {
	case len(pkgs) > 1:
		return fmt.Errorf("one package at a time, got %s", strings.Join(pkgs, " "))
	case cfg.runs < 1:
		return fmt.Errorf("-n %d: need at least one run", cfg.runs)
	case cfg.parallel < 1:
		return fmt.Errorf("-p %d: need at least one run at a time", cfg.parallel)
	case cfg.timeout < 0:
		return fmt.Errorf("-timeout %v is negative", cfg.timeout)
	case !cfg.virtual && (cfg.seed != 0 || cfg.stall != 0):
		return fmt.Errorf("-seed and -stall apply only with -virtual")
	case cfg.stall < 0:
		return fmt.Errorf("-stall %v is negative", cfg.stall)
	}
	if err := checkRunPattern(cfg.run); err != nil {
		return err
	}
	if len(pkgs) == 1 {
		cfg.pkg = pkgs[0]
	}
	cfg.parallel = min(cfg.parallel, cfg.runs)
	return nil
}

// binaryArgs are the test binary's arguments for go test's -run, -timeout
// and -v, plus any extra ones from the command line.
func binaryArgs(cfg config) []string {
	args := []string{"-test.v", "-test.count=1"}
	if cfg.run != "" {
		args = append(args, "-test.run", cfg.run)
	}
	if cfg.timeout > 0 {
		args = append(args, "-test.timeout", cfg.timeout.String())
	}
	return append(args, cfg.extra...)
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}

// stress builds, runs and reports; it returns the exit status.
func stress(cfg config) int {
	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()

	outDir, autoOut, err := makeOutDir(cfg.out, pkgBase(cfg.pkg))
	if err != nil {
		fmt.Fprintln(os.Stderr, "stress:", err)
		return exitUsage
	}
	bin, status := buildAndCheck(ctx, &cfg, outDir)
	if status != exitOK {
		if autoOut {
			os.RemoveAll(outDir)
		}
		return status
	}

	total := cfg.runs
	if cfg.endless {
		total = 0 // the progress line shows no bar and no time left
	}
	prog := newProgress(os.Stderr, isTerminal(os.Stderr), termwidth.Width(80, os.Stderr), total, cfg.parallel)
	runsOver := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			stopSignals() // a second Ctrl-C now quits at once
			prog.note("stress: interrupted: stopping the running tests (Ctrl-C again to quit at once)")
		case <-runsOver:
		}
	}()
	start := time.Now()
	if cfg.virtual {
		cfg.seeds = virtualSeeds(cfg.seed, cfg.runs)
	}
	results := runAll(ctx, cfg, bin, outDir, prog)
	close(runsOver)
	prog.stop()
	interrupted := ctx.Err() != nil
	stopSignals()

	return report(cfg, results, time.Since(start), outDir, bin.Path, autoOut, interrupted)
}

// runAll runs the binary as the flags ask: -n times, or until a failure.
func runAll(ctx context.Context, cfg config, bin testrun.Binary, outDir string, prog *progress) []testrun.RunResult {
	r := &testrun.Runner{Bin: bin, Args: binaryArgs(cfg), OutDir: outDir, KeepAll: cfg.keepAll,
		Env: runEnv(cfg, outDir)}
	jobs := make([]testrun.Job, cfg.runs)
	for i := range jobs {
		jobs[i] = testrun.Job{Index: i + 1}
	}
	if cfg.virtual {
		r.Args = virtualArgs(cfg)
		jobs = virtualJobs(cfg.seeds)
	}
	failed := false
	if cfg.until {
		r.ShouldRun = func(testrun.Job) bool { return !failed }
	}
	finished := func(res testrun.RunResult) {
		failed = failed || (!res.Passed && !res.Interrupted)
		prog.finished(res)
	}
	return r.RunJobs(ctx, jobs, cfg.parallel, func(testrun.Job) { prog.started() }, finished)
}

// timelineDirEnv is the variable with which the KV tester (raftkv/config.go)
// chooses where the timeline of a failed linearizability check goes.
const timelineDirEnv = "KV_TIMELINE_DIR"

// runEnv is what every run adds to the environment: the debug switches with
// -v, and the output folder for the KV tester's timelines (unless the user
// chose another), so they are kept beside the run logs.
func runEnv(cfg config, outDir string) []string {
	var env []string
	if cfg.verbose {
		env = append(env, debugEnv...)
	}
	if os.Getenv(timelineDirEnv) == "" {
		env = append(env, timelineDirEnv+"="+outDir)
	}
	return env
}

// buildAndCheck compiles the tests into outDir (so that the command at the
// top of each kept log still works after stress exits) and checks that -run
// selects at least one of them. A status other than exitOK means stop.
func buildAndCheck(ctx context.Context, cfg *config, outDir string) (testrun.Binary, int) {
	fmt.Fprintf(os.Stderr, "stress: building %s tests%s%s ...\n", cfg.pkg, map[bool]string{true: " with -race"}[cfg.race],
		map[bool]string{true: " for virtual time"}[cfg.virtual])
	var bin testrun.Binary
	var err error
	if cfg.virtual {
		bin, err = buildVirtual(ctx, *cfg, outDir)
	} else {
		bin, err = testrun.Build(ctx, testrun.BuildOptions{Pkg: cfg.pkg, Race: cfg.race, OutDir: outDir})
	}
	if err != nil {
		if ctx.Err() != nil {
			return bin, exitInterrupted
		}
		fmt.Fprintln(os.Stderr, "stress:", err)
		return bin, exitUsage
	}
	names, err := selectedTests(ctx, bin, cfg.run)
	if err != nil {
		fmt.Fprintln(os.Stderr, "stress:", err)
		os.Remove(bin.Path)
		return bin, exitUsage
	}
	if cfg.virtual {
		if names, err = checkVirtual(ctx, cfg, bin, names); err != nil {
			fmt.Fprintln(os.Stderr, "stress:", err)
			return bin, exitUsage
		}
	}
	fmt.Fprintf(os.Stderr, "stress: %d %s: %s\n", len(names), plural(len(names), "test", "tests"), shortList(names, 8))
	return bin, exitOK
}

// makeOutDir creates the folder for logs and the test binary: the named
// one, or a new temporary one (auto=true: removed again if nothing failed).
// The path is absolute: the runs work in the package's directory.
func makeOutDir(named, base string) (string, bool, error) {
	if named != "" {
		abs, err := filepath.Abs(named)
		if err != nil {
			return "", false, err
		}
		return abs, false, os.MkdirAll(abs, 0o755)
	}
	dir, err := os.MkdirTemp("", "stress-"+base+"-")
	return dir, true, err
}

// pkgBase names a package for the temporary folder: "./raft" gives "raft".
func pkgBase(pkg string) string {
	base := filepath.Base(filepath.Clean(pkg))
	if base == "." || base == string(filepath.Separator) {
		if wd, err := os.Getwd(); err == nil {
			base = filepath.Base(wd)
		}
	}
	return base
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
