package raftkv

import (
	"strings"
	"testing"
)

// A snapshot carries the map, the duplicate table and the applied index.
func TestSnapshotRoundTrip(t *testing.T) {
	kv := &KVServer{
		data:        map[string]string{"a": "1", "b": ""},
		lastSeq:     map[int64]int64{7: 3, 9: 12},
		lastApplied: 42,
	}
	st, err := decodeSnapshot(kv.encodeSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	if st.LastApplied != 42 || len(st.Data) != 2 || st.Data["a"] != "1" || st.LastSeq[9] != 12 || st.LastSeq[7] != 3 {
		t.Fatalf("round trip lost state: %+v", st)
	}
}

// Corrupt persisted snapshots give a clear error, not a silent reset.
func TestSnapshotCorrupt(t *testing.T) {
	good := (&KVServer{data: map[string]string{"k": "v"}, lastSeq: map[int64]int64{1: 1}}).encodeSnapshot()
	for name, b := range map[string][]byte{
		"garbage":   []byte("not a snapshot"),
		"truncated": good[:len(good)/2],
	} {
		if _, err := decodeSnapshot(b); err == nil || !strings.Contains(err.Error(), "corrupt snapshot") {
			t.Errorf("%s: err = %v, want a corrupt snapshot error", name, err)
		}
	}
}
