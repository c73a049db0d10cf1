package raft

import (
	"bytes"
	"sync"
	"testing"
)

// mirror replays what a Persister writes through, as a durable store
// would, to check that it always ends up with exactly the persisted bytes.
type mirror struct {
	mu       sync.Mutex
	state    []byte
	snapshot []byte
	appends  int // writes that extended the state
	replaces int // writes that replaced it
}

func (m *mirror) write(tail [][]byte, snapshot []byte, extends bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if extends {
		m.appends++
	} else {
		m.replaces++
		m.state = nil
		m.snapshot = append([]byte(nil), snapshot...)
	}
	for _, c := range tail {
		m.state = append(m.state, c...)
	}
}

// writeThrough is the extension a durable store looks for on a Persister
// (a course's persister.go may not have it).
type writeThrough interface {
	SetWriteThrough(func(tail [][]byte, snapshot []byte, extends bool))
}

// TestWriteThroughMirrorsEverySave runs a cluster with snapshots and checks
// that each peer's write-through, replayed, gives back its persisted state
// and snapshot, and that the leader's saves of new entries are appends.
func TestWriteThroughMirrorsEverySave(t *testing.T) {
	c := newMiniCluster(t, 3, 25)
	shutdown := sync.OnceFunc(c.shutdown)
	defer shutdown()
	mirrors := make([]*mirror, 3)
	for i, p := range c.persisters {
		wt, ok := interface{}(p).(writeThrough)
		if !ok {
			t.Skip("this persister.go has no SetWriteThrough")
		}
		mirrors[i] = &mirror{}
		wt.SetWriteThrough(mirrors[i].write)
	}
	l := c.leader()
	for cmd := 1; cmd <= 100; cmd++ {
		if !c.commit(l, cmd) {
			t.Fatalf("command %d did not commit", cmd)
		}
	}
	for i := range c.rafts {
		c.awaitApplied(i, 100)
	}
	shutdown()
	for i, p := range c.persisters {
		m := mirrors[i]
		if !bytes.Equal(m.state, p.ReadRaftState()) || !bytes.Equal(m.snapshot, p.ReadSnapshot()) {
			t.Fatalf("peer %d: the write-through holds %d bytes of state and %d of snapshot, the persister %d and %d",
				i, len(m.state), len(m.snapshot), p.RaftStateSize(), p.SnapshotSize())
		}
		// The leader saves each command as it comes (they come one at a
		// time), so its saves of new entries must show as appends, and
		// its 4 snapshots as rewrites. A follower's count depends on
		// timing: a lagging one gets entries in groups, or a snapshot.
		if i == l && (m.appends < 50 || m.replaces < 4) {
			t.Fatalf("leader %d: %d appends and %d replacements for 100 entries and 4 snapshots", i, m.appends, m.replaces)
		}
		t.Logf("peer %d: %d appends, %d replacements", i, m.appends, m.replaces)
	}
}

func TestWriteThroughOfPlainSaves(t *testing.T) {
	p := MakePersister()
	p.Save([]byte("old"), []byte("snap"))
	wt, ok := interface{}(p).(writeThrough)
	if !ok {
		t.Skip("this persister.go has no SetWriteThrough")
	}
	m := &mirror{}
	wt.SetWriteThrough(m.write)
	if string(m.state) != "old" || string(m.snapshot) != "snap" || m.replaces != 1 {
		t.Fatalf("SetWriteThrough wrote %q, %q in %d writes; want the current state at once", m.state, m.snapshot, m.replaces)
	}
	p.Save([]byte("new"), p.ReadSnapshot())
	p.Save([]byte("newer"), nil)
	if string(m.state) != "newer" || len(m.snapshot) != 0 || m.appends != 0 {
		t.Fatalf("after plain saves the write-through holds %q, %q (%d appends)", m.state, m.snapshot, m.appends)
	}
	p.Copy().Save([]byte("copy"), nil)
	if string(m.state) != "newer" {
		t.Fatal("a Copy wrote through to its original's store")
	}
}
