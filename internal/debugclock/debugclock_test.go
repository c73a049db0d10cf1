package debugclock

import "testing"

func TestMillisStartsNearZero(t *testing.T) {
	if ms := Millis(); ms < 0 || ms > 60_000 {
		t.Fatalf("Millis() = %d right after start, want a small non-negative number", ms)
	}
}
