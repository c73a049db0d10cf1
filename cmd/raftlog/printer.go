package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// maxLineBytes bounds one input line; panics with huge values stay below it.
const maxLineBytes = 4 << 20

// With automatic columns, the first lines of each test are held back so that
// the columns are laid out once for all the peers that speak early (an
// election involves every peer) instead of growing one by one. The hold ends
// when the log's own clock has moved on by holdLogMs (about one election),
// after holdLines lines, or, for a live test that goes quiet, after holdFor
// of real time.
const (
	holdLogMs = 1000
	holdLines = 20000
	holdFor   = 1500 * time.Millisecond
)

// printer turns input lines into output lines: debug lines into columns,
// everything else passed through unchanged.
type printer struct {
	filter     Filter
	columns    Columns
	layout     Layout
	out        io.Writer
	needHeader bool            // print the column header before the next debug line
	holding    bool            // collecting lines to decide the columns
	held       []string        // lines collected while holding, in input order
	holdStart  int             // log time of the first debug line held; -1 before it
	flush      func() error    // if set, called after output (live input)
	seen       map[string]bool // column keys of every debug line read, kept or not
}

// newPrinter sets up the columns: -peers fixes them in the given order, -n
// fixes S0..S(n-1), otherwise they are found as peers log.
func newPrinter(cfg config, layout Layout, out io.Writer) *printer {
	p := &printer{filter: cfg.filter, layout: layout, out: out, needHeader: true, holdStart: -1,
		seen: make(map[string]bool)}
	switch {
	case cfg.filter.Peers != nil:
		p.columns = Columns{Keys: append([]string(nil), cfg.filter.Peers...), Fixed: true}
	case cfg.fixedN > 0:
		p.columns = Columns{Fixed: true}
		for i := 0; i < cfg.fixedN; i++ {
			p.columns.Keys = append(p.columns.Keys, fmt.Sprintf("S%d", i))
		}
	}
	p.holding = !p.columns.Fixed
	return p
}

// copy processes every line of in. Lines are read in their own goroutine so
// that held lines are released on time even when a live test goes quiet.
func (p *printer) copy(in io.Reader) error {
	lines := make(chan string)
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), maxLineBytes)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		done <- sc.Err()
	}()
	timer := time.NewTimer(holdFor)
	defer timer.Stop()
	for {
		select {
		case text, ok := <-lines:
			if !ok {
				if err := p.release(); err != nil {
					return err
				}
				return <-done
			}
			wasEmpty := len(p.held) == 0
			if err := p.line(text); err != nil {
				return err
			}
			if wasEmpty && len(p.held) > 0 {
				timer.Reset(holdFor) // the hold period starts with its first line
			}
		case <-timer.C:
			if err := p.release(); err != nil {
				return err
			}
		}
		if err := p.flushOutput(); err != nil {
			return err
		}
	}
}

func (p *printer) flushOutput() error {
	if p.flush == nil {
		return nil
	}
	return p.flush()
}

// line handles one input line: a test start ends any hold and starts a new
// one; while holding, lines are kept and their peers noted; else printed.
func (p *printer) line(text string) error {
	e, isDebug := ParseLine(text)
	if isDebug {
		p.seen[ColumnKey(e)] = true
	}
	if !isDebug && IsTestStart(text) {
		if err := p.release(); err != nil {
			return err
		}
		p.columns.Reset()
		p.needHeader = true
		p.holding = !p.columns.Fixed
		p.holdStart = -1
		return p.write(text + "\n")
	}
	if p.holding {
		p.held = append(p.held, text)
		if !isDebug {
			return nil
		}
		if p.holdStart < 0 {
			p.holdStart = e.Time
		}
		if p.filter.Keep(e) {
			p.columns.Index(e)
		}
		if len(p.held) >= holdLines || e.Time-p.holdStart >= holdLogMs {
			return p.release()
		}
		return nil
	}
	return p.emit(text, e, isDebug)
}

// release stops holding and prints the held lines with the columns found.
func (p *printer) release() error {
	p.holding = false
	held := p.held
	p.held = nil
	for _, text := range held {
		e, isDebug := ParseLine(text)
		if err := p.emit(text, e, isDebug); err != nil {
			return err
		}
	}
	return nil
}

// emit prints one line now: a debug line in its column (with a header first
// if the columns changed), any other line unchanged.
func (p *printer) emit(text string, e Entry, isDebug bool) error {
	if !isDebug {
		return p.write(text + "\n")
	}
	if !p.filter.Keep(e) {
		return nil
	}
	col, added, ok := p.columns.Index(e)
	if !ok {
		return nil
	}
	var b strings.Builder
	if added || p.needHeader {
		b.WriteString(p.layout.Header(p.columns.Keys) + "\n")
		p.needHeader = false
	}
	for _, l := range p.layout.Render(e, col, len(p.columns.Keys)) {
		b.WriteString(l + "\n")
	}
	return p.write(b.String())
}

func (p *printer) write(s string) error {
	_, err := io.WriteString(p.out, s)
	return err
}

// absentPeers lists the peers of -peers that no debug line came from, in
// the order given: likely a wrong number, which would show nothing.
func (p *printer) absentPeers() []string {
	var absent []string
	for _, key := range p.filter.Peers {
		if !p.seen[key] {
			absent = append(absent, key)
		}
	}
	return absent
}
