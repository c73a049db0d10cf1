package main

import (
	"fmt"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"miniraftkv/internal/treecopy"
)

// A course grades with its own copies of the five course files
// (docs/course-files.md). They come as the course wrote them: their imports
// name the course's module ("6.5840/labrpc", or "labrpc" in a GOPATH-era
// course), the KV package may be called kvraft, and the KV tester of 2021
// and later imports packages of the course's own (porcupine, models) that
// the course ships beside them. Grade adapts a copy of them to this module.

// courseFiles are the five files a course replaces with its own copies, as
// paths relative to the module root. -course-files DIR holds them at the
// same paths (the KV package's files may be in DIR/kvraft instead).
var courseFiles = []string{
	"raft/config.go", "raft/test_test.go", "raft/persister.go",
	"raftkv/config.go", "raftkv/test_test.go",
}

// courseFolderAliases are the course's names of our package folders.
var courseFolderAliases = map[string]string{"kvraft": "raftkv"}

// courseSource returns where DIR holds the course's copy of f, or "".
func courseSource(dir, f string) string {
	candidates := []string{filepath.Join(dir, f)}
	for alias, ours := range courseFolderAliases {
		if pkg, base, _ := strings.Cut(f, "/"); pkg == ours {
			candidates = append(candidates, filepath.Join(dir, alias, base))
		}
	}
	for _, c := range candidates {
		if info, err := os.Stat(c); err == nil && info.Mode().IsRegular() {
			return c
		}
	}
	return ""
}

// checkCourseFiles makes sure dir holds all five course files.
func checkCourseFiles(dir string) error {
	var missing []string
	for _, f := range courseFiles {
		if courseSource(dir, f) == "" {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("-course-files %s lacks %s (want all of %s, at those paths under it; kvraft/ may stand for raftkv/)",
			dir, strings.Join(missing, ", "), strings.Join(courseFiles, ", "))
	}
	return nil
}

// overlayTree copies the module tree at root into the new directory dst
// (leaving out .git), overwrites the course files there with those in
// courseDir, carries the other package folders of courseDir into the copy,
// and adapts the imports and package clauses of what it brought. The tree
// at root is only read: a link in the copy stays a link, and a course file
// replaces it rather than writing through it. What it did is said on log.
func overlayTree(root, courseDir, dst string, log io.Writer) error {
	notGit := treecopy.Options{
		Skip:  func(_ string, d fs.DirEntry) bool { return d.Name() == ".git" }, // a worktree's .git is a file
		Links: treecopy.CopyLinks,
	}
	if err := treecopy.Tree(root, dst, notGit); err != nil {
		return fmt.Errorf("copying %s: %v", root, err)
	}
	var brought []string // Go files placed in dst, relative to it
	for _, f := range courseFiles {
		if err := treecopy.File(courseSource(courseDir, f), filepath.Join(dst, f)); err != nil {
			return fmt.Errorf("course file %s: %v", f, err)
		}
		brought = append(brought, f)
	}
	module, err := modulePath(dst)
	if err != nil {
		return err
	}
	carried, err := carryPackages(courseDir, dst, module, log)
	if err != nil {
		return err
	}
	for _, f := range append(brought, carried...) {
		if err := adaptFile(dst, module, f, log); err != nil {
			return err
		}
	}
	return nil
}

// modulePath returns the module path that tree's go.mod declares.
func modulePath(tree string) (string, error) {
	data, err := os.ReadFile(filepath.Join(tree, "go.mod"))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s: no module line", filepath.Join(tree, "go.mod"))
}

// carryPackages copies each folder of courseDir that holds Go files and is
// not one of the course files' folders into dst, unless dst has a folder
// of that name already (ours is then kept). It returns the Go files copied.
func carryPackages(courseDir, dst, module string, log io.Writer) ([]string, error) {
	entries, err := os.ReadDir(courseDir)
	if err != nil {
		return nil, err
	}
	var carried []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || isCourseFolder(name) || !hasGoFiles(filepath.Join(courseDir, name)) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dst, name)); err == nil {
			fmt.Fprintf(log, "grade: kept this tree's own %s/; the course's %s was not used\n", name, filepath.Join(courseDir, name))
			continue
		}
		if err := treecopy.Tree(filepath.Join(courseDir, name), filepath.Join(dst, name), treecopy.Options{}); err != nil {
			return nil, fmt.Errorf("carrying %s: %v", filepath.Join(courseDir, name), err)
		}
		files, _ := filepath.Glob(filepath.Join(dst, name, "*.go"))
		for _, f := range files {
			rel, _ := filepath.Rel(dst, f)
			carried = append(carried, rel)
		}
		fmt.Fprintf(log, "grade: carried the course's package %s/ into the graded tree as %s/%s\n", name, module, name)
	}
	return carried, nil
}

func isCourseFolder(name string) bool {
	if _, ok := courseFolderAliases[name]; ok {
		return true
	}
	return slices.ContainsFunc(courseFiles, func(f string) bool { return path.Dir(f) == name })
}

func hasGoFiles(dir string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(files) > 0
}

// adaptFile rewrites, in the Go file rel of tree, the imports of the
// course's packages to this module's paths, and a package clause that
// names the folder's package otherwise (kvraft for raftkv).
func adaptFile(tree, module, rel string, log io.Writer) error {
	file := filepath.Join(tree, rel)
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ImportsOnly)
	if err != nil {
		return nil // the build will say what is wrong with it
	}
	var edits []edit
	for _, imp := range f.Imports {
		old, _ := strconv.Unquote(imp.Path.Value)
		if ours, ok := ourImport(tree, module, old); ok {
			edits = append(edits, edit{fset.Position(imp.Path.Pos()).Offset, fset.Position(imp.Path.End()).Offset, strconv.Quote(ours)})
			fmt.Fprintf(log, "grade: %s: import %q -> %q\n", rel, old, ours)
		}
	}
	if want := folderPackage(tree, filepath.Dir(rel)); want != "" {
		name := f.Name.Name
		base, external := strings.CutSuffix(name, "_test")
		if base != want {
			edits = append(edits, edit{fset.Position(f.Name.Pos()).Offset, fset.Position(f.Name.End()).Offset,
				want + map[bool]string{true: "_test"}[external]})
			fmt.Fprintf(log, "grade: %s: package %s -> %s\n", rel, base, want)
		}
	}
	if len(edits) == 0 {
		return nil
	}
	return os.WriteFile(file, applyEdits(src, edits), 0o644)
}

// ourImport maps an import path of a course's file to a path of module,
// the graded tree's: "6.5840/labrpc" (a module path whose first element has
// a dot) and "labrpc" (GOPATH style) both become "miniraftkv/labrpc" when
// the tree has that folder; "6.5840/kvraft" becomes "miniraftkv/raftkv".
// The standard library and the module's own paths are left alone.
func ourImport(tree, module, p string) (string, bool) {
	if p == module || strings.HasPrefix(p, module+"/") {
		return "", false
	}
	first, rest, _ := strings.Cut(p, "/")
	switch {
	case strings.Contains(first, "."):
		if rest == "" {
			return "", false
		}
		first, rest, _ = strings.Cut(rest, "/")
	case isStandard(p):
		return "", false
	}
	if alias, ok := courseFolderAliases[first]; ok {
		first = alias
	}
	if info, err := os.Stat(filepath.Join(tree, first)); err != nil || !info.IsDir() {
		return "", false
	}
	return path.Join(module, first, rest), true
}

// isStandard reports whether p is a package of Go's standard library.
func isStandard(p string) bool {
	info, err := os.Stat(filepath.Join(build.Default.GOROOT, "src", filepath.FromSlash(p)))
	return err == nil && info.IsDir()
}

// folderPackage returns the package name of the non-test Go files of the
// folder dir of tree, the course files aside, or "".
func folderPackage(tree, dir string) string {
	files, _ := filepath.Glob(filepath.Join(tree, dir, "*.go"))
	for _, f := range files {
		rel := path.Join(filepath.ToSlash(dir), filepath.Base(f))
		if strings.HasSuffix(f, "_test.go") || slices.Contains(courseFiles, rel) {
			continue
		}
		if pf, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly); err == nil {
			return pf.Name.Name
		}
	}
	return ""
}

// edit replaces src[from:to] with text.
type edit struct {
	from, to int
	text     string
}

// applyEdits applies non-overlapping edits, given in source order.
func applyEdits(src []byte, edits []edit) []byte {
	slices.SortFunc(edits, func(a, b edit) int { return a.from - b.from })
	var out []byte
	at := 0
	for _, e := range edits {
		out = append(append(out, src[at:e.from]...), e.text...)
		at = e.to
	}
	return append(out, src[at:]...)
}
