package debugline

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Format returns one debug line, newline included.
func Format(ms int64, peer, term int, role, topic, msg string) string {
	t := "T-"
	if term != UnknownTerm {
		t = "T" + strconv.Itoa(term)
	}
	return fmt.Sprintf("%06d S%d %s %-9s %-5s %s\n", ms, peer, t, role, topic, msg)
}

// Line is one parsed debug line.
type Line struct {
	Time  int    // milliseconds (see the package comment)
	Peer  int    // server number (for a clerk: the server it talks to, or its own id if written C<id>)
	Named string // "S" or "C": how the line wrote the peer
	Term  int    // UnknownTerm when the line says T-
	Role  string // follower, candidate, leader, kvserver, clerk, tester
	Topic string // LOG, VOTE, KVGET, ...
	Msg   string
}

// Clerk reports whether the line comes from a KV client rather than a server.
func (l Line) Clerk() bool { return l.Role == RoleClerk }

// pattern matches what Format writes. Clerk lines name the server they
// talk to (S<n>) or themselves (C<id>).
var pattern = regexp.MustCompile(
	`^(\d{6,}) ([SC])(-?\d+) T(\d+|-) ([a-z]+) +([A-Z]{2,6})(?: (.*))?$`)

// Parse parses one debug line (without its newline). It reports false for
// any other line (test output, panics).
func Parse(s string) (Line, bool) {
	m := pattern.FindStringSubmatch(s)
	if m == nil {
		return Line{}, false
	}
	ms, err1 := strconv.Atoi(m[1])
	peer, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil {
		return Line{}, false // numbers too large for int: not one of ours
	}
	term := UnknownTerm
	if m[4] != "-" {
		t, err := strconv.Atoi(m[4])
		if err != nil {
			return Line{}, false
		}
		term = t
	}
	// The topic is padded to five characters before the separating space,
	// so a short topic leaves extra spaces at the front of the message.
	msg := strings.TrimLeft(m[7], " ")
	return Line{Time: ms, Peer: peer, Named: m[2], Term: term, Role: m[5], Topic: m[6], Msg: msg}, true
}
