package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"miniraftkv/internal/cmdline"
	"miniraftkv/internal/termwidth"
)

// defaultWidth is used when -width is not given, no terminal says how wide
// it is, and $COLUMNS is not set.
const defaultWidth = 160

// config is everything the command line decides.
type config struct {
	filter Filter
	fixedN int    // -n: number of fixed server columns, 0 for automatic
	width  int    // total output width
	color  string // auto, always, never
	files  []string
}

func main() {
	// Output usually goes to the terminal; when it goes to a pager or a
	// file, standard error may still be the terminal the reader uses.
	width := func() int { return termwidth.Width(defaultWidth, os.Stdout, os.Stderr) }
	cfg, err := parseArgs(os.Args[1:], width, os.Stderr)
	if status, failed := cmdline.ParseFailed("raftlog", err, os.Stderr); failed {
		os.Exit(status)
	}
	color, err := ResolveColor(cfg.color, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "raftlog:", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	p := newPrinter(cfg, Layout{Width: cfg.width, Color: color}, out)
	if len(cfg.files) == 0 || cfg.files[0] == "-" {
		p.flush = out.Flush // standard input may be a live test run: show lines as they come
	}
	if err := processInputs(cfg.files, p, out); err != nil {
		out.Flush()
		fmt.Fprintln(os.Stderr, "raftlog:", err)
		os.Exit(1)
	}
	out.Flush()
	for _, key := range p.absentPeers() {
		fmt.Fprintf(os.Stderr, "raftlog: warning: -peers names %s, which never appears in the log\n", key)
	}
}

// parseArgs reads the flags. width supplies the width when -width is not
// given (the terminal's, $COLUMNS or defaultWidth; a parameter so that tests
// need no terminal); usage and errors go to errOut.
func parseArgs(args []string, width func() int, errOut io.Writer) (config, error) {
	fs := cmdline.NewFlagSet("raftlog", "raftlog [flags] [file ...]   (no file or \"-\": standard input)", errOut)
	topics := fs.String("topics", "", "show only these topics, comma separated (e.g. LOG,VOTE)")
	ignore := fs.String("ignore", "", "hide these topics, comma separated")
	peers := fs.String("peers", "", "show only these peers, in this order (e.g. 0,2; C for clerks)")
	n := fs.Int("n", 0, "lay out exactly N server columns (0: find them automatically)")
	w := fs.Int("width", 0, "total output width (default: the terminal's, else $COLUMNS, else 160)")
	color := fs.String("color", "auto", "colour topics: auto (on a terminal), always, never")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg := config{fixedN: *n, width: *w, color: *color, files: fs.Args()}
	var err error
	if cfg.filter.Topics, err = ParseTopics("-topics", *topics); err != nil {
		return config{}, err
	}
	if cfg.filter.Ignore, err = ParseTopics("-ignore", *ignore); err != nil {
		return config{}, err
	}
	if cfg.filter.Peers, err = ParsePeers(*peers); err != nil {
		return config{}, err
	}
	if *n < 0 {
		return config{}, fmt.Errorf("bad -n %d: want 0 (automatic) or a number of peers", *n)
	}
	if cfg.width == 0 {
		cfg.width = width()
	}
	if cfg.width < 0 {
		return config{}, fmt.Errorf("bad -width %d", cfg.width)
	}
	if cfg.color != "auto" && cfg.color != "always" && cfg.color != "never" {
		return config{}, fmt.Errorf("bad -color %q: want auto, always or never", cfg.color)
	}
	return cfg, nil
}

// processInputs feeds every named file (or standard input) to p in order.
func processInputs(files []string, p *printer, out io.Writer) error {
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, name := range files {
		in := io.Reader(os.Stdin)
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			in = f
		}
		if err := p.copy(in); err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
	return nil
}
