package raftkv

import "testing"

// TestOpLogFaultAnnotations checks the tester's fault ranges for the
// timeline: a range per begin, ended by end or, still open, when taken;
// rows in order; times on the history's clock.
func TestOpLogFaultAnnotations(t *testing.T) {
	l := newOpLog()
	l.begin("network", "unreliable", "unreliable network", "", "")
	l.begin("S2", "S2 partitioned", "partitioned (minority)", "", "")
	l.begin("S1", "S1 down", "down", "", "")
	l.end("S2 partitioned")
	l.end("S2 partitioned") // ending twice changes nothing
	l.begin("S2", "S2 partitioned", "partitioned (minority)", "", "")
	now := l.now()
	got := l.annotations()
	rows := ""
	for _, a := range got {
		rows += a.Row + " "
		if a.End < a.Start || a.End > l.now() {
			t.Errorf("%s %q spans [%d, %d], outside the clock (now %d)", a.Row, a.Label, a.Start, a.End, now)
		}
	}
	if rows != "S1 S2 S2 network " {
		t.Fatalf("rows %q, want S1 S2 S2 network", rows)
	}
	if got[1].End > got[2].Start {
		t.Fatalf("the first partition range [%d, %d] ends after the second starts at %d",
			got[1].Start, got[1].End, got[2].Start)
	}
}
