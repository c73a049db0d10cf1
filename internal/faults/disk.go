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

// File is what a Disk opens: a file that can be written, synced and closed.
// It is an alias so that code with its own interface of the same methods
// accepts a Disk without importing this package.
type File = interface {
	Write(p []byte) (int, error)
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

// begin records op and reports whether it may run (false from the crash on)
// and, for the operation that crashes, how many bytes of a write to keep.
func (d *Disk) begin(op Op) (ok bool, keep int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.trace = append(d.trace, op)
	if d.crashed {
		return false, 0
	}
	if d.crashAt != nil && d.crashAt(op) {
		d.crashed = true
		return false, d.keep
	}
	return true, 0
}

// OpenFile opens a file as os.OpenFile does.
func (d *Disk) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	if ok, _ := d.begin(Op{Kind: "open", Path: name}); !ok {
		return nil, ErrCrashed
	}
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &diskFile{d: d, f: f}, nil
}

// Rename renames as os.Rename does.
func (d *Disk) Rename(oldpath, newpath string) error {
	if ok, _ := d.begin(Op{Kind: "rename", Path: oldpath, To: newpath}); !ok {
		return ErrCrashed
	}
	return os.Rename(oldpath, newpath)
}

// Remove removes as os.Remove does.
func (d *Disk) Remove(name string) error {
	if ok, _ := d.begin(Op{Kind: "remove", Path: name}); !ok {
		return ErrCrashed
	}
	return os.Remove(name)
}

// ReadFile reads as os.ReadFile does.
func (d *Disk) ReadFile(name string) ([]byte, error) {
	if ok, _ := d.begin(Op{Kind: "read", Path: name}); !ok {
		return nil, ErrCrashed
	}
	return os.ReadFile(name)
}

// diskFile is a file a Disk opened.
type diskFile struct {
	d *Disk
	f *os.File
}

func (f *diskFile) Write(p []byte) (int, error) {
	ok, keep := f.d.begin(Op{Kind: "write", Path: f.f.Name(), N: len(p)})
	if !ok {
		n, _ := f.f.Write(p[:min(keep, len(p))])
		return n, ErrCrashed
	}
	return f.f.Write(p)
}

func (f *diskFile) Sync() error {
	if ok, _ := f.d.begin(Op{Kind: "sync", Path: f.f.Name()}); !ok {
		return ErrCrashed
	}
	return f.f.Sync()
}

// Close closes the file even after the crash (the process is gone, and so
// are its descriptors), but reports the crash.
func (f *diskFile) Close() error {
	ok, _ := f.d.begin(Op{Kind: "close", Path: f.f.Name()})
	err := f.f.Close()
	if !ok {
		return ErrCrashed
	}
	return err
}
