package main

import "testing"

func TestParseLine(t *testing.T) {
	cases := []struct {
		name string
		line string
		want Entry
		ok   bool
	}{
		{"raft leader", "001234 S1 T3 leader    LOG   sent 5 entries to S2",
			Entry{Time: 1234, Peer: 1, Named: "S", Term: 3, Role: "leader", Topic: "LOG", Msg: "sent 5 entries to S2"}, true},
		{"candidate fills role column", "000350 S2 T1 candidate VOTE  asking S0 S1",
			Entry{Time: 350, Peer: 2, Named: "S", Term: 1, Role: "candidate", Topic: "VOTE", Msg: "asking S0 S1"}, true},
		{"five-letter topic", "000007 S0 T2 follower  CMIT  commit index 4",
			Entry{Time: 7, Peer: 0, Named: "S", Term: 2, Role: "follower", Topic: "CMIT", Msg: "commit index 4"}, true},
		{"kv unknown term", "012345 S4 T- kvserver  KVAPL applied Put k=v",
			Entry{Time: 12345, Peer: 4, Named: "S", Term: -1, Role: "kvserver", Topic: "KVAPL", Msg: "applied Put k=v"}, true},
		{"clerk", "000402 C17 T- clerk     CLERK Get k1 to S3",
			Entry{Time: 402, Peer: 17, Named: "C", Term: -1, Role: "clerk", Topic: "CLERK", Msg: "Get k1 to S3"}, true},
		{"clerk names its server", "000402 S2 T- clerk     CLERK C5#3 Get \"k\": ErrWrongLeader",
			Entry{Time: 402, Peer: 2, Named: "S", Term: -1, Role: "clerk", Topic: "CLERK", Msg: `C5#3 Get "k": ErrWrongLeader`}, true},
		{"more than six digits of time", "1234567 S0 T9 leader    LEAD  won",
			Entry{Time: 1234567, Peer: 0, Named: "S", Term: 9, Role: "leader", Topic: "LEAD", Msg: "won"}, true},
		{"empty message", "000001 S0 T0 follower  TIMR",
			Entry{Time: 1, Peer: 0, Named: "S", Term: 0, Role: "follower", Topic: "TIMR", Msg: ""}, true},
		{"test title", "Test (2A): initial election ...", Entry{}, false},
		{"pass line", "--- PASS: TestInitialElection2A (3.10s)", Entry{}, false},
		{"panic", "panic: runtime error: index out of range [3] with length 3", Entry{}, false},
		{"stack frame", "\t/work/main/raft/raft.go:123 +0x1d", Entry{}, false},
		{"short time", "1234 S1 T3 leader    LOG   x", Entry{}, false},
		{"lower-case topic", "001234 S1 T3 leader    log   x", Entry{}, false},
		{"empty", "", Entry{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := ParseLine(c.line)
			if ok != c.ok || got != c.want {
				t.Errorf("ParseLine(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestIsTestStart(t *testing.T) {
	cases := map[string]bool{
		"=== RUN   TestBackup2B":                  true,
		"Test (2B): leader backs up quickly ...":  true,
		"Test: one client (3A) ...":               true,
		"--- PASS: TestBackup2B (20.10s)":         false,
		"TestBackup2B":                            false,
		"  ... Passed --   3.1  3   58   14512 0": false,
	}
	for line, want := range cases {
		if got := IsTestStart(line); got != want {
			t.Errorf("IsTestStart(%q) = %v, want %v", line, got, want)
		}
	}
}
