package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A bug is compiled from the tree itself, not from a copy of it: the
// patched files are written to the bug's own folder, and go build's
// -overlay flag shows them to the compiler in place of the originals. Every
// other file keeps its path, so the packages the patch does not change, and
// those of the standard library, come from the build cache, and only the
// patched packages, those that import them and the test binary are built.

// overlay maps files of the tree (absolute paths) to what the compiler
// reads instead: another file, or "" for a file the patch deletes.
type overlay map[string]string

// Overlay applies the patch without changing the tree at root: each patched
// file goes into dir (which exists), and the overlay that puts it in place
// is returned. A file the patch changes twice is read back from dir.
func (p *Patch) Overlay(root, dir string) (overlay, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	ov := make(overlay)
	read := func(rel string) ([]byte, error) {
		path := filepath.Join(root, rel)
		if copy, ok := ov[path]; ok {
			if copy == "" {
				return nil, fmt.Errorf("%s: deleted earlier in the patch", rel)
			}
			path = copy
		}
		return os.ReadFile(path)
	}
	write := func(rel string, content []byte, deleted bool) error {
		path := filepath.Join(root, rel)
		if deleted {
			ov[path] = ""
			return nil
		}
		copy := filepath.Join(dir, "patched", strings.ReplaceAll(filepath.ToSlash(rel), "/", "__"))
		if err := os.MkdirAll(filepath.Dir(copy), 0o755); err != nil {
			return err
		}
		ov[path] = copy
		return os.WriteFile(copy, content, 0o644)
	}
	return ov, p.applyWith(read, write)
}

// write stores the overlay as the JSON file go build's -overlay flag reads,
// at path.
func (ov overlay) write(path string) error {
	b, err := json.Marshal(struct{ Replace overlay }{ov})
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
