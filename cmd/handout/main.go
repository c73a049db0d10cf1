package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the flags, writes the handout and returns the exit status:
// 0 on success, 1 if the handout could not be written, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("handout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder to write the handout into (created if absent; must be empty)")
	src := fs.String("src", ".", "root of the source tree (a git checkout of this module)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: handout -out DIR [-src ROOT]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if err := generate(*src, *out); err != nil {
		fmt.Fprintln(stderr, "handout:", err)
		return 1
	}
	fmt.Fprintf(stdout, "handout written to %s\n", *out)
	return 0
}
