package main

import (
	"regexp"
	"strconv"
)

// Entry is one parsed debug line.
type Entry struct {
	Time  int    // milliseconds since the logging process started
	Peer  int    // server number (for a clerk: the server it talks to, or its own id if written C<id>)
	Named string // "S" or "C": how the line wrote the peer
	Term  int    // -1 when the line says T- (term unknown)
	Role  string // follower, candidate, leader, kvserver, clerk
	Topic string // LOG, VOTE, KVGET, ...
	Msg   string
}

// Clerk reports whether the line comes from a KV client rather than a server.
func (e Entry) Clerk() bool { return e.Role == "clerk" }

// debugLine matches the format shared by raft and raftkv (see COMMON.md):
// fmt.Sprintf("%06d S%d T%d %-9s %-5s %s\n", ms, peer, term, role, topic, msg).
// Clerk lines name the server they talk to (S<n>) or themselves (C<id>).
var debugLine = regexp.MustCompile(
	`^(\d{6,}) ([SC])(-?\d+) T(\d+|-) ([a-z]+) +([A-Z]{2,6})(?: (.*))?$`)

// ParseLine parses one debug line. It reports false for any other line
// (test output, panics), which callers pass through unchanged.
func ParseLine(line string) (Entry, bool) {
	m := debugLine.FindStringSubmatch(line)
	if m == nil {
		return Entry{}, false
	}
	ms, err1 := strconv.Atoi(m[1])
	peer, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil {
		return Entry{}, false // numbers too large for int: not one of ours
	}
	term := -1
	if m[4] != "-" {
		t, err := strconv.Atoi(m[4])
		if err != nil {
			return Entry{}, false
		}
		term = t
	}
	// The topic is padded to five characters before the separating space,
	// so a short topic leaves extra spaces at the front of the message.
	msg := trimLeadingSpaces(m[7])
	return Entry{Time: ms, Peer: peer, Named: m[2], Term: term, Role: m[5], Topic: m[6], Msg: msg}, true
}

func trimLeadingSpaces(s string) string {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return s[i:]
}

// testBoundary matches the lines that start a new test in `go test` output
// (with or without -v): "=== RUN   TestX" and the testers' titles such as
// "Test (2A): initial election ..." or "Test: one client (3A) ...".
var testBoundary = regexp.MustCompile(`^(=== RUN|Test[ :(])`)

// IsTestStart reports whether a pass-through line begins a new test, after
// which automatic columns start afresh (the next test may have more peers).
func IsTestStart(line string) bool { return testBoundary.MatchString(line) }
