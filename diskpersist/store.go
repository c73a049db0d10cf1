package diskpersist

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sync/atomic"

	"miniraftkv/raft"
)

// StateFile is the name of the state file in a Store's folder, and
// StateFile+".tmp" that of the file a rewrite builds before renaming it.
const StateFile = "raftstate.dat"

// LockFile is the name of the file in a Store's folder that an open Store
// holds an exclusive lock on (flock, where the system has it), and which
// names the process holding it.
const LockFile = "LOCK"

// Options configure a Store. The zero value is what a server wants.
type Options struct {
	// NoSync skips every fsync: saves reach the operating system, not the
	// disk, before they return. For measuring what durability costs; a
	// machine's crash can then lose acknowledged writes.
	NoSync bool
	// Logf receives a line when Open drops a torn record or a leftover
	// temporary file. Default log.Printf.
	Logf func(format string, args ...interface{})
}

// Stats counts a Store's work since Open.
type Stats struct {
	Appends  int64 // saves that appended a record
	Rewrites int64 // saves that wrote a new file
	Fsyncs   int64 // fsync calls, of files and of the folder
	Bytes    int64 // bytes written
}

// Store keeps a raft.Persister's state and snapshot in a folder.
type Store struct {
	path string
	opts Options
	p    *raft.Persister
	fs   fileSystem
	f    file     // the state file, open for writing; used under p's lock
	lock *os.File // LockFile, locked while the Store is open; nil where there is no flock
	end  int64    // the end of the state file's records, where the next one goes; under p's lock
	size int64    // the state file's length: its records, then zeros up to here; under p's lock

	appends, rewrites, fsyncs, bytes atomic.Int64
}

// writeThrough is the Persister extension a Store needs: the project's
// own raft/persister.go has it, a course's copy (docs/course-files.md) may not.
type writeThrough interface {
	SetWriteThrough(func(tail [][]byte, snapshot []byte, extends bool))
}

// Open opens the Store in dir, creating dir if needed, and returns it with
// a Persister that holds what was saved there. Every later save of that
// Persister is on disk before it returns. A torn last record is dropped
// (and logged); any other damage is an error naming the file and offset.
// A folder that another open Store holds, in this process or another, is
// an error naming the process.
func Open(dir string, opts Options) (*Store, error) {
	return openWith(dir, opts, osFiles{})
}

// openWith is Open with the Store's file operations going to fsys.
func openWith(dir string, opts Options, fsys fileSystem) (*Store, error) {
	if opts.Logf == nil {
		opts.Logf = log.Printf
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := openLocked(dir, opts, fsys)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, err
	}
	s.lock = lock
	return s, nil
}

// openLocked is openWith once the folder is locked.
func openLocked(dir string, opts Options, fsys fileSystem) (*Store, error) {
	s := &Store{path: filepath.Join(dir, StateFile), opts: opts, p: raft.MakePersister(), fs: fsys}
	wt, ok := interface{}(s.p).(writeThrough)
	if !ok {
		return nil, errors.New("diskpersist: this raft.Persister has no SetWriteThrough (a course's persister.go?); durable state needs the project's own")
	}
	c, err := s.load()
	if err != nil {
		return nil, err
	}
	if c.state != nil || c.snapshot != nil {
		s.p.Save(c.state, c.snapshot)
	}
	// The first write-through rewrites the file with what was loaded,
	// without the torn record if there was one.
	var failed error
	wt.SetWriteThrough(func(tail [][]byte, snapshot []byte, extends bool) {
		if failed == nil {
			failed = s.rewrite(tail, snapshot)
		}
	})
	if failed != nil {
		return nil, failed
	}
	wt.SetWriteThrough(s.write)
	return s, nil
}

// load reads the state file, if there is one, after removing a temporary
// file that a crash left behind.
func (s *Store) load() (contents, error) {
	tmp := s.path + ".tmp"
	if err := s.fs.Remove(tmp); err == nil {
		s.opts.Logf("diskpersist: removed %s, left by a save that did not finish", tmp)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return contents{}, err
	}
	data, err := s.fs.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return contents{}, nil
	}
	if err != nil {
		return contents{}, err
	}
	c, err := parseFile(s.path, data)
	if err == nil && c.torn > 0 {
		s.opts.Logf("diskpersist: %s: dropped a torn last record (%d bytes at offset %d)", s.path, c.torn, len(data)-c.torn)
	}
	return c, err
}

// Persister returns the Persister whose saves the Store keeps, for
// raft.Make or raftkv.StartKVServer.
func (s *Store) Persister() *raft.Persister {
	return s.p
}

// Stats returns the Store's counts so far.
func (s *Store) Stats() Stats {
	return Stats{Appends: s.appends.Load(), Rewrites: s.rewrites.Load(), Fsyncs: s.fsyncs.Load(), Bytes: s.bytes.Load()}
}

// Close stops writing through and closes the state file. Kill the Raft
// peer first: its later saves would stay in memory only.
func (s *Store) Close() error {
	if wt, ok := interface{}(s.p).(writeThrough); ok { // always, since Open succeeded
		wt.SetWriteThrough(nil)
	}
	err := s.f.Close()
	if s.lock != nil {
		s.lock.Close()
	}
	return err
}

// write is the Persister's write-through. A save that cannot reach the
// disk must not return as if it had, since Raft would then answer on the
// strength of it: the process stops instead.
func (s *Store) write(tail [][]byte, snapshot []byte, extends bool) {
	var err error
	if extends {
		err = s.appendState(tail)
	} else {
		err = s.rewrite(tail, snapshot)
	}
	if err != nil {
		panic(fmt.Sprintf("diskpersist: cannot save to %s: %v", s.path, err))
	}
}

// preallocBytes is how far the state file reaches, in zeros, past its
// records when it is written whole or has to grow: an append then
// overwrites blocks the file already has, and its fsync flushes the data
// alone. An append that made the file longer would also have to commit
// the file system's journal (the file's new size and blocks): on this
// project's machine (ext4) that took BenchmarkSaveAppend/fsync from
// 145-170 us to 195-240 us a save, and its processor time from about 55 us
// to about 90 us. A file grows by this much about once per this many bytes
// of appends.
const preallocBytes = 256 << 10

// appendState writes one state record holding tail after the last one and
// syncs it. A record that does not fit in the zeros the file has left
// takes preallocBytes more of them along, in the same write and fsync.
func (s *Store) appendState(tail [][]byte) error {
	header, err := recordHeader(recordState, tail)
	if err != nil {
		return err
	}
	buf := header
	for _, c := range tail {
		buf = append(buf, c...)
	}
	record := int64(len(buf))
	if s.end+record > s.size {
		buf = append(buf, make([]byte, preallocBytes)...)
	}
	if _, err := s.f.WriteAt(buf, s.end); err != nil {
		return err
	}
	s.size = max(s.size, s.end+int64(len(buf)))
	s.end += record
	s.appends.Add(1)
	s.bytes.Add(int64(len(buf)))
	return s.sync(s.f)
}

// rewrite replaces the state file by one holding snapshot and the state
// (the chunks, joined): it writes a temporary file, syncs it, renames it
// over the old one and syncs the folder, so a crash leaves either file
// whole, never a mixture.
func (s *Store) rewrite(state [][]byte, snapshot []byte) error {
	tmp := s.path + ".tmp"
	buf, err := fileContents(state, snapshot)
	if err != nil {
		return err
	}
	f, err := s.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(buf); err != nil {
		f.Close()
		return err
	}
	if err := s.sync(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := s.fs.Rename(tmp, s.path); err != nil {
		return err
	}
	if err := s.syncDir(); err != nil {
		return err
	}
	s.rewrites.Add(1)
	s.bytes.Add(int64(len(buf)))
	if err := s.reopen(); err != nil {
		return err
	}
	s.end, s.size = int64(len(buf)-preallocBytes), int64(len(buf))
	return nil
}

// fileContents is a whole state file holding snapshot and state, followed
// by preallocBytes of zeros for the appends to come.
func fileContents(state [][]byte, snapshot []byte) ([]byte, error) {
	snapHeader, err := recordHeader(recordSnapshot, [][]byte{snapshot})
	if err != nil {
		return nil, err
	}
	stateHeader, err := recordHeader(recordState, state)
	if err != nil {
		return nil, err
	}
	buf := append([]byte(fileMagic), snapHeader...)
	buf = append(append(buf, snapshot...), stateHeader...)
	for _, c := range state {
		buf = append(buf, c...)
	}
	return append(buf, make([]byte, preallocBytes)...), nil
}

// reopen opens the (new) state file for writing, closing the old one.
func (s *Store) reopen() error {
	f, err := s.fs.OpenFile(s.path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if s.f != nil {
		s.f.Close()
	}
	s.f = f
	return nil
}

func (s *Store) sync(f file) error {
	if s.opts.NoSync {
		return nil
	}
	s.fsyncs.Add(1)
	return f.Sync()
}

// syncDir makes a rename in the folder durable.
func (s *Store) syncDir() error {
	d, err := s.fs.OpenFile(filepath.Dir(s.path), os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	return s.sync(d)
}
