package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// skipDirs are not copied into a scratch tree: version control, the
// catalogue itself, and by-products of earlier runs.
var skipDirs = map[string]bool{".git": true, "mutations": true, "stress-logs": true, "mutate-logs": true}

// copyTree copies the regular files under src into dst (which exists),
// leaving out skipDirs at any depth.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir() && rel != "." && skipDirs[d.Name()]:
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil // symlinks, sockets and the like are not source
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
