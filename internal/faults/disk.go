package faults

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// ErrCrashed is the error of every disk operation from the crash on.
var ErrCrashed = errors.New("faults: the process crashed here")

// Op is one file operation a Disk performed (or refused, from the crash on).
type Op struct {
	Kind string // "open", "write", "sync", "close", "rename", "remove", "read"
	Path string // the file or folder; for a rename, the old path
	To   string // a rename's new path
	N    int    // bytes of a write
}

func (o Op) String() string {
	switch o.Kind {
	case "rename":
		return fmt.Sprintf("rename %s -> %s", o.Path, o.To)
	case "write":
		return fmt.Sprintf("write %d bytes to %s", o.N, o.Path)
	}
	return o.Kind + " " + o.Path
}

// File is what a Disk opens: a file that can be written (at its offset or
// at a given one), synced and closed.
// It is an alias so that code with its own interface of the same methods
// accepts a Disk without importing this package.
type File = interface {
	Write(p []byte) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	Sync() error
	Close() error
}

// Disk is a file layer over the real file system that records every
// operation and crashes on cue: the operation the cue matches fails (a
// write first writes the first keep bytes of its data), and so does every
// operation after it, as if the process had died there. What is on the real
// disk afterwards is what a restart would find, fsyncs aside: the trace
// shows which writes were synced, for tests of the order.
type Disk struct {
	mu      sync.Mutex // protects the fields below
	trace   []Op
	crashAt func(Op) bool // nil: no crash cued
	keep    int
	crashed bool
	failAt  func(Op) bool // nil: no failure cued
	failErr error
}

// FailAt cues a failure at the first later operation for which at returns
// true: that operation does nothing and returns err (syscall.EIO for a
// failing disk, syscall.ENOSPC for a full one); the operations after it run
// as usual, as they would on a disk that failed once.
func (d *Disk) FailAt(at func(Op) bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failAt, d.failErr = at, err
}

// CrashAt cues a crash at the first later operation for which at returns
// true; if it is a write, its first keep bytes reach the file first.
func (d *Disk) CrashAt(at func(Op) bool, keep int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.crashAt, d.keep = at, keep
}

// Crashed reports whether the cued crash has happened.
func (d *Disk) Crashed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.crashed
}

// Trace returns the operations so far, the one that crashed included.
func (d *Disk) Trace() []Op {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Op(nil), d.trace...)
}

// begin records op and returns nil if it may run; ErrCrashed from the
// crash on, with, for the operation that crashes, how many bytes of a write
// to keep; or the cued failure's error.
func (d *Disk) begin(op Op) (keep int, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.trace = append(d.trace, op)
	if d.crashed {
		return 0, ErrCrashed
	}
	if d.crashAt != nil && d.crashAt(op) {
		d.crashed = true
		return d.keep, ErrCrashed
	}
	if d.failAt != nil && d.failAt(op) {
		d.failAt = nil
		return 0, d.failErr
	}
	return 0, nil
}

// OpenFile opens a file as os.OpenFile does.
func (d *Disk) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	if _, err := d.begin(Op{Kind: "open", Path: name}); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &diskFile{d: d, f: f}, nil
}

// Rename renames as os.Rename does.
func (d *Disk) Rename(oldpath, newpath string) error {
	if _, err := d.begin(Op{Kind: "rename", Path: oldpath, To: newpath}); err != nil {
		return err
	}
	return os.Rename(oldpath, newpath)
}

// Remove removes as os.Remove does.
func (d *Disk) Remove(name string) error {
	if _, err := d.begin(Op{Kind: "remove", Path: name}); err != nil {
		return err
	}
	return os.Remove(name)
}

// ReadFile reads as os.ReadFile does.
func (d *Disk) ReadFile(name string) ([]byte, error) {
	if _, err := d.begin(Op{Kind: "read", Path: name}); err != nil {
		return nil, err
	}
	return os.ReadFile(name)
}

// diskFile is a file a Disk opened.
type diskFile struct {
	d *Disk
	f *os.File
}

func (f *diskFile) Write(p []byte) (int, error) {
	return f.write(p, f.f.Write)
}

// WriteAt is Write at offset off; it is recorded as a write too.
func (f *diskFile) WriteAt(p []byte, off int64) (int, error) {
	return f.write(p, func(b []byte) (int, error) { return f.f.WriteAt(b, off) })
}

// write records a write of p and makes it with do, only the first bytes
// that a crash there keeps.
func (f *diskFile) write(p []byte, do func([]byte) (int, error)) (int, error) {
	keep, err := f.d.begin(Op{Kind: "write", Path: f.f.Name(), N: len(p)})
	if err != nil {
		n, _ := do(p[:min(keep, len(p))])
		return n, err
	}
	return do(p)
}

func (f *diskFile) Sync() error {
	if _, err := f.d.begin(Op{Kind: "sync", Path: f.f.Name()}); err != nil {
		return err
	}
	return f.f.Sync()
}

// Close closes the file even after the crash (the process is gone, and so
// are its descriptors), but reports the crash.
func (f *diskFile) Close() error {
	_, failed := f.d.begin(Op{Kind: "close", Path: f.f.Name()})
	if err := f.f.Close(); failed == nil {
		return err
	}
	return failed
}
