package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseArgsDefaults(t *testing.T) {
	cfg, err := parseArgs(nil, 99, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{servers: 5, clients: 5, keys: 3, duration: 20 * time.Second,
		faults: FaultSet{true, true, true, true}, seed: 99, maxraftstate: 1000, checkTimeout: time.Minute}
	if cfg != want {
		t.Errorf("defaults %+v\nwant     %+v", cfg, want)
	}
}

func TestParseArgs(t *testing.T) {
	cfg, err := parseArgs([]string{"-servers", "3", "-clients", "2", "-duration", "5s", "-faults", "crash",
		"-seed", "42", "-maxraftstate", "-1", "-out", "t.html"}, 99, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if zero, _ := parseArgs([]string{"-seed", "0"}, 99, io.Discard); zero.seed != 0 {
		t.Errorf("-seed 0 gave seed %d", zero.seed)
	}
	if cfg.servers != 3 || cfg.clients != 2 || cfg.duration != 5*time.Second || cfg.faults != (FaultSet{Crash: true}) ||
		cfg.seed != 42 || cfg.maxraftstate != -1 || cfg.out != "t.html" {
		t.Errorf("got %+v", cfg)
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-servers", "0"},
		{"-clients", "0"},
		{"-duration", "0s"},
		{"-faults", "meteor"},
		{"-maxraftstate", "0"},
		{"-checktimeout", "-1s"},
		{"extra"},
	} {
		if _, err := parseArgs(args, 1, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) accepted bad input", args)
		}
	}
}

func TestProgressLine(t *testing.T) {
	got := ProgressLine(3*time.Second, 1234, 411.6, clusterState{leader: 2, term: 4, down: []int{1}},
		faultState{injected: 5, minority: []int{2, 4}, crashed: 1, unreliable: true})
	want := "   3.0s  ops   1234    412 ops/s  leader S2   T4    faults   5  now: partitioned [S2 S4], down [S1], unreliable"
	if got != want {
		t.Errorf("ProgressLine =\n%q\nwant\n%q", got, want)
	}
	quiet := ProgressLine(time.Second, 0, 0, clusterState{leader: -1}, faultState{crashed: -1})
	if !strings.Contains(quiet, "leader none") || strings.Contains(quiet, "now:") {
		t.Errorf("quiet line %q", quiet)
	}
}
