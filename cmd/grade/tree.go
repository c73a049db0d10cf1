package main

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"miniraftkv/internal/testrun"
)

// moduleRoot returns the directory of the go.mod that governs dir.
func moduleRoot(dir string) (string, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	out, err := testrun.GoOutput(context.Background(), dir, "env", "GOMOD")
	if err != nil {
		return "", fmt.Errorf("in %s: %w", dir, err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("no go.mod in %s or above it: not a Go module", dir)
	}
	return filepath.Dir(gomod), nil
}

// testFuncNames lists the Test functions declared in Go files, in order,
// by parsing them: for a package that does not build, and for the tests
// of the course's own files. A file with syntax errors yields what parses.
func testFuncNames(files []string) []string {
	var names []string
	fset := token.NewFileSet()
	for _, path := range files {
		f, _ := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if f == nil {
			continue
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if ok && fn.Recv == nil && isTestName(fn.Name.Name) && fn.Type.Params.NumFields() == 1 {
				names = append(names, fn.Name.Name)
			}
		}
	}
	return names
}

// isTestName reports whether go test would run a function of this name:
// "Test", then nothing or a character that is not a lower-case letter.
func isTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	return ok && (rest == "" || !('a' <= rest[0] && rest[0] <= 'z'))
}

// workspace is where grading happens: the tree the tests are built from
// (the graded tree itself, or a copy with the course files), and folders
// for test binaries and the logs of failed runs.
type workspace struct {
	root      string   // the tree the tests are built from
	courseDir string   // -course-files; "" without
	binDir    string   // compiled test binaries
	logDir    string   // logs of failed runs
	autoLogs  bool     // logDir is a temporary folder: removed if it stays empty
	temp      []string // folders removed by cleanup
}

// newWorkspace prepares the folders. With -course-files it copies the tree
// at root and overlays the course files on the copy.
func newWorkspace(cfg config, root string, stderr io.Writer) (*workspace, error) {
	ws := &workspace{root: root, courseDir: cfg.courseFiles}
	var err error
	if ws.binDir, err = ws.tempDir("grade-bin-"); err != nil {
		return nil, err
	}
	if cfg.courseFiles != "" {
		if ws.root, err = ws.tempDir("grade-tree-"); err != nil {
			return nil, err
		}
		if err := overlayTree(root, cfg.courseFiles, ws.root, stderr); err != nil {
			ws.cleanup()
			return nil, err
		}
	}
	if cfg.out != "" {
		ws.logDir = cfg.out
		err = os.MkdirAll(cfg.out, 0o755)
	} else {
		ws.logDir, err = os.MkdirTemp("", "grade-logs-")
		ws.autoLogs = true
	}
	if err != nil {
		ws.cleanup()
		return nil, err
	}
	return ws, nil
}

func (ws *workspace) tempDir(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err == nil {
		ws.temp = append(ws.temp, dir)
	}
	return dir, err
}

// cleanup removes the temporary folders (and the log folder if it is ours
// and empty).
func (ws *workspace) cleanup() {
	for _, dir := range ws.temp {
		os.RemoveAll(dir)
	}
	if ws.autoLogs {
		os.Remove(ws.logDir) // fails, as it should, when logs were kept
	}
}

// keptLogs reports whether any log of a failed run was kept.
func (ws *workspace) keptLogs() bool {
	entries, err := os.ReadDir(ws.logDir)
	return err == nil && len(entries) > 0
}

// testFiles lists the test files whose Test functions are graded in pkg:
// the course's test file with -course-files, else all of the package's.
func (ws *workspace) testFiles(pkg string) []string {
	dir := filepath.Clean(pkg)
	if ws.courseDir != "" {
		var files []string
		for _, f := range courseFiles {
			if filepath.Dir(f) == dir && strings.HasSuffix(f, "_test.go") {
				files = append(files, filepath.Join(ws.root, f))
			}
		}
		return files
	}
	files, _ := filepath.Glob(filepath.Join(ws.root, dir, "*_test.go"))
	return files
}

// courseTestsOnly keeps, with -course-files, only the tests that the
// course's own test files declare: a test a student added cannot earn
// points. Without course files every test is kept.
func (ws *workspace) courseTestsOnly(pkg string, names []string, stderr io.Writer) []string {
	if ws.courseDir == "" {
		return names
	}
	declared := testFuncNames(ws.testFiles(pkg))
	var kept, dropped []string
	for _, n := range names {
		switch {
		case slices.Contains(declared, n):
			kept = append(kept, n)
		default:
			if _, _, ok := classify(pkg, n); ok {
				dropped = append(dropped, n)
			}
		}
	}
	if len(dropped) > 0 {
		fmt.Fprintf(stderr, "grade: not graded, not in the course's test files: %s\n", strings.Join(dropped, " "))
	}
	return kept
}
