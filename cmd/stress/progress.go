package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"miniraftkv/internal/testrun"
)

// progress shows how the runs are going: on a terminal one status line that
// is redrawn in place (failures are printed above it and stay), otherwise
// one plain line per finished run. Safe for concurrent use.
type progress struct {
	mu      sync.Mutex // protects everything below
	out     io.Writer
	tty     bool
	width   int
	total   int
	workers int // runs at a time, for the estimate of the time left
	start   time.Time
	state   progressState
	stopped chan struct{}
}

// progressState is the tally the status line shows.
type progressState struct {
	passed, failed, interrupted, running int
	runTimes                             []float64
}

func newProgress(out io.Writer, tty bool, width, total, workers int) *progress {
	p := &progress{out: out, tty: tty, width: width, total: total, workers: workers,
		start: time.Now(), stopped: make(chan struct{})}
	if tty {
		go p.redrawEvery(250 * time.Millisecond) // keep the clock moving
	}
	return p
}

func (p *progress) redrawEvery(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.mu.Lock()
			p.draw()
			p.mu.Unlock()
		case <-p.stopped:
			return
		}
	}
}

// started notes that a run began.
func (p *progress) started() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.running++
	p.draw()
}

// finished notes a result and prints its line.
func (p *progress) finished(r testrun.RunResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.running--
	switch {
	case r.Interrupted:
		p.state.interrupted++
	case r.Passed:
		p.state.passed++
	default:
		p.state.failed++
	}
	if !r.Interrupted {
		p.state.runTimes = append(p.state.runTimes, r.Elapsed.Seconds())
	}
	if line := runLineText(r, p.total); !p.tty || !r.Passed {
		p.clear()
		fmt.Fprintln(p.out, line)
	}
	p.draw()
}

// note prints a message on its own line (above the status line).
func (p *progress) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintln(p.out, msg)
	p.draw()
}

// stop removes the status line for good.
func (p *progress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		close(p.stopped)
		p.clear()
		p.tty = false // no more redraws
	}
}

// clear and draw work on the terminal's status line; caller holds p.mu.
func (p *progress) clear() {
	if p.tty {
		fmt.Fprint(p.out, "\r\x1b[K")
	}
}

func (p *progress) draw() {
	if p.tty {
		fmt.Fprint(p.out, "\r\x1b[K"+StatusLine(p.state, p.total, p.workers, time.Since(p.start), p.width))
	}
}

// runLineText is the permanent line for one finished run; total 0 means
// no set number of runs (-until-fail).
func runLineText(r testrun.RunResult, total int) string {
	run := fmt.Sprintf("run %d/%d", r.Index, total)
	if total == 0 {
		run = fmt.Sprintf("run %d", r.Index)
	}
	switch {
	case r.Interrupted:
		return run + "  interrupted"
	case r.Passed:
		return fmt.Sprintf("%s  PASS  %6.2fs", run, r.Elapsed.Seconds())
	}
	return fmt.Sprintf("%s  FAIL  %6.2fs  %s  log: %s", run, r.Elapsed.Seconds(), failureText(r), r.LogPath)
}

// failureText says which tests failed and why: the panic or timeout that
// ended the run, else the binary's exit error.
func failureText(r testrun.RunResult) string {
	why := strings.Join(testrun.FailedNames(r.Tests), ", ")
	if why == "" {
		why = "no test reported a failure"
	}
	switch {
	case r.TimedOut:
		return why + ": killed by stress after the time limit"
	case r.Cause != "":
		return why + ": " + r.Cause
	}
	return fmt.Sprintf("%s (%s)", why, r.Err)
}

// StatusLine renders the live status: a bar of finished runs, the tally,
// the mean time per run, the elapsed time and an estimate of the time left
// (runs left x mean time / runs at a time), cut to width.
func StatusLine(s progressState, total, workers int, elapsed time.Duration, width int) string {
	done := s.passed + s.failed + s.interrupted
	if total == 0 {
		return cut(endlessStatusLine(s, done, elapsed), width)
	}
	const barWidth = 20
	filled := 0
	if total > 0 {
		filled = barWidth * min(done, total) / total
	}
	bar := "[" + strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled) + "]"
	line := fmt.Sprintf("%s %d/%d  pass %d  fail %d  running %d", bar, done, total, s.passed, s.failed, s.running)
	if s.interrupted > 0 {
		line += fmt.Sprintf("  interrupted %d", s.interrupted)
	}
	line += "  elapsed " + elapsed.Round(time.Second).String()
	if len(s.runTimes) > 0 {
		mean := testrun.Mean(s.runTimes)
		left := time.Duration(mean * float64(total-done) / float64(max(workers, 1)) * float64(time.Second))
		line += fmt.Sprintf("  %.1fs/run  left ~%s", mean, left.Round(time.Second))
	}
	return cut(line, width)
}

// endlessStatusLine is the status line of -until-fail without -n.
func endlessStatusLine(s progressState, done int, elapsed time.Duration) string {
	line := fmt.Sprintf("until the first failure: %d done  pass %d  fail %d  running %d", done, s.passed, s.failed, s.running)
	line += "  elapsed " + elapsed.Round(time.Second).String()
	if len(s.runTimes) > 0 {
		line += fmt.Sprintf("  %.1fs/run", testrun.Mean(s.runTimes))
	}
	return line
}

// cut shortens a status line to width-1 columns: it must never wrap, as
// \r could not get back to its start.
func cut(line string, width int) string {
	if width > 1 && len(line) > width-1 {
		return line[:width-1]
	}
	return line
}
