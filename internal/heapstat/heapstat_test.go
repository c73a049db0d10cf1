package heapstat

import "testing"

// sink keeps the test's block reachable between measurements.
var sink []byte

// TestLiveSeesAnAllocation checks that Live counts a large reachable
// allocation and stops counting it once it is unreachable. The runtime
// allocates a little of its own between two measurements (it was seen to
// keep 112 bytes more, 1 run in 6), so each difference may be off by noise,
// bounded here by 64 KiB, far below the 8 MiB block.
func TestLiveSeesAnAllocation(t *testing.T) {
	const size, noise = 8 << 20, 64 << 10
	before := Live()
	sink = make([]byte, size)
	with := Live()
	sink = nil
	after := Live()
	if grew := PerItem(before, with, 1); grew < size-noise || grew > 2*size {
		t.Errorf("live heap grew by %.0f bytes for a %d-byte block; want about %d", grew, size, size)
	}
	if shrank := int64(with) - int64(after); shrank < size-noise {
		t.Errorf("live heap shrank by %d bytes after the block was dropped; want about %d", shrank, size)
	}
}
