// Package cmdline holds what the commands share in reading their
// arguments: how a command ends when they cannot be read.
package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// ExitUsage is the exit status of a command given arguments it cannot use,
// the flag package's own.
const ExitUsage = 2

// ParseFailed reports whether reading a command's arguments failed with err
// and, if so, the status the command exits with: 0 after -h or -help, whose
// usage the flag package has printed, and otherwise ExitUsage, once err is
// printed on stderr after the command's name.
func ParseFailed(name string, err error, stderr io.Writer) (status int, failed bool) {
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		return 0, true
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return ExitUsage, true
	}
}

// NewFlagSet returns the flag set of the command name, which reports
// errors instead of exiting and writes to errOut: its usage message is
// "usage: " and synopsis, then the flags' defaults.
func NewFlagSet(name, synopsis string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: "+synopsis)
		fs.PrintDefaults()
	}
	return fs
}
