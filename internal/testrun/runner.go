package testrun

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
	Index       int    // 1-based run number, also in the log name
	Name        string // the job's name ("" for the plain runs of RunAll)
	Passed      bool
	Interrupted bool // stopped by Ctrl-C (ctx cancelled): counts neither way
	TimedOut    bool // killed by the runner after KillAfter: a failure
	Elapsed     time.Duration
	Tests       []TestResult
	Err         string // why the binary failed ("exit status 1", "signal: killed")
	Cause       string // of a failed run: its first panic, fatal error or data race, if any
	LogPath     string // the kept log (of a failed run, or of every run with KeepAll)
}

// Job is one run of the binary: its number, a name for its log, and the
// arguments it adds to the runner's (e.g. -test.run '^TestX$').
type Job struct {
	Index int
	Name  string   // the log is NAME.log; "" names it run-NNN.log
	Args  []string // appended to Runner.Args
}

func (j Job) logName() string {
	if j.Name != "" {
		return j.Name + ".log"
	}
	return fmt.Sprintf("run-%03d.log", j.Index)
}

// Runner runs one compiled test binary, keeping the logs of failing runs.
// Its fields must not change while RunAll or RunJobs runs.
type Runner struct {
	Bin    Binary
	Args   []string // arguments of every run (-test.v, -test.timeout, ...)
	OutDir string   // where failing logs are kept
	Env    []string // "NAME=value" added to the environment of every run
	// KeepAll keeps the logs of passing runs too.
	KeepAll bool
	// KillAfter, when positive, is a hard limit per run: a binary still
	// running after it is killed and its run marked TimedOut. It is a
	// backstop for -test.timeout, which a wedged binary may never act on.
	KillAfter time.Duration
	// ShouldRun, when set, is asked just before a job is handed out; false
	// skips the job (it is neither run nor reported). It is called from the
	// goroutine that called RunJobs, like the finished callback, so the two
	// may share state without a lock.
	ShouldRun func(Job) bool
}

// RunAll runs the binary n times with the runner's arguments, at most p at
// a time: RunJobs with n plain jobs numbered 1..n.
func (r *Runner) RunAll(ctx context.Context, n, p int, started func(), finished func(RunResult)) []RunResult {
	jobs := make([]Job, n)
	for i := range jobs {
		jobs[i] = Job{Index: i + 1}
	}
	return r.RunJobs(ctx, jobs, p, func(Job) { started() }, finished)
}

// RunJobs runs the jobs in order, at most p at a time, calling started when
// a run begins and finished with each result, both from the calling
// goroutine. After ctx is cancelled no run starts and running ones are
// killed (and reported as interrupted).
func (r *Runner) RunJobs(ctx context.Context, jobs []Job, p int, started func(Job), finished func(RunResult)) []RunResult {
	work := make(chan Job)
	results := make(chan RunResult)
	var wg sync.WaitGroup
	for w := 0; w < p; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range work {
				results <- r.runOnce(ctx, job)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	var all []RunResult
	next, running := r.skipUnwanted(jobs, 0), 0
	stop := ctx.Done()
	for next < len(jobs) || running > 0 {
		var send chan Job // nil (never ready) once all jobs are handed out or we stop
		var job Job
		if next < len(jobs) && running < p && ctx.Err() == nil {
			send, job = work, jobs[next]
		}
		select {
		case send <- job:
			started(job)
			next = r.skipUnwanted(jobs, next+1)
			running++
		case res := <-results:
			running--
			all = append(all, res)
			finished(res)
			next = r.skipUnwanted(jobs, next) // the result may make a job unwanted
		case <-stop:
			next = len(jobs) // hand out nothing more; wait for the running ones
			stop = nil
		}
	}
	close(work)
	for range results { // workers have nothing left; let them exit
	}
	return all
}

// skipUnwanted returns the index of the first job from i on that ShouldRun
// accepts, or len(jobs).
func (r *Runner) skipUnwanted(jobs []Job, i int) int {
	for i < len(jobs) && r.ShouldRun != nil && !r.ShouldRun(jobs[i]) {
		i++
	}
	return i
}

// runOnce runs the binary once with its output in a log file, which is kept
// only if the run fails.
func (r *Runner) runOnce(ctx context.Context, job Job) RunResult {
	res := RunResult{Index: job.Index, Name: job.Name}
	logPath := filepath.Join(r.OutDir, job.logName())
	f, err := os.Create(logPath)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	args := append(append([]string(nil), r.Args...), job.Args...)
	fmt.Fprintf(f, "# run %d: %s\n", job.Index, r.reproCommand(args))
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if r.KillAfter > 0 {
		runCtx, cancel = context.WithTimeout(ctx, r.KillAfter)
	}
	defer cancel()
	cmd := exec.CommandContext(runCtx, r.Bin.Path, args...)
	cmd.Dir = r.Bin.Dir
	if len(r.Env) > 0 {
		cmd.Env = append(os.Environ(), r.Env...)
	}
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
	res.TimedOut = runErr != nil && runCtx.Err() != nil
	finishResult(&res, runErr, logPath, r.KeepAll)
	return res
}

// reproCommand is the shell command that repeats one run, quoted so that it
// can be pasted as it is (a -run pattern may hold | or spaces).
func (r *Runner) reproCommand(args []string) string {
	words := []string{ShellQuote(r.Bin.Path)}
	for _, a := range args {
		words = append(words, ShellQuote(a))
	}
	var env string
	for _, e := range r.Env {
		env += ShellQuote(e) + " "
	}
	return fmt.Sprintf("(cd %s && %s%s)", ShellQuote(r.Bin.Dir), env, strings.Join(words, " "))
}

// ShellQuote returns s as one word for a POSIX shell: unchanged when it
// holds only characters no shell treats specially, else in single quotes.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// finishResult reads the log of a finished run into res, and removes the
// log if the run passed (unless keepAll).
func finishResult(res *RunResult, runErr error, logPath string, keepAll bool) {
	res.Passed = runErr == nil
	if runErr != nil {
		res.Err = runErr.Error()
	}
	if err := parseLog(logPath, res); err != nil && res.Passed {
		res.Passed, res.Err = false, err.Error()
	}
	if !res.Passed {
		res.Cause = crashCause(logPath)
	}
	if res.Passed && !keepAll {
		os.Remove(logPath)
	} else {
		res.LogPath = logPath
	}
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
