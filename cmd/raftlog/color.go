package main

import (
	"fmt"
	"os"

	"miniraftkv/internal/debugline"
)

// topicColors gives each topic an ANSI foreground colour, grouped by
// concern: elections in magenta/red, replication in blue/cyan, the state
// machine in green, persistence in yellow, trouble in bold red.
var topicColors = map[string]string{
	debugline.Timer:      "35",   // magenta
	debugline.Vote:       "95",   // bright magenta
	debugline.Leader:     "1;31", // bold red
	debugline.Term:       "31",   // red
	debugline.Log:        "34",   // blue
	debugline.Commit:     "36",   // cyan
	debugline.Read:       "96",   // bright cyan: a ReadIndex round (§6.4)
	debugline.Apply:      "32",   // green
	debugline.Persist:    "33",   // yellow
	debugline.Snapshot:   "93",   // bright yellow
	debugline.Drop:       "90",   // grey
	debugline.Warn:       "1;91", // bold bright red
	debugline.KVGet:      "94",   // bright blue
	debugline.KVPut:      "96",   // bright cyan
	debugline.KVApply:    "92",   // bright green
	debugline.KVSnapshot: "93",   // bright yellow
	debugline.Clerk:      "37",   // white
	debugline.Tester:     "7",    // reverse video: what the tester did to a peer
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
