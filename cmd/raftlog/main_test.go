package main

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
)

// noEnv stands for a run with no terminal and no $COLUMNS.
func noEnv() int { return defaultWidth }

func TestParseArgs(t *testing.T) {
	cfg, err := parseArgs([]string{"-topics", "log, Vote", "-ignore", "TIMR", "-peers", "0,S2,c",
		"-width", "90", "-color", "never", "a.log", "b.log"}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"LOG": true, "VOTE": true}; !reflect.DeepEqual(cfg.filter.Topics, want) {
		t.Errorf("topics %v, want %v", cfg.filter.Topics, want)
	}
	if !cfg.filter.Ignore["TIMR"] {
		t.Errorf("ignore %v lacks TIMR", cfg.filter.Ignore)
	}
	if want := []string{"S0", "S2", "C"}; !reflect.DeepEqual(cfg.filter.Peers, want) {
		t.Errorf("peers %v, want %v", cfg.filter.Peers, want)
	}
	if cfg.width != 90 || cfg.color != "never" || !reflect.DeepEqual(cfg.files, []string{"a.log", "b.log"}) {
		t.Errorf("got %+v", cfg)
	}
}

// The width comes from -width, else from the terminal probe (internal/termwidth
// tests its fallback to $COLUMNS and the default).
func TestParseArgsWidth(t *testing.T) {
	terminal := func() int { return 132 }
	if cfg, err := parseArgs(nil, terminal, io.Discard); err != nil || cfg.width != 132 {
		t.Errorf("width from the terminal: %d, %v; want 132", cfg.width, err)
	}
	if cfg, _ := parseArgs([]string{"-width", "70"}, terminal, io.Discard); cfg.width != 70 {
		t.Errorf("-width must beat the terminal: got %d", cfg.width)
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-peers", "0,x"},
		{"-color", "sometimes"},
		{"-n", "-1"},
		{"-nosuchflag"},
		{"-topics", "COMMIT"},
		{"-ignore", "LOG,nope"},
	} {
		if _, err := parseArgs(args, noEnv, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) accepted bad input", args)
		}
	}
}

func TestFilterKeep(t *testing.T) {
	topics, _ := ParseTopics("-topics", "LOG,VOTE")
	ignore, _ := ParseTopics("-ignore", "VOTE")
	f := Filter{Topics: topics, Ignore: ignore, Peers: []string{"S0", "C"}}
	cases := []struct {
		e    Entry
		want bool
	}{
		{Entry{Peer: 0, Topic: "LOG"}, true},
		{Entry{Peer: 0, Topic: "VOTE"}, false}, // ignored wins
		{Entry{Peer: 0, Topic: "CMIT"}, false}, // not a chosen topic
		{Entry{Peer: 1, Topic: "LOG"}, false},  // not a chosen peer
		{Entry{Peer: 9, Role: "clerk", Topic: "LOG"}, true},
	}
	for _, c := range cases {
		if got := f.Keep(c.e); got != c.want {
			t.Errorf("Keep(%+v) = %v, want %v", c.e, got, c.want)
		}
	}
}

// TestPrinterEndToEnd checks that test output and panics pass through
// unchanged and that debug lines land in their peer's column, the columns
// being decided by every peer of the test (held lines), not just the first.
func TestPrinterEndToEnd(t *testing.T) {
	input := strings.Join([]string{
		"Test (2A): initial election ...",
		"000012 S0 T0 follower  TIMR  timeout",
		"000350 S2 T1 candidate VOTE  asking",
		"  ... Passed --   3.1  3   58   14512    0",
		"panic: boom",
		"",
	}, "\n")
	var out bytes.Buffer
	cfg, _ := parseArgs([]string{"-width", "67"}, noEnv, io.Discard)
	p := newPrinter(cfg, Layout{Width: 67}, &out)
	if err := p.copy(strings.NewReader(input)); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"Test (2A): initial election ...",
		"       S0                            S2",
		"000012 TIMR  T0F timeout",
		"000350                               VOTE  T1C asking",
		"  ... Passed --   3.1  3   58   14512    0",
		"panic: boom",
		"",
	}, "\n")
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// TestPrinterHoldEndsWithLogTime checks that the hold that decides the
// columns ends once the log's clock has moved on by holdLogMs: a peer that
// first speaks later gets a new column and a new header.
func TestPrinterHoldEndsWithLogTime(t *testing.T) {
	input := strings.Join([]string{
		"=== RUN   TestX",
		"000010 S0 T1 leader    LEAD  won",
		"002000 S0 T1 leader    LOG   still here",
		"002001 S1 T1 follower  LOG   late",
		"",
	}, "\n")
	var out bytes.Buffer
	cfg, _ := parseArgs([]string{"-width", "47"}, noEnv, io.Discard)
	p := newPrinter(cfg, Layout{Width: 47}, &out)
	if err := p.copy(strings.NewReader(input)); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"=== RUN   TestX",
		"       S0",
		"000010 LEAD  T1L won",
		"002000 LOG   T1L still here",
		"       S0                  S1",
		"002001                     LOG   T1F late",
		"",
	}, "\n")
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

func TestUnknownTopicListsValidOnes(t *testing.T) {
	_, err := ParseTopics("-topics", "COMMIT")
	if err == nil || !strings.Contains(err.Error(), `unknown topic "COMMIT"`) || !strings.Contains(err.Error(), "CMIT") {
		t.Errorf("ParseTopics(COMMIT) error %v; want it to name COMMIT and list CMIT", err)
	}
}

func TestAbsentPeers(t *testing.T) {
	cfg, err := parseArgs([]string{"-peers", "0,9,C"}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := newPrinter(cfg, Layout{Width: 80}, io.Discard)
	if err := p.copy(strings.NewReader("000001 S0 T1 follower  TIMR election timeout\n")); err != nil {
		t.Fatal(err)
	}
	if got, want := p.absentPeers(), []string{"S9", "C"}; !reflect.DeepEqual(got, want) {
		t.Errorf("absentPeers = %v, want %v", got, want)
	}
}
