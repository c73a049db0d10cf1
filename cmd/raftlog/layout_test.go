package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		width int
		want  []string
	}{
		{"fits", "abc def", 10, []string{"abc def"}},
		{"breaks at space", "abc def ghi", 7, []string{"abc def", "ghi"}},
		{"long word is cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"keeps inner runs of spaces", "LOG   T1L x", 20, []string{"LOG   T1L x"}},
		{"no leading space on a new piece", "aaaa   bbbb", 5, []string{"aaaa", "bbbb"}},
		{"empty", "", 5, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := wrap(c.text, c.width); !reflect.DeepEqual(got, c.want) {
				t.Errorf("wrap(%q, %d) = %q, want %q", c.text, c.width, got, c.want)
			}
		})
	}
}

func TestColumnsAutomaticOrder(t *testing.T) {
	var c Columns
	for _, e := range []Entry{{Peer: 2}, {Peer: 0, Role: "clerk"}, {Peer: 0}, {Peer: 1}} {
		c.Index(e)
	}
	if want := []string{"S0", "S1", "S2", "C"}; !reflect.DeepEqual(c.Keys, want) {
		t.Fatalf("keys %v, want %v", c.Keys, want)
	}
	if i, added, ok := c.Index(Entry{Peer: 1}); i != 1 || added || !ok {
		t.Errorf("Index(S1) = %d,%v,%v; want 1,false,true", i, added, ok)
	}
	c.Reset()
	if len(c.Keys) != 0 {
		t.Errorf("Reset left %v", c.Keys)
	}
}

func TestColumnsFixed(t *testing.T) {
	c := Columns{Keys: []string{"S2", "S0"}, Fixed: true}
	if i, _, ok := c.Index(Entry{Peer: 0}); i != 1 || !ok {
		t.Errorf("S0 in fixed [S2 S0]: got %d,%v; want 1,true", i, ok)
	}
	if _, _, ok := c.Index(Entry{Peer: 1}); ok {
		t.Errorf("S1 has no fixed column but was placed")
	}
	if i, added, ok := c.Index(Entry{Peer: 5, Role: "clerk"}); i != 2 || !added || !ok {
		t.Errorf("clerk column: got %d,%v,%v; want 2,true,true", i, added, ok)
	}
	c.Reset()
	if want := []string{"S2", "S0"}; !reflect.DeepEqual(c.Keys, want) {
		t.Errorf("after Reset keys %v, want %v", c.Keys, want)
	}
}

func TestRenderColumnPosition(t *testing.T) {
	l := Layout{Width: 7 + 3*20}
	e := Entry{Time: 42, Peer: 1, Term: 3, Role: "leader", Topic: "LOG", Msg: "sent 5 entries to S2 and some more words"}
	lines := l.Render(e, 1, 3)
	if len(lines) != 3 {
		t.Fatalf("got %d lines %q, want 3", len(lines), lines)
	}
	if !strings.HasPrefix(lines[0], "000042 "+strings.Repeat(" ", 20)+"LOG   T3L sent") {
		t.Errorf("first line %q: want stamp then column 1 at offset 27", lines[0])
	}
	for i, line := range lines {
		if i > 0 && !strings.HasPrefix(line, strings.Repeat(" ", 27)) {
			t.Errorf("continuation %q not indented to column 1", line)
		}
		if text := strings.TrimLeft(line[7:], " "); len([]rune(text)) > 19 {
			t.Errorf("piece %q wider than column", text)
		}
	}
}

func TestRenderColorKeepsColumns(t *testing.T) {
	plain := Layout{Width: 67}.Render(Entry{Time: 1, Peer: 0, Role: "follower", Topic: "VOTE", Msg: "granted"}, 2, 3)
	colored := Layout{Width: 67, Color: true}.Render(Entry{Time: 1, Peer: 0, Role: "follower", Topic: "VOTE", Msg: "granted"}, 2, 3)
	if want := "\x1b[95m" + strings.TrimLeft(plain[0][7:], " ") + "\x1b[0m"; !strings.HasSuffix(colored[0], want) {
		t.Errorf("coloured line %q does not end with %q", colored[0], want)
	}
	if strings.Index(colored[0], "\x1b") != strings.Index(plain[0], "VOTE") {
		t.Errorf("colour changed the column position")
	}
}

func TestHeaderAndWidth(t *testing.T) {
	l := Layout{Width: 47}
	if got, want := l.Header([]string{"S0", "S1"}), "       S0                  S1"; got != want {
		t.Errorf("Header = %q, want %q", got, want)
	}
	if got := (Layout{Width: 40}).ColumnWidth(7); got != minColumnWidth {
		t.Errorf("narrow layout column width %d, want the minimum %d", got, minColumnWidth)
	}
}

// The testers' event lines (raft/config.go, raftkv/config.go) parse as
// debug lines and show without a term or role.
func TestTesterEventLine(t *testing.T) {
	e, ok := ParseLine("000476 S2 T- tester    TEST  disconnected")
	if !ok || e.Peer != 2 || e.Role != "tester" || e.Topic != "TEST" {
		t.Fatalf("ParseLine gave %+v, %v", e, ok)
	}
	if got, want := entryText(e), "TEST  disconnected"; got != want {
		t.Errorf("entryText = %q, want %q", got, want)
	}
}
