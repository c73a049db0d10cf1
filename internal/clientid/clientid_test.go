package clientid

import "testing"

func TestNewIsNonNegativeAndVaries(t *testing.T) {
	seen := make(map[int64]bool)
	for i := 0; i < 1000; i++ {
		id := New()
		if id < 0 {
			t.Fatalf("New() = %d, want a non-negative id", id)
		}
		seen[id] = true
	}
	if len(seen) < 1000 {
		t.Fatalf("1000 ids hold only %d distinct values", len(seen))
	}
}
