package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"miniraftkv/internal/browser"
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
		t.Fatalf("timeline %s not written: %v", out, err)
	}
	t.Run("TimelineInBrowser", func(t *testing.T) { checkTimelineInBrowser(t, out) })
}

// checkTimelineInBrowser opens a timeline kvsim wrote in a headless
// browser: its script runs without an error, the faults have rows above
// the clients, every key can be selected and draws a row per client, and
// an operation's tooltip gives its times.
func checkTimelineInBrowser(t *testing.T, path string) {
	b := browser.Start(t, 1200, 800)
	if err := b.Open("file://" + path); err != nil {
		t.Fatal(err)
	}
	tl := browser.ReadTimeline(t, b)
	if len(tl.Data.Rows) == 0 || len(tl.Sections) == 0 {
		t.Fatalf("the page has %d annotation rows and %d keys; a run with every fault has both", len(tl.Data.Rows), len(tl.Sections))
	}
	for i := range tl.Sections {
		script := fmt.Sprintf(`(() => { const f = document.getElementById("filter"); f.value = "%d";
  f.dispatchEvent(new Event("change")); })()`, i)
		if err := b.Eval(script, nil); err != nil {
			t.Fatal(err)
		}
		s := browser.ReadTimeline(t, b).Sections[i]
		if !s.Shown || s.FirstOp == nil {
			t.Fatalf("key %d (%q) selected: shown %v, an operation drawn %v", i, s.Title, s.Shown, s.FirstOp != nil)
		}
		if err := b.Mouse("mouseMoved", s.FirstOp.X+s.FirstOp.Width/2, s.FirstOp.Y+s.FirstOp.Height/2); err != nil {
			t.Fatal(err)
		}
		if tip, err := b.Tooltip(); err != nil || !strings.Contains(tip, "called at") {
			t.Errorf("tooltip of the first operation of %q is %q (%v), want its call time", s.Title, tip, err)
		}
	}
}
