package heapstat

import "testing"

// sink keeps the test's block reachable between measurements.
var sink []byte

// TestLiveSeesAnAllocation checks that Live counts a large reachable
// allocation and stops counting it once it is unreachable.
func TestLiveSeesAnAllocation(t *testing.T) {
	const size = 8 << 20
	before := Live()
	sink = make([]byte, size)
	with := Live()
	sink = nil
	after := Live()
	if grew := PerItem(before, with, 1); grew < size || grew > 2*size {
		t.Errorf("live heap grew by %.0f bytes for a %d-byte block; want about %d", grew, size, size)
	}
	if with-after < size {
		t.Errorf("live heap shrank by %d bytes after the block was dropped; want at least %d", int64(with)-int64(after), size)
	}
}
