package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"miniraftkv/internal/testrun"
)

// config is everything the command line decides.
type config struct {
	runs     int           // -n
	parallel int           // -p
	run      string        // -run
	race     bool          // -race
	timeout  time.Duration // -timeout, per run; 0 keeps go test's default
	out      string        // -out; "" for a temporary folder
	pkg      string        // the one package argument, default "."
	extra    []string      // after "--": passed to the test binary
}

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

func main() {
	cfg, err := parseArgs(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(exitOK)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stress:", err)
		os.Exit(exitUsage)
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
	fs := flag.NewFlagSet("stress", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: stress [-n N] [-p P] [-run REGEXP] [-race] [-timeout D] [-out DIR] [package] [-- test binary flags]")
		fs.PrintDefaults()
	}
	fs.IntVar(&cfg.runs, "n", 10, "number of runs")
	fs.IntVar(&cfg.parallel, "p", 2, "runs at a time")
	fs.StringVar(&cfg.run, "run", "", "run only tests matching this regexp (as go test -run)")
	fs.BoolVar(&cfg.race, "race", false, "build with the race detector")
	fs.DurationVar(&cfg.timeout, "timeout", 0, "limit per run, as go test -timeout (default go test's 10m)")
	fs.StringVar(&cfg.out, "out", "", "keep failing runs' logs here (default: a new temporary folder)")
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

	tmp, err := os.MkdirTemp("", "stress-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "stress:", err)
		return exitUsage
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(os.Stderr, "stress: building %s tests%s ...\n", cfg.pkg, map[bool]string{true: " with -race"}[cfg.race])
	bin, err := testrun.Build(ctx, testrun.BuildOptions{Pkg: cfg.pkg, Race: cfg.race, OutDir: tmp})
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		fmt.Fprintln(os.Stderr, "stress:", err)
		return exitUsage
	}
	outDir, autoOut, err := makeOutDir(cfg.out, filepath.Base(bin.Dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, "stress:", err)
		return exitUsage
	}

	prog := newProgress(os.Stderr, isTerminal(os.Stderr), terminalWidth(), cfg.runs, cfg.parallel)
	runsOver := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			stopSignals() // a second Ctrl-C now quits at once
			prog.note("stress: interrupted: stopping the running tests (Ctrl-C again to quit at once)")
		case <-runsOver:
		}
	}()
	r := &testrun.Runner{Bin: bin, Args: binaryArgs(cfg), OutDir: outDir}
	start := time.Now()
	results := r.RunAll(ctx, cfg.runs, cfg.parallel, prog.started, prog.finished)
	close(runsOver)
	prog.stop()
	interrupted := ctx.Err() != nil
	stopSignals()

	return report(cfg, results, time.Since(start), outDir, autoOut, interrupted)
}

// makeOutDir creates the folder for failing logs: the named one, or a new
// temporary one (auto=true: removed again if nothing failed).
func makeOutDir(named, base string) (string, bool, error) {
	if named != "" {
		return named, false, os.MkdirAll(named, 0o755)
	}
	dir, err := os.MkdirTemp("", "stress-"+base+"-")
	return dir, true, err
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// terminalWidth is $COLUMNS, or 80.
func terminalWidth() int {
	if w, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return 80
}
