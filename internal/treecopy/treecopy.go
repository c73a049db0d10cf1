// Package treecopy copies files and folder trees for the course-kit tools:
// cmd/grade copies the graded tree before laying a course's files over it,
// and cmd/handout copies the files of a handout.
//
//	err := treecopy.Tree(root, scratch, treecopy.Options{
//		Skip: func(rel string, d fs.DirEntry) bool { return d.Name() == ".git" },
//	})
//	err = treecopy.File(courseFile, filepath.Join(scratch, "raft/config.go"))
//
// A copy is made to be changed: files keep their permission bits plus the
// owner's write bit, and folders get the owner's full access, so that a
// course's files can be laid over the copy and the copy removed afterwards. Writing
// a file replaces whatever stood at the destination, so that a symbolic
// link there is replaced, never written through into the tree it points to.
//
// Errors name the path they are about.
package treecopy

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// LinkPolicy says what Tree does with a symbolic link.
type LinkPolicy int

const (
	// SkipLinks leaves symbolic links out of the copy.
	SkipLinks LinkPolicy = iota
	// CopyLinks makes each symbolic link again in the copy, with the same
	// target (a relative target then points into the copy).
	CopyLinks
)

// Options say what Tree leaves out. The zero value copies every regular
// file and folder and leaves symbolic links out.
type Options struct {
	// Skip, if set, is asked about every entry below the source folder,
	// with its slash-separated path relative to that folder. Returning
	// true leaves the entry out; a folder is left out with everything in it.
	Skip func(rel string, d fs.DirEntry) bool
	// Links says what to do with symbolic links.
	Links LinkPolicy
}

// Tree copies the folder src into dst, making dst if need be. Sockets,
// devices and named pipes are left out: they are not source. When dst lies
// inside src it is not copied into itself.
func Tree(src, dst string, opt Options) error {
	dst = filepath.Clean(dst)
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err // WalkDir's errors name the path
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if rel != "." && opt.Skip != nil && opt.Skip(filepath.ToSlash(rel), d) {
			return skipEntry(d)
		}
		if d.IsDir() && path == dst && rel != "." {
			return filepath.SkipDir
		}
		return copyEntry(path, filepath.Join(dst, rel), d, opt.Links)
	})
}

// skipEntry leaves an entry out of a walk: SkipDir for a folder, nil for
// anything else.
func skipEntry(d fs.DirEntry) error {
	if d.IsDir() {
		return filepath.SkipDir
	}
	return nil
}

// copyEntry copies one entry of a walk to target; its folder exists.
func copyEntry(path, target string, d fs.DirEntry, links LinkPolicy) error {
	info, err := d.Info()
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	switch mode := info.Mode(); {
	case mode.IsDir():
		return os.MkdirAll(target, mode.Perm()|0o700)
	case mode&fs.ModeSymlink != 0 && links == CopyLinks:
		link, err := os.Readlink(path)
		if err != nil {
			return err
		}
		if err := removeExisting(target); err != nil {
			return err
		}
		return os.Symlink(link, target)
	case mode.IsRegular():
		return copyFile(path, target, mode.Perm())
	}
	return nil
}

// File copies the content of the file src (following a symbolic link) to
// dst, making dst's folder if need be. dst keeps src's permission bits plus
// the owner's write bit; whatever stood at dst before is replaced.
func File(src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", src)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return copyFile(src, dst, info.Mode().Perm())
}

// copyFile writes a new file dst, mode perm plus the owner's write bit,
// with the content of src. It removes dst first rather than truncating it,
// so that a link at dst is replaced, not followed, and a read-only file
// there is no obstacle.
func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := removeExisting(dst); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	// OpenFile's mode went through the umask; the copy should not.
	return os.Chmod(dst, perm|0o200)
}

// removeExisting removes the file or link at path, if there is one.
func removeExisting(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
