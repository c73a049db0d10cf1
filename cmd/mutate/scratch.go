package main

import (
	"io/fs"

	"miniraftkv/internal/treecopy"
)

// skipDirs are not copied into a scratch tree: version control, the
// catalogue itself, and by-products of earlier runs.
var skipDirs = map[string]bool{".git": true, "mutations": true, "stress-logs": true, "mutate-logs": true}

// copyTree copies the regular files under src into dst (which exists),
// leaving out skipDirs at any depth. Symbolic links are left out too: a
// patch applied through one would change the tree it points to.
func copyTree(src, dst string) error {
	return treecopy.Tree(src, dst, treecopy.Options{
		Skip: func(_ string, d fs.DirEntry) bool { return d.IsDir() && skipDirs[d.Name()] },
	})
}
