package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// timeWidth is the width of the time stamp ("001234 ") left of the columns.
const timeWidth = 7

// minColumnWidth keeps very narrow layouts readable: columns then overflow
// the requested width rather than wrap every word.
const minColumnWidth = 16

// ColumnKey is the column an entry belongs to: "S<n>" for a server, "C" for
// every clerk.
func ColumnKey(e Entry) string {
	if e.Clerk() {
		return clerkKey
	}
	return "S" + strconv.Itoa(e.Peer)
}

// Columns assigns entries to columns. Fixed server columns never change;
// automatic ones grow as peers first appear and start afresh at Reset. The
// clerk column is added when a clerk first logs, in either mode.
type Columns struct {
	Keys  []string
	Fixed bool
}

// Index returns e's column, adding one (in order: servers by number, then
// clerks) if the layout is automatic. It reports added=true when the layout
// changed, so the caller can print a new header. ok is false when a fixed
// layout has no column for e.
func (c *Columns) Index(e Entry) (index int, added bool, ok bool) {
	key := ColumnKey(e)
	if i := indexOf(c.Keys, key); i >= 0 {
		return i, false, true
	}
	if c.Fixed && key != clerkKey { // the clerk column may always appear
		return 0, false, false
	}
	c.Keys = append(c.Keys, key)
	if key != clerkKey { // the clerk column is last already; fixed orders stay
		sort.SliceStable(c.Keys, func(i, j int) bool { return keyLess(c.Keys[i], c.Keys[j]) })
	}
	return indexOf(c.Keys, key), true, true
}

// Reset forgets automatic columns (a new test may have a different number of
// peers). Fixed columns stay.
func (c *Columns) Reset() {
	if !c.Fixed {
		c.Keys = nil
		return
	}
	if i := indexOf(c.Keys, clerkKey); i >= 0 {
		c.Keys = append(c.Keys[:i:i], c.Keys[i+1:]...)
	}
}

func indexOf(keys []string, key string) int {
	for i, k := range keys {
		if k == key {
			return i
		}
	}
	return -1
}

// keyLess orders servers by number and puts the clerk column last.
func keyLess(a, b string) bool {
	if a == clerkKey || b == clerkKey {
		return b == clerkKey && a != clerkKey
	}
	na, _ := strconv.Atoi(a[1:])
	nb, _ := strconv.Atoi(b[1:])
	return na < nb
}

// Layout renders entries into columns of a fixed total width.
type Layout struct {
	Width int  // total width in characters
	Color bool // colour the text by topic (ANSI escapes)
}

// ColumnWidth is the width of each of n columns, separator included.
func (l Layout) ColumnWidth(n int) int {
	if n < 1 {
		n = 1
	}
	w := (l.Width - timeWidth) / n
	if w < minColumnWidth {
		w = minColumnWidth
	}
	return w
}

// Header names the columns, each label at the left edge of its column.
func (l Layout) Header(keys []string) string {
	w := l.ColumnWidth(len(keys))
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", timeWidth))
	for i, k := range keys {
		label := k
		if i < len(keys)-1 {
			label = pad(label, w)
		}
		b.WriteString(label)
	}
	return strings.TrimRight(b.String(), " ")
}

// Render lays out e in column col of n, wrapping its text within the column.
// The first line carries the time stamp; the others are indented to match.
func (l Layout) Render(e Entry, col, n int) []string {
	w := l.ColumnWidth(n)
	chunks := wrap(entryText(e), w-1) // one space between columns
	lines := make([]string, len(chunks))
	indent := strings.Repeat(" ", col*w)
	for i, chunk := range chunks {
		stamp := strings.Repeat(" ", timeWidth)
		if i == 0 {
			stamp = pad(fmt.Sprintf("%06d", e.Time), timeWidth)
		}
		lines[i] = stamp + indent + l.colorize(e.Topic, chunk)
	}
	return lines
}

// entryText is what a column shows: topic, term and role initial, message.
// Tester events (role tester, topic TEST) show only the topic and message.
// Clerks share a column, so a clerk line that names its clerk (C<id>) keeps
// the name; S<n> on a clerk line is the clerk's own business (raftkv prints
// the index of the end it used) and is left out.
func entryText(e Entry) string {
	if e.Role == "tester" { // the tester's own event: no term or role to show
		return strings.TrimRight(pad(e.Topic, 5)+" "+e.Msg, " ")
	}
	term := "T-"
	if e.Term >= 0 {
		term = "T" + strconv.Itoa(e.Term)
	}
	who := term + roleInitial(e.Role)
	if e.Clerk() && e.Named == "C" {
		who = "C" + strconv.Itoa(e.Peer) + " " + who // clerks share a column: name this one
	}
	return strings.TrimRight(pad(e.Topic, 5)+" "+who+" "+e.Msg, " ")
}

func roleInitial(role string) string {
	switch role {
	case "follower":
		return "F"
	case "candidate":
		return "C"
	case "leader":
		return "L"
	case "kvserver":
		return "K"
	case "shardkv":
		return "S"
	case "clerk":
		return "c"
	}
	return "?"
}

// wrap splits text into pieces at most width runes long, breaking at spaces
// where it can and inside words only when a word is longer than width. Runs
// of spaces inside a piece are kept (they align the topic); a piece never
// starts with a space.
func wrap(text string, width int) []string {
	if width < 1 {
		width = 1
	}
	var lines []string
	line := ""
	for _, word := range strings.Split(text, " ") {
		if line == "" && word == "" {
			continue // no leading spaces on a piece
		}
		for len([]rune(word)) > width {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			r := []rune(word)
			lines, word = append(lines, string(r[:width])), string(r[width:])
		}
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			lines, line = append(lines, strings.TrimRight(line, " ")), word
		}
	}
	line = strings.TrimRight(line, " ")
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

func pad(s string, width int) string {
	if n := len([]rune(s)); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
