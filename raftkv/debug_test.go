package raftkv

import (
	"testing"
	"time"
)

// The debug layout is parsed by cmd/raftlog; keep it exact.
func TestFormatDebugLine(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"known term", formatDebugLine(1234*time.Millisecond, 1, 3, roleServer, topicApply, "applied x"),
			"001234 S1 T3 kvserver  KVAPL applied x\n"},
		{"unknown term", formatDebugLine(5*time.Millisecond, 0, unknownTerm, roleClerk, topicClerk, "retry"),
			"000005 S0 T- clerk     CLERK retry\n"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestDebugSetting(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "1": true, "yes": true} {
		if got := debugSetting(v); got != want {
			t.Errorf("debugSetting(%q) = %v, want %v", v, got, want)
		}
	}
}
