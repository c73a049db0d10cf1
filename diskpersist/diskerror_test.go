package diskpersist

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"miniraftkv/internal/faults"
)

// A disk that fails (EIO) or is full (ENOSPC) must stop the server with an
// error that says so, never let a save return as if it had reached the
// disk: Raft would then acknowledge entries a restart cannot find. The
// claim (store.go, write): a save whose write, fsync or rename fails
// panics, naming the state file and the error, and the Persister's callers
// see no return.

// saveError runs save and returns the message it panicked with, or "" if
// it returned.
func saveError(save func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	save()
	return ""
}

func TestSaveStopsOnDiskError(t *testing.T) {
	cases := []struct {
		name    string
		rewrite bool   // the failing save replaces the file (a new snapshot) rather than appending
		kind    string // the operation that fails
		err     error
	}{
		{"append write, disk full", false, "write", syscall.ENOSPC},
		{"append fsync fails", false, "sync", syscall.EIO},
		{"rewrite write, disk full", true, "write", syscall.ENOSPC},
		{"rewrite fsync fails", true, "sync", syscall.EIO},
		{"rewrite rename fails", true, "rename", syscall.EIO},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			d := &faults.Disk{}
			s := openOnDisk(t, dir, d)
			defer s.crash()
			s.Persister().Save([]byte("base."), []byte("snap"))
			d.FailAt(func(o faults.Op) bool { return o.Kind == c.kind }, c.err)
			msg := saveError(func() {
				if c.rewrite {
					s.Persister().Save([]byte("new."), []byte("new snapshot"))
				} else {
					s.write([][]byte{[]byte("more.")}, nil, true)
				}
			})
			switch {
			case msg == "":
				t.Fatalf("the save returned although its %s failed with %v", c.kind, c.err)
			case !strings.Contains(msg, c.err.Error()) || !strings.Contains(msg, filepath.Join(dir, StateFile)):
				t.Fatalf("the save stopped with %q; want the error %q and the state file named", msg, c.err)
			}
		})
	}
}
