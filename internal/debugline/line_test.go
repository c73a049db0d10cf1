package debugline

import (
	"strings"
	"testing"
)

// TestFormat pins the layout: cmd/raftlog and people's greps rely on it.
func TestFormat(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"raft", Format(1234, 1, 3, "leader", Log, "sent 5 entries to S2"),
			"001234 S1 T3 leader    LOG   sent 5 entries to S2\n"},
		{"known term", Format(1234, 1, 3, RoleKVServer, KVApply, "applied x"),
			"001234 S1 T3 kvserver  KVAPL applied x\n"},
		{"unknown term", Format(5, 0, UnknownTerm, RoleClerk, Clerk, "retry"),
			"000005 S0 T- clerk     CLERK retry\n"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

// TestParseReadsWhatFormatWrites: every topic and role, known and unknown
// terms, an empty message, round-trip.
func TestParseReadsWhatFormatWrites(t *testing.T) {
	for i, topic := range Topics {
		for j, role := range Roles {
			want := Line{Time: 1000*i + j, Peer: j, Named: "S", Term: i - 1, Role: role, Topic: topic,
				Msg: strings.Repeat("m ", i)}
			want.Msg = strings.TrimSpace(want.Msg)
			s := Format(int64(want.Time), want.Peer, want.Term, role, topic, want.Msg)
			got, ok := Parse(strings.TrimSuffix(s, "\n"))
			if !ok || got != want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", s, got, ok, want)
			}
		}
	}
}

func TestParseRejectsOtherLines(t *testing.T) {
	for _, s := range []string{"", "=== RUN   TestX", "panic: boom", "001234 S1 T3 Leader LOG x",
		"99999999999999999999 S1 T3 leader LOG x"} {
		if l, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %+v, want no line", s, l)
		}
	}
	if l, ok := Parse("000012 C7 T- clerk     CLERK x"); !ok || l.Named != "C" || l.Peer != 7 || !l.Clerk() {
		t.Errorf("a clerk line naming itself parsed as %+v, %v", l, ok)
	}
}
