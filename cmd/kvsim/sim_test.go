package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSimulationShort runs the whole tool briefly: a real cluster, every
// fault, the check and the timeline. A failure here is a failure of raftkv
// (or raft) that the simulator found, or of the harness.
func TestSimulationShort(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 3 s simulated cluster; skipped with -short")
	}
	out := filepath.Join(t.TempDir(), "timeline.html")
	cfg := config{servers: 3, clients: 3, keys: 2, duration: 3 * time.Second, seed: 5,
		faults: FaultSet{true, true, true, true}, maxraftstate: 1000, out: out, checkTimeout: time.Minute}
	timeline, err := openTimeline(out)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	status := simulate(cfg, timeline, &buf)
	t.Logf("kvsim output:\n%s", buf.String())
	if status != exitLinearizable {
		t.Fatalf("exit status %d, want %d (linearizable)", status, exitLinearizable)
	}
	for _, want := range []string{"ops/s", "leader", "verdict    LINEARIZABLE", "timeline   " + out} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if info, err := os.Stat(out); err != nil || info.Size() == 0 {
		t.Errorf("timeline %s not written: %v", out, err)
	}
}
