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

// TestSnapshotPacer: a snapshot is worth it once the Raft state grew by a
// quarter of maxraftstate since the last one, or after
// maxSnapshotDeferral applied entries when it did not (a state made mostly
// of entries not applied yet).
func TestSnapshotPacer(t *testing.T) {
	var p snapshotPacer
	p.applied = 1
	if !p.worthIt(1000, 1000) {
		t.Fatal("first snapshot deferred")
	}
	p.snapshotted(200)
	cases := []struct {
		size, applied int
		want          bool
	}{
		{1000, 1, true}, // grew by 800: a small state, snapshot at once
		{1100, 3, true}, // grew by 900
		{449, 3, false}, // grew by 249 (not reachable with size < maxraftstate; checks the rule)
		{450, 1, true},  // grew by exactly a quarter
	}
	for _, c := range cases {
		p.applied = c.applied
		if got := p.worthIt(c.size, 1000); got != c.want {
			t.Errorf("size %d after 200, %d applied: worthIt = %v, want %v", c.size, c.applied, got, c.want)
		}
	}
	p.snapshotted(1900) // mostly entries not applied yet
	for applied := 1; applied <= maxSnapshotDeferral; applied++ {
		p.applied = applied
		if got, want := p.worthIt(2000, 1000), applied == maxSnapshotDeferral; got != want {
			t.Errorf("state of unapplied entries, %d applied: worthIt = %v, want %v", applied, got, want)
		}
	}
}
