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
	"strings"
	"sync"
	"time"

	"miniraftkv/internal/cmdline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// config is the command line.
type config struct {
	opts     Options
	dir      string
	only     string
	parallel int
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.opts.Root, "root", ".", "root of the tree the patches apply to (holds go.mod)")
	fs.StringVar(&c.dir, "dir", "", "folder of *.patch files (default ROOT/mutations)")
	fs.StringVar(&c.only, "only", "", "evaluate only these bugs: comma-separated names or name prefixes (e.g. 03,kv-)")
	fs.IntVar(&c.parallel, "p", 1, "bugs evaluated at a time (the testers are timing sensitive: keep 1 for verdicts; "+
		"with -virtual the default is 2)")
	fs.BoolVar(&c.opts.Check, "check", false, "only check that every patch applies and the patched tree compiles; run no tests")
	fs.IntVar(&c.opts.SafetyRuns, "safety-runs", 10, "runs of the tests before a safety bug counts as surviving")
	fs.IntVar(&c.opts.LivenessRuns, "liveness-runs", 20, "runs of the tests before a liveness bug counts as surviving")
	fs.DurationVar(&c.opts.Timeout, "timeout", 10*time.Minute, "limit of one run of one package's tests (-test.timeout)")
	fs.StringVar(&c.opts.Logs, "logs", "", "keep the output of every killing run in this folder")
	fs.BoolVar(&c.opts.Keep, "keep", false, "keep each bug's folder (its patched files, overlay and test binaries) and print where it is")
	fs.StringVar(&c.opts.GoCmd, "go", "go", "the go command")
	fs.BoolVar(&c.opts.Virtual, "virtual", false, "run the tests in virtual time (testing/synctest, Go 1.25 or later): "+
		"a quick first pass; real time stays the reference")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.opts.Virtual && !flagSet(fs, "p") {
		// In virtual time a bug's tests mostly wait on no clock, so its
		// build and tests leave a core free for the next bug's.
		c.parallel = 2
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if c.parallel < 1 || c.opts.SafetyRuns < 1 || c.opts.LivenessRuns < 1 {
		return nil, errors.New("-p, -safety-runs and -liveness-runs must be at least 1")
	}
	if c.dir == "" {
		c.dir = filepath.Join(c.opts.Root, "mutations")
	}
	return c, nil
}

// flagSet reports whether the command line set the flag named name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if status, failed := cmdline.ParseFailed("mutate", err, stderr); failed {
		return status
	}
	muts, err := LoadCatalogue(c.dir)
	if err == nil {
		muts, err = selectMutations(muts, c.only)
	}
	if err != nil {
		fmt.Fprintln(stderr, "mutate:", err)
		return 2
	}
	c.opts.Progress = stderr
	defer c.opts.wrappers.close()
	start := time.Now()
	results := evaluateAll(ctx, muts, &c.opts, c.parallel)
	PrintMatrix(stdout, results)
	fmt.Fprintf(stdout, "wall-clock time %s\n", time.Since(start).Round(time.Second))
	if ctx.Err() != nil {
		return 130
	}
	return ExitStatus(results)
}

// selectMutations keeps the bugs -only names: each comma-separated word is
// a whole name or a prefix of names. An empty filter keeps all.
func selectMutations(muts []Mutation, only string) ([]Mutation, error) {
	if only == "" {
		return muts, nil
	}
	var kept []Mutation
	for _, m := range muts {
		for _, word := range strings.Split(only, ",") {
			if word = strings.TrimSpace(word); word != "" && strings.HasPrefix(m.Name, word) {
				kept = append(kept, m)
				break
			}
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("-only %q matches no bug of the catalogue", only)
	}
	return kept, nil
}

// evaluateAll evaluates the bugs, parallel at a time, and returns their
// results in catalogue order.
func evaluateAll(ctx context.Context, muts []Mutation, o *Options, parallel int) []Result {
	results := make([]Result, len(muts))
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, m := range muts {
		slots <- struct{}{} // in catalogue order, parallel at a time
		if ctx.Err() != nil {
			results[i] = Result{Name: m.Name, Kind: m.Kind, Status: Broken, Detail: "interrupted"}
			<-slots
			continue
		}
		wg.Add(1)
		go func(i int, m Mutation) {
			defer wg.Done()
			defer func() { <-slots }()
			results[i] = Evaluate(ctx, m, o)
		}(i, m)
	}
	wg.Wait()
	return results
}
