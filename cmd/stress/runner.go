package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// RunResult is the outcome of one run of the test binary.
type RunResult struct {
	Index       int // 1-based run number, also in the log name
	Passed      bool
	Interrupted bool // stopped by Ctrl-C: counts neither way
	Elapsed     time.Duration
	Tests       []TestResult
	Err         string // why the binary failed ("exit status 1", "signal: killed")
	LogPath     string // the kept log of a failed run
}

// runner runs one compiled test binary.
type runner struct {
	bin    testBinary
	args   []string // arguments of the binary (-test.v, -test.run, ...)
	outDir string   // where failing logs are kept
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

// runAll runs the binary n times, at most p at a time, calling started when
// a run begins and finished with each result, both from the calling
// goroutine. After ctx is cancelled no run starts and running ones are
// killed (and reported as interrupted).
func (r *runner) runAll(ctx context.Context, n, p int, started func(), finished func(RunResult)) []RunResult {
	jobs := make(chan int)
	results := make(chan RunResult)
	var wg sync.WaitGroup
	for w := 0; w < p; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- r.runOnce(ctx, i)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	var all []RunResult
	next, running := 1, 0
	stop := ctx.Done()
	for next <= n || running > 0 {
		var send chan int // nil (never ready) once all runs are handed out or we stop
		if next <= n && running < p && ctx.Err() == nil {
			send = jobs
		}
		select {
		case send <- next:
			next++
			running++
			started()
		case res := <-results:
			running--
			all = append(all, res)
			finished(res)
		case <-stop:
			next = n + 1 // hand out nothing more; wait for the running ones
			stop = nil
		}
	}
	close(jobs)
	for range results { // workers have nothing left; let them exit
	}
	return all
}

// runOnce runs the binary once with its output in a log file, which is kept
// only if the run fails.
func (r *runner) runOnce(ctx context.Context, index int) RunResult {
	res := RunResult{Index: index}
	logPath := filepath.Join(r.outDir, fmt.Sprintf("run-%03d.log", index))
	f, err := os.Create(logPath)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	fmt.Fprintf(f, "# stress run %d: (cd %s && %s %s)\n", index, r.bin.dir, r.bin.path, strings.Join(r.args, " "))
	cmd := exec.CommandContext(ctx, r.bin.path, r.args...)
	cmd.Dir = r.bin.dir
	cmd.Stdout, cmd.Stderr = f, f
	start := time.Now()
	runErr := cmd.Run()
	res.Elapsed = time.Since(start)
	f.Close()
	if runErr != nil && (ctx.Err() != nil || interruptedBySignal(runErr)) {
		res.Interrupted = true
		os.Remove(logPath)
		return res
	}
	res.Passed = runErr == nil
	if runErr != nil {
		res.Err = runErr.Error()
	}
	if err := parseLog(logPath, &res); err != nil && res.Passed {
		res.Passed, res.Err = false, err.Error()
	}
	if res.Passed {
		os.Remove(logPath)
	} else {
		res.LogPath = logPath
	}
	return res
}

// interruptedBySignal reports whether the test binary died of the Ctrl-C
// that the terminal sent to it at the same time as to us.
func interruptedBySignal(err error) bool {
	var exitErr *exec.ExitError
	return errors.As(err, &exitErr) && exitErr.ProcessState.String() == "signal: interrupt"
}

func parseLog(path string, res *RunResult) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	res.Tests, err = ParseTestOutput(f)
	if err != nil {
		return fmt.Errorf("reading the run's output: %v", err)
	}
	return nil
}
