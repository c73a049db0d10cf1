//go:build unix

package diskpersist

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// lockDir takes an exclusive flock on dir's LockFile, so that a second
// process (or a second Open in this one) cannot open the folder while the
// first writes to it, and writes this process's id there, so the refusal
// can say who holds it. The lock lasts until the returned file is closed
// or the process ends, however it ends: the kernel drops it with the
// descriptor, so a kill -9 leaves no stale lock behind.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := lockHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("diskpersist: data folder %s is in use by %s (it holds a lock on %s); "+
				"two servers must not share a folder", dir, holder, path)
		}
		return nil, fmt.Errorf("diskpersist: cannot lock %s: %w", path, err)
	}
	// Naming the holder is a courtesy: the lock works without it.
	f.Truncate(0)
	f.WriteAt([]byte(fmt.Sprintf("pid %d\n", os.Getpid())), 0)
	return f, nil
}

// lockHolder describes the process named in a lock file.
func lockHolder(f *os.File) string {
	b, _ := io.ReadAll(io.LimitReader(f, 64))
	if pid := strings.TrimSpace(strings.TrimPrefix(string(b), "pid")); pid != "" {
		return "process " + pid
	}
	return "another process"
}
