package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"miniraftkv/linearizability"
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
	want := "   3.0s  ops   1234    412 ops/s  leader S2 (cut off in the minority: commits nothing) T4    injected   5" +
		"  in force: partitioned [S2 S4], down [S1], unreliable"
	if got != want {
		t.Errorf("ProgressLine =\n%q\nwant\n%q", got, want)
	}
	majority := ProgressLine(3*time.Second, 1234, 411.6, clusterState{leader: 0, term: 5},
		faultState{injected: 5, minority: []int{2, 4}, crashed: -1})
	if want := "leader S0   T5    injected   5  in force: partitioned [S2 S4]"; !strings.Contains(majority, want) {
		t.Errorf("ProgressLine =\n%q\nwant it to contain\n%q", majority, want)
	}
	quiet := ProgressLine(time.Second, 0, 0, clusterState{leader: -1}, faultState{crashed: -1})
	if !strings.Contains(quiet, "leader none") || strings.Contains(quiet, "in force:") {
		t.Errorf("quiet line %q", quiet)
	}
}

// An -out that cannot be written is refused before the run (main exits 2).
func TestOpenTimelineRefusesUnwritablePath(t *testing.T) {
	if f, err := openTimeline("/nonexistent-dir/t.html"); err == nil || !strings.Contains(err.Error(), "/nonexistent-dir/t.html") {
		t.Errorf("openTimeline(unwritable) = %v, %v; want an error naming the path", f, err)
	}
	f, err := openTimeline("")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	os.Remove(f.Name())
}

// TestNoVerdictSaysWhy checks that a check without a verdict is reported
// with its cause: a model that panicked is not "ran out of time".
func TestNoVerdictSaysWhy(t *testing.T) {
	broken := linearizability.KvModel()
	broken.Step = func(state, input, output interface{}) (bool, interface{}) { panic("model bug") }
	history := []linearizability.Operation{{ClientId: 0, Input: linearizability.KvInput{Op: linearizability.KvGet, Key: "k"},
		Call: 1, Output: linearizability.KvOutput{Value: ""}, Return: 2}}
	res, panicked := linearizability.CheckOperationsVerbose(broken, history, time.Minute)
	if res != linearizability.Unknown || panicked.Err() == nil {
		t.Fatalf("a panicking model gave %v, err %v: want Unknown with an error", res, panicked.Err())
	}
	cases := []struct {
		name    string
		info    linearizability.LinearizationInfo
		timeout time.Duration
		want    string
		notWant string
	}{
		{"model panicked", panicked, time.Minute, "NO VERDICT: the check failed: linearizability: the model's Step panicked", "out of time"},
		{"out of time", linearizability.LinearizationInfo{}, time.Minute, "NO VERDICT: the checker ran out of time (-checktimeout 1m0s); this is not a pass", ""},
		{"no limit, no error", linearizability.LinearizationInfo{}, 0, "NO VERDICT: the checker returned Unknown without saying why", "out of time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			status := verdict(linearizability.Unknown, c.info, config{checkTimeout: c.timeout}, &console{out: &out})
			if status != exitNoVerdict {
				t.Errorf("exit status %d, want %d", status, exitNoVerdict)
			}
			if got := out.String(); !strings.Contains(got, c.want) || (c.notWant != "" && strings.Contains(got, c.notWant)) {
				t.Errorf("verdict line %q: want %q in it and not %q", got, c.want, c.notWant)
			}
		})
	}
}
