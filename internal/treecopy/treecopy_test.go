package treecopy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree creates the files (slash path relative to dir -> content),
// each with mode 0o644.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), content, 0o644)
	}
}

// writeFile creates the file at path, and its folder, with exactly this mode.
func writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	err := errors.Join(os.MkdirAll(filepath.Dir(path), 0o755),
		os.WriteFile(path, []byte(content), mode), os.Chmod(path, mode))
	if err != nil {
		t.Fatal(err)
	}
}

// checkFile fails the test unless path is a regular file holding want.
func checkFile(t *testing.T, path, want string) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if !info.Mode().IsRegular() {
		t.Errorf("%s has mode %v, want a regular file", path, info.Mode())
		return
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != want {
		t.Errorf("%s holds %q (err %v), want %q", path, got, err, want)
	}
}

// checkAbsent fails the test if anything stands at path.
func checkAbsent(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("%s was copied (Lstat error %v)", path, err)
	}
}

func TestTreeCopiesNestedFiles(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "new")
	files := map[string]string{
		"go.mod":          "module x\n",
		"a/b/c/deep.go":   "package c\n",
		"a/sibling.txt":   "s\n",
		"empty.txt":       "",
		"a/b/other/o.txt": "o\n",
	}
	writeTree(t, src, files)
	if err := os.Mkdir(filepath.Join(src, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Tree(src, dst, Options{}); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		checkFile(t, filepath.Join(dst, name), content)
	}
	if info, err := os.Stat(filepath.Join(dst, "emptydir")); err != nil || !info.IsDir() {
		t.Errorf("empty folder not copied: %v", err)
	}
}

func TestTreeKeepsModes(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	modes := map[string]fs.FileMode{
		"script.sh": 0o755,
		"secret":    0o600,
		"plain.go":  0o644,
		"readonly":  0o444, // gains the owner's write bit
		"all":       0o777, // not cut down by the umask
	}
	want := map[string]fs.FileMode{"readonly": 0o644}
	for name, mode := range modes {
		writeFile(t, filepath.Join(src, name), name, mode)
	}
	if err := Tree(src, dst, Options{}); err != nil {
		t.Fatal(err)
	}
	for name, mode := range modes {
		if w, ok := want[name]; ok {
			mode = w
		}
		info, err := os.Stat(filepath.Join(dst, name))
		if err != nil || info.Mode().Perm() != mode {
			t.Errorf("copy of %s: mode %v (err %v), want %v", name, info.Mode().Perm(), err, mode)
		}
	}
}

func TestTreeSkip(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeTree(t, src, map[string]string{
		".git/HEAD":      "ref\n",
		"sub/.git":       "gitdir: elsewhere\n", // a worktree's .git is a file
		"sub/keep.go":    "package sub\n",
		"logs/a.log":     "x\n",
		"sub/logs/b.log": "y\n",
	})
	var asked []string
	skip := func(rel string, d fs.DirEntry) bool {
		asked = append(asked, rel)
		return d.Name() == ".git" || rel == "logs"
	}
	if err := Tree(src, dst, Options{Skip: skip}); err != nil {
		t.Fatal(err)
	}
	checkAbsent(t, filepath.Join(dst, ".git"))
	checkAbsent(t, filepath.Join(dst, "sub/.git"))
	checkAbsent(t, filepath.Join(dst, "logs"))
	checkFile(t, filepath.Join(dst, "sub/keep.go"), "package sub\n")
	checkFile(t, filepath.Join(dst, "sub/logs/b.log"), "y\n")
	for _, rel := range asked {
		if rel == "." || strings.HasPrefix(rel, ".git/") || strings.HasPrefix(rel, "logs/") || strings.Contains(rel, "\\") {
			t.Errorf("Skip was asked about %q: want neither the root nor what is inside a skipped folder, and slash paths", rel)
		}
	}
}

func TestTreeLinks(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{"real.go": "package x\n"})
	if err := os.Symlink("real.go", filepath.Join(src, "link.go")); err != nil {
		t.Fatal(err)
	}
	t.Run("skipped by default", func(t *testing.T) {
		dst := t.TempDir()
		if err := Tree(src, dst, Options{}); err != nil {
			t.Fatal(err)
		}
		checkFile(t, filepath.Join(dst, "real.go"), "package x\n")
		checkAbsent(t, filepath.Join(dst, "link.go"))
	})
	t.Run("copied as links", func(t *testing.T) {
		dst := t.TempDir()
		if err := Tree(src, dst, Options{Links: CopyLinks}); err != nil {
			t.Fatal(err)
		}
		if link, err := os.Readlink(filepath.Join(dst, "link.go")); err != nil || link != "real.go" {
			t.Errorf("link copied as %q, %v; want a link to real.go", link, err)
		}
	})
}

func TestTreeIntoItself(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{"a.go": "package a\n"})
	dst := filepath.Join(src, "copy")
	if err := Tree(src, dst+string(filepath.Separator), Options{}); err != nil {
		t.Fatal(err)
	}
	checkFile(t, filepath.Join(dst, "a.go"), "package a\n")
	checkAbsent(t, filepath.Join(dst, "copy"))
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.sh")
	writeFile(t, src, "echo\n", 0o755)
	dst := filepath.Join(dir, "new/folder/dst.sh")
	if err := File(src, dst); err != nil {
		t.Fatal(err)
	}
	checkFile(t, dst, "echo\n")
	if info, err := os.Stat(dst); err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("copy's mode %v (err %v), want 0755", info.Mode().Perm(), err)
	}
}

// TestFileReplacesLink checks that a link at the destination is replaced,
// not written through: overlaying a course file on a copied tree must not
// change the file the copied link points to.
func TestFileReplacesLink(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"original.go": "ours\n", "course.go": "course\n"})
	dst := filepath.Join(dir, "copy.go")
	if err := os.Symlink(filepath.Join(dir, "original.go"), dst); err != nil {
		t.Fatal(err)
	}
	if err := File(filepath.Join(dir, "course.go"), dst); err != nil {
		t.Fatal(err)
	}
	checkFile(t, dst, "course\n")
	checkFile(t, filepath.Join(dir, "original.go"), "ours\n")
}

func TestErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"src/a/f.go": "package a\n", "dst/a": "a file where a folder goes\n"})
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name string
		err  error
		path string
	}{
		{"missing source folder", Tree(missing, t.TempDir(), Options{}), missing},
		{"missing source file", File(missing, filepath.Join(dir, "out")), missing},
		{"source is a folder", File(filepath.Join(dir, "src"), filepath.Join(dir, "out")), filepath.Join(dir, "src")},
		{"file in the way of a folder", Tree(filepath.Join(dir, "src"), filepath.Join(dir, "dst"), Options{}), filepath.Join(dir, "dst/a")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || !strings.Contains(tc.err.Error(), tc.path) {
				t.Errorf("error %v: want one naming %s", tc.err, tc.path)
			}
		})
	}
}
