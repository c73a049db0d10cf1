package diskpersist

import (
	"io/fs"
	"os"
)

// fileSystem is every file operation a Store makes on its folder. Open uses
// the real one (osFiles); tests put a layer that fails on cue under a Store
// through openWith.
type fileSystem interface {
	OpenFile(name string, flag int, perm fs.FileMode) (file, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	ReadFile(name string) ([]byte, error)
}

// file is an open file of a Store.
type file = interface {
	Write(p []byte) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	Sync() error
	Close() error
}

// osFiles is the operating system's file system.
type osFiles struct{}

func (osFiles) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // not a nil *os.File in a non-nil interface
	}
	return f, nil
}

func (osFiles) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
func (osFiles) Remove(name string) error             { return os.Remove(name) }
func (osFiles) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }
