package diskpersist

// Crashes put exactly between two file operations of a save, with the file
// layer of internal/faults under the Store. The claims (see store.go):
//   - a rewrite (a new snapshot, or a state that does not extend the saved
//     one) leaves, whatever operation a crash interrupts, either the old
//     state and snapshot or the new ones, never a mixture or nothing;
//   - a rewrite writes and fsyncs a temporary file, renames it over the
//     state file and fsyncs the folder, in that order, before it returns;
//   - an append is written and fsynced before the save returns;
//   - a crash in the middle of an append costs that append only: the
//     saves before it survive, and the folder opens.

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"miniraftkv/internal/faults"
	"miniraftkv/internal/loglines"
)

// openOnDisk opens dir with d under the Store.
func openOnDisk(t *testing.T, dir string, d *faults.Disk) *Store {
	t.Helper()
	s, err := openWith(dir, Options{Logf: (&loglines.Lines{}).Logf}, d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// crashDuring runs save, which must stop with the Store's panic after the
// cued crash, and reports whether it did.
func crashDuring(save func()) (crashed bool) {
	defer func() {
		if r := recover(); r != nil {
			crashed = true
		}
	}()
	save()
	return false
}

// nthOp is a crash cue: the nth operation from now on (1-based).
func nthOp(n int) func(faults.Op) bool {
	seen := 0
	return func(faults.Op) bool {
		seen++
		return seen == n
	}
}

// TestRewriteCrashLeavesOldOrNew crashes a rewrite at each of its file
// operations in turn (a write keeping half its bytes) and opens the folder
// afresh: it must hold the old state and snapshot or the new ones.
func TestRewriteCrashLeavesOldOrNew(t *testing.T) {
	const oldState, oldSnap, newState, newSnap = "old-state", "old-snapshot", "new-state-longer", "new-snapshot-longer"
	probe := &faults.Disk{}
	s := openOnDisk(t, t.TempDir(), probe)
	s.Persister().Save([]byte(oldState), []byte(oldSnap))
	before := len(probe.Trace())
	s.Persister().Save([]byte(newState), []byte(newSnap))
	ops := len(probe.Trace()) - before
	s.Close()
	if ops < 4 {
		t.Fatalf("a rewrite made %d file operations: %v", ops, probe.Trace()[before:])
	}
	for n := 1; n <= ops; n++ {
		for _, keep := range []int{0, len(fileMagic) + recordHeaderLen + 3} {
			t.Run(fmt.Sprintf("op%d-keep%d", n, keep), func(t *testing.T) {
				dir := t.TempDir()
				d := &faults.Disk{}
				s := openOnDisk(t, dir, d)
				s.Persister().Save([]byte(oldState), []byte(oldSnap))
				d.CrashAt(nthOp(n), keep)
				// A crash at the closing of the old file, the last operation,
				// is not seen by the save: it has nothing left to do.
				crashDuring(func() { s.Persister().Save([]byte(newState), []byte(newSnap)) })
				s.crash()
				trace := d.Trace()
				if !d.Crashed() {
					t.Fatalf("no crash at operation %d of the rewrite; trace %v", n, trace)
				}
				r, err := Open(dir, Options{Logf: (&loglines.Lines{}).Logf})
				if err != nil {
					t.Fatalf("crash at %v: the folder does not open: %v", trace[len(trace)-1], err)
				}
				defer r.Close()
				state, snap := string(r.Persister().ReadRaftState()), string(r.Persister().ReadSnapshot())
				if !(state == oldState && snap == oldSnap) && !(state == newState && snap == newSnap) {
					t.Fatalf("crash at %v: the folder holds state %q, snapshot %q; want the old pair or the new one",
						trace[len(trace)-1], state, snap)
				}
			})
		}
	}
}

// indexOf returns the position in trace of the first operation after from
// for which match is true, or -1.
func indexOf(trace []faults.Op, from int, match func(faults.Op) bool) int {
	for i := from; i < len(trace); i++ {
		if match(trace[i]) {
			return i
		}
	}
	return -1
}

func opIs(kind, path string) func(faults.Op) bool {
	return func(o faults.Op) bool { return o.Kind == kind && o.Path == path }
}

// TestRewriteOrder: a rewrite writes the temporary file, fsyncs it, renames
// it over the state file and fsyncs the folder, in that order; a rename
// that can reach the disk before the data, or is itself not made durable,
// lets a crash lose both states.
func TestRewriteOrder(t *testing.T) {
	dir := t.TempDir()
	d := &faults.Disk{}
	s := openOnDisk(t, dir, d)
	defer s.Close()
	from := len(d.Trace())
	s.Persister().Save([]byte("state"), []byte("snapshot"))
	trace := d.Trace()
	path := filepath.Join(dir, StateFile)
	tmp := path + ".tmp"
	write := indexOf(trace, from, opIs("write", tmp))
	sync := indexOf(trace, max(write, from), opIs("sync", tmp))
	rename := indexOf(trace, max(sync, from), func(o faults.Op) bool { return o.Kind == "rename" && o.Path == tmp && o.To == path })
	dirSync := indexOf(trace, max(rename, from), opIs("sync", dir))
	if write < 0 || sync < 0 || rename < 0 || dirSync < 0 {
		t.Fatalf("a rewrite did %v; want write %s, fsync it, rename it to %s, fsync %s, in that order",
			trace[from:], tmp, path, dir)
	}
	if later := indexOf(trace, sync+1, opIs("write", tmp)); later >= 0 && later < rename {
		t.Fatalf("a rewrite wrote the temporary file after its fsync: %v", trace[from:])
	}
}

// TestAppendSyncedBeforeReturn: a save that extends the state appends one
// record and fsyncs the state file before it returns.
func TestAppendSyncedBeforeReturn(t *testing.T) {
	dir := t.TempDir()
	d := &faults.Disk{}
	s := openOnDisk(t, dir, d)
	defer s.Close()
	s.Persister().Save([]byte("base."), []byte("snap"))
	path := filepath.Join(dir, StateFile)
	for _, part := range []string{"one.", "two."} {
		from := len(d.Trace())
		s.write([][]byte{[]byte(part)}, nil, true)
		trace := d.Trace()
		write := indexOf(trace, from, opIs("write", path))
		if write < 0 || indexOf(trace, write+1, opIs("sync", path)) < 0 {
			t.Fatalf("appending %q did %v; want a write of %s, then its fsync", part, trace[from:], path)
		}
	}
}

// TestCrashMidAppendKeepsEarlierSaves crashes an append after part of its
// record, and at its fsync: the folder opens with every earlier save, and
// the interrupted one either whole or not at all.
func TestCrashMidAppendKeepsEarlierSaves(t *testing.T) {
	for _, c := range []struct {
		name string
		at   func(faults.Op) bool
		keep int
	}{
		{"header cut", func(o faults.Op) bool { return o.Kind == "write" }, recordHeaderLen / 2},
		{"payload cut", func(o faults.Op) bool { return o.Kind == "write" }, recordHeaderLen + 2},
		{"nothing written", func(o faults.Op) bool { return o.Kind == "write" }, 0},
		{"before fsync", func(o faults.Op) bool { return o.Kind == "sync" }, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			d := &faults.Disk{}
			s := openOnDisk(t, dir, d)
			s.Persister().Save([]byte("base."), []byte("snap"))
			s.write([][]byte{[]byte("one.")}, nil, true)
			d.CrashAt(c.at, c.keep)
			if !crashDuring(func() { s.write([][]byte{[]byte("two.")}, nil, true) }) {
				t.Fatalf("the append did not stop at the crash; trace %v", d.Trace())
			}
			s.crash()
			r, err := Open(dir, Options{Logf: (&loglines.Lines{}).Logf})
			if err != nil {
				t.Fatalf("after a crash in an append (%s) the folder does not open: %v", c.name, err)
			}
			defer r.Close()
			state := string(r.Persister().ReadRaftState())
			if state != "base.one." && state != "base.one.two." {
				t.Fatalf("after a crash in an append (%s) the state is %q; want %q or %q",
					c.name, state, "base.one.", "base.one.two.")
			}
			if snap := string(r.Persister().ReadSnapshot()); snap != "snap" {
				t.Fatalf("snapshot %q after a crash in an append; want %q", snap, "snap")
			}
		})
	}
}

// TestInjectedErrorsAreDistinct keeps the fault layer honest: a crash is
// reported as faults.ErrCrashed, not as some error a real disk gives.
func TestInjectedErrorsAreDistinct(t *testing.T) {
	d := &faults.Disk{}
	d.CrashAt(func(faults.Op) bool { return true }, 0)
	if _, err := d.ReadFile(filepath.Join(t.TempDir(), "x")); !errors.Is(err, faults.ErrCrashed) {
		t.Fatalf("ReadFile after a crash: %v, want ErrCrashed", err)
	}
}

// crash releases what the death of the process would: the Store's files
// and, with them, its lock; it writes nothing.
func (s *Store) crash() {
	s.f.Close()
	if s.lock != nil {
		s.lock.Close()
	}
}
