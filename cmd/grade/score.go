package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"miniraftkv/internal/testrun"
)

// gradedTest is one test being graded and what its runs did.
type gradedTest struct {
	part   string // the points table's name of its part
	shown  string // the part's name in the test's own numbering (its name's ending)
	name   string
	max    cents
	broken string // why it could not run at all (a build failure); "" if it could
	runs   []runOutcome
}

// runOutcome is the verdict on one run of one test.
type runOutcome struct {
	index   int
	passed  bool
	why     string // the reason a run failed, one line
	seconds float64
	logPath string // the kept log of a failed run
	excerpt string // the start of that log, for the JSON output
}

// partName is the test's part as the test's own numbering names it.
func (g *gradedTest) partName() string {
	if g.shown != "" {
		return g.shown
	}
	return g.part
}

// passedRuns counts the runs that passed.
func (g *gradedTest) passedRuns() int {
	n := 0
	for _, r := range g.runs {
		if r.passed {
			n++
		}
	}
	return n
}

// failed reports whether a run of the test has failed (or it cannot run).
func (g *gradedTest) failed() bool {
	return g.broken != "" || g.passedRuns() < len(g.runs)
}

// earned is the test's score: all its points when every one of the wanted
// runs was tried and passed, none otherwise.
func (g *gradedTest) earned(wanted int) cents {
	if g.broken == "" && len(g.runs) == wanted && g.passedRuns() == wanted {
		return g.max
	}
	return 0
}

// reason says in one line why the test earned nothing ("" if it earned its
// points): the first failed run's reason, or that runs are missing.
func (g *gradedTest) reason(wanted int) string {
	if g.broken != "" {
		return g.broken
	}
	for _, r := range g.runs {
		if !r.passed {
			return fmt.Sprintf("run %d: %s", r.index, r.why)
		}
	}
	if len(g.runs) < wanted {
		return fmt.Sprintf("only %d of %d runs finished (interrupted)", len(g.runs), wanted)
	}
	return ""
}

// judgeRun turns one run of the binary (with -test.run '^name$') and its
// output into a verdict on the test. limit is the time limit of the run.
func judgeRun(res testrun.RunResult, name, log string, limit time.Duration) runOutcome {
	out := runOutcome{index: res.Index, seconds: res.Elapsed.Seconds(), logPath: res.LogPath}
	var test *testrun.TestResult
	for i := range res.Tests {
		if res.Tests[i].Name == name {
			test = &res.Tests[i]
		}
	}
	switch {
	case res.Interrupted:
		out.why = "interrupted"
	case res.TimedOut:
		out.why = fmt.Sprintf("timed out after %v (the test binary did not stop itself and was killed)", limit)
	case test == nil:
		out.why = "no result: " + crashMessage(log, res.Err)
	case test.Outcome == testrun.Passed && res.Passed:
		out.passed = true
	case test.Outcome == testrun.Passed:
		out.why = "passed, then the test binary failed: " + crashMessage(log, res.Err)
	case test.Outcome == testrun.Skipped:
		out.why = "skipped (a graded test must run)"
	case test.Outcome == testrun.Failed:
		out.why = failureMessage(log, name, res.Err)
		if !strings.HasPrefix(out.why, "panic: ") && !strings.HasPrefix(out.why, "timed out") {
			out.why = "failed: " + out.why
		}
	default:
		out.why = crashMessage(log, res.Err)
	}
	if !out.passed {
		out.excerpt = excerpt(log, 40, 4000)
	}
	return out
}

// messageLine matches what t.Error and t.Fatal print: "    file.go:12: text".
var messageLine = regexp.MustCompile(`^\s+\S+\.go:\d+: \S`)

// failureMessage says why the test name failed: the first line of a panic
// (the testing package reports a panicking test as failed; go test's
// timeout is a panic too), else the failure message, else err.
func failureMessage(log, name, err string) string {
	if msg, ok := panicMessage(log); ok {
		return msg
	}
	if msg := lastMessage(log, name); msg != "" {
		return msg
	}
	if err == "" {
		return "no message"
	}
	return err
}

// lastMessage returns the last "file.go:NN: text" line that the test name
// printed before go test's "--- FAIL: name" line (the whole log's last if
// there is no such line), trimmed; "" if there is none. The output does
// not tell a t.Logf line from a t.Error or t.Fatal one, but the last is
// the failure far more often than the first: t.Fatal ends the test, the
// testers log progress before they fail, and the testing package's own
// verdicts ("race detected during execution of test") come last.
func lastMessage(log, name string) string {
	last := ""
	for _, line := range strings.Split(log, "\n") {
		if strings.HasPrefix(line, "--- FAIL: "+name+" ") {
			break
		}
		if messageLine.MatchString(line) {
			last = strings.TrimSpace(line)
		}
	}
	return last
}

// crashMessage says why a test binary stopped without reporting the test:
// the first line of a panic or fatal runtime error (a test timeout is a
// panic too), or else the last line it printed, or else err.
func crashMessage(log, err string) string {
	if msg, ok := panicMessage(log); ok {
		return msg
	}
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := strings.TrimSpace(lines[i])
		if line != "" && !strings.HasPrefix(line, "#") && line != "FAIL" && !strings.HasPrefix(line, "=== RUN") {
			return line
		}
	}
	if err == "" {
		return "the test binary stopped without a result"
	}
	return err
}

// recovered is what the testing package appends to a test's panic that
// it recovered and raised again.
var recovered = regexp.MustCompile(`\s*\[recovered[^\]]*\]$`)

// panicMessage finds the first line of the first panic or fatal runtime
// error in a log; go test's own timeout becomes "timed out after D".
func panicMessage(log string) (string, bool) {
	for _, line := range strings.Split(log, "\n") {
		if after, ok := strings.CutPrefix(line, "panic: test timed out after "); ok {
			return "timed out after " + strings.TrimSpace(after), true
		}
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			return recovered.ReplaceAllString(strings.TrimSpace(line), ""), true
		}
	}
	return "", false
}

// excerpt is the start of a run's log, at most maxLines lines and about
// maxBytes bytes, without the runner's "# run" header.
func excerpt(log string, maxLines, maxBytes int) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	if len(lines) > 0 && strings.HasPrefix(lines[0], "# run ") {
		lines = lines[1:]
	}
	var b strings.Builder
	for i, line := range lines {
		if i == maxLines || b.Len()+len(line) > maxBytes {
			fmt.Fprintf(&b, "... (%d more lines in the log)\n", len(lines)-i)
			break
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
