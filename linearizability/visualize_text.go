package linearizability

import (
	"strings"
	"unicode/utf8"
)

// textList collects the strings of one partition of a timeline (operation
// texts and states), each written as the shortest of:
//   - the string itself;
//   - a number b: the same text as the entry b places back;
//   - [b, n, s]: the first n characters of the entry b places back,
//     followed by s. Characters are UTF-16 code units, as JavaScript
//     counts them.
//
// Written out in full, the states of a key appended to for a while, and
// the reads that return them, grow by a few characters an operation, so
// the page would grow with the square of the history's length. The page's
// script (decodeTexts) undoes this encoding.
type textList struct {
	entries []interface{}
	texts   []string
	exact   map[string]int // the last entry with this text
	byHead  map[string]int // the last entry with these first headLen bytes
}

const (
	// headLen is how many leading bytes a string shares with the entries
	// it is compared with besides the one before it.
	headLen = 12
	// minShared is the shortest shared prefix worth a reference.
	minShared = 12
	// minRepeat is the shortest text worth a back reference to a copy.
	minRepeat = 4
)

// add appends s to the list.
func (l *textList) add(s string) {
	if l.exact == nil {
		l.exact, l.byHead = make(map[string]int), make(map[string]int)
	}
	// JSON replaces invalid UTF-8 with U+FFFD; doing it first keeps the
	// character counts of the references right.
	s = strings.ToValidUTF8(s, "\uFFFD")
	i := len(l.texts)
	l.texts = append(l.texts, s)
	defer func() {
		l.exact[s] = i
		if len(s) >= headLen {
			l.byHead[s[:headLen]] = i
		}
	}()
	if j, ok := l.exact[s]; ok && len(s) >= minRepeat {
		l.entries = append(l.entries, i-j)
		return
	}
	base, shared := -1, 0
	for _, j := range l.candidates(s) {
		if n := sharedPrefix(s, l.texts[j]); n > shared {
			base, shared = j, n
		}
	}
	if shared < minShared {
		l.entries = append(l.entries, s)
		return
	}
	l.entries = append(l.entries, []interface{}{i - base, utf16Len(s[:shared]), s[shared:]})
}

// candidates lists the entries s may be written against: the one before
// it, and the last one that starts like it.
func (l *textList) candidates(s string) []int {
	var c []int
	if n := len(l.texts) - 1; n > 0 {
		c = append(c, n-1)
	}
	if len(s) >= headLen {
		if j, ok := l.byHead[s[:headLen]]; ok {
			c = append(c, j)
		}
	}
	return c
}

// sharedPrefix returns the length in bytes of the longest common prefix of
// a and b that ends on a character boundary.
func sharedPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && !utf8.RuneStart(a[n]) {
		n--
	}
	return n
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
