package main

import (
	"fmt"
	"os"
)

// topicColors gives each topic (and so lists every topic there is) an ANSI
// foreground colour, grouped by
// concern: elections in magenta/red, replication in blue/cyan, the state
// machine in green, persistence in yellow, trouble in bold red.
var topicColors = map[string]string{
	"TIMR":  "35",   // magenta
	"VOTE":  "95",   // bright magenta
	"LEAD":  "1;31", // bold red
	"TERM":  "31",   // red
	"LOG":   "34",   // blue
	"CMIT":  "36",   // cyan
	"READ":  "96",   // bright cyan: a ReadIndex round (§6.4)
	"APLY":  "32",   // green
	"PERS":  "33",   // yellow
	"SNAP":  "93",   // bright yellow
	"DROP":  "90",   // grey
	"WARN":  "1;91", // bold bright red
	"KVGET": "94",   // bright blue
	"KVPUT": "96",   // bright cyan
	"KVAPL": "92",   // bright green
	"KVSNP": "93",   // bright yellow
	"CLERK": "37",   // white
	"TEST":  "7",    // reverse video: what the tester did to a peer
}

// colorize wraps text in the topic's colour when colour is on. Padding stays
// outside the escapes, so column arithmetic is unaffected.
func (l Layout) colorize(topic, text string) string {
	code, ok := topicColors[topic]
	if !l.Color || !ok {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

// ResolveColor turns -color=auto|always|never into a decision; auto means
// colour exactly when standard output is a terminal (a character device).
func ResolveColor(mode string, stdout *os.File) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return isTerminal(stdout), nil
	}
	return false, fmt.Errorf("bad -color %q: want auto, always or never", mode)
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
