package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// function is one function or method found in a Go file.
type function struct {
	where string // file:name, for messages
	key   string // normalised body
	body  *ast.BlockStmt
}

// parseFunctions returns every function and method declared in the Go file
// at file, with a body, normalised by normaliseBody.
func parseFunctions(t *testing.T, file string) []function {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0) // no comments: they must not matter
	if err != nil {
		t.Fatal(err)
	}
	var funcs []function
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		funcs = append(funcs, function{
			where: filepath.Base(file) + ":" + fd.Name.Name,
			key:   normaliseBody(t, fd.Body),
			body:  fd.Body,
		})
	}
	return funcs
}

// normaliseBody prints body with every identifier replaced by a number
// given in order of first appearance, so that two bodies that differ only
// in names (a renamed variable, receiver or field) print alike. Layout and
// comments never count: the body is reprinted from the syntax tree.
func normaliseBody(t *testing.T, body *ast.BlockStmt) string {
	t.Helper()
	body = cloneBody(t, body)
	numbers := map[string]int{}
	ast.Inspect(body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if _, seen := numbers[id.Name]; !seen {
				numbers[id.Name] = len(numbers)
			}
			id.Name = fmt.Sprintf("id%d", numbers[id.Name])
		}
		return true
	})
	var buf bytes.Buffer
	if err := printer.Fprint(&buf, token.NewFileSet(), body); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// cloneBody returns a copy of body to rename in, by printing and reparsing.
func cloneBody(t *testing.T, body *ast.BlockStmt) *ast.BlockStmt {
	t.Helper()
	var buf bytes.Buffer
	if err := printer.Fprint(&buf, token.NewFileSet(), body); err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc f() "+buf.String(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return f.Decls[0].(*ast.FuncDecl).Body
}

// trivialBody reports whether a body is too small to be anyone's logic, so
// that matching it proves nothing: no statement at all, or one return
// statement that calls nothing (return true, return kv.rf). After
// normalisation such bodies coincide by the dozen (return true and return
// nil both print "return id0"), and the starting files need a few of them:
// CondInstallSnapshot returns true as the API prescribes, and the Raft()
// accessor returns the field the API names.
func trivialBody(body *ast.BlockStmt) bool {
	if len(body.List) == 0 {
		return true
	}
	if len(body.List) > 1 {
		return false
	}
	ret, ok := body.List[0].(*ast.ReturnStmt)
	if !ok {
		return false
	}
	calls := false
	ast.Inspect(ret, func(n ast.Node) bool {
		if _, ok := n.(*ast.CallExpr); ok {
			calls = true
		}
		return !calls
	})
	return !calls
}

func TestNormaliseBodyIgnoresNamesAndComments(t *testing.T) {
	a := parseFunctions(t, writeGo(t, `package p
func (rf *Raft) f(x int) int {
	rf.mu.Lock() // lock
	defer rf.mu.Unlock()
	return rf.term + x
}`))
	b := parseFunctions(t, writeGo(t, `package q
func (kv *Server) g(y int) int {
	kv.lock.Lock()
	defer kv.lock.Unlock()

	/* the same shape, other names */
	return kv.count + y
}`))
	c := parseFunctions(t, writeGo(t, `package q
func (kv *Server) g(y int) int {
	kv.lock.Lock()
	defer kv.lock.Unlock()
	return kv.count - y
}`))
	if a[0].key != b[0].key {
		t.Errorf("renamed copy not recognised:\n%s\n%s", a[0].key, b[0].key)
	}
	if a[0].key == c[0].key {
		t.Errorf("different bodies normalised alike:\n%s", a[0].key)
	}
}

func TestTrivialBody(t *testing.T) {
	funcs := parseFunctions(t, writeGo(t, `package p
func empty() {}
func constant() bool { return true }
func field() int { return s.f }
func call() bool { return s.dead.Load() }
func assign() { x = 1 }
func two() int { x = 1; return x }`))
	want := map[string]bool{"empty": true, "constant": true, "field": true, "call": false, "assign": false, "two": false}
	for _, f := range funcs {
		name := strings.TrimPrefix(f.where, "x.go:")
		if got := trivialBody(f.body); got != want[name] {
			t.Errorf("trivialBody(%s) = %v, want %v", name, got, want[name])
		}
	}
}

func writeGo(t *testing.T, src string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "x.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// sourceRoot is the module this test belongs to.
const sourceRoot = "../.."

// generated writes the handout of this module into a temporary folder.
func generated(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	if err := generate(sourceRoot, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// droppedFiles returns the Go files of the student packages that the
// handout leaves out (the solution and its white-box tests).
func droppedFiles(t *testing.T) []string {
	t.Helper()
	files, err := listFiles(sourceRoot)
	if err != nil {
		t.Fatal(err)
	}
	var dropped []string
	for _, rel := range files {
		if !studentPackages[path.Dir(rel)] || !strings.HasSuffix(rel, ".go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(sourceRoot, rel))
		if err != nil {
			t.Fatal(err)
		}
		keep, err := isFrameworkFile(rel, src)
		if err != nil {
			t.Fatal(err)
		}
		if !keep {
			dropped = append(dropped, rel)
		}
	}
	return dropped
}

// startingFunctions returns the functions of the handout's non-test Go
// files in the student packages, apart from the tester files: the starting
// files' functions.
func startingFunctions(t *testing.T, out string) map[string]function {
	t.Helper()
	byKey := map[string]function{}
	for pkg := range studentPackages {
		names, err := filepath.Glob(filepath.Join(out, pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			rel := pkg + "/" + filepath.Base(name)
			if strings.HasSuffix(rel, "_test.go") || testerFiles[rel] {
				continue
			}
			for _, f := range parseFunctions(t, name) {
				byKey[f.key] = f
			}
		}
	}
	return byKey
}

// TestHandoutHoldsNoSolution: no function of the solution (the non-test
// files of raft and raftkv that the handout drops) has the same normalised
// body as a function of the starting files, unless the body is trivial; and
// no dropped file, test or not, reappears whole anywhere in the handout.
func TestHandoutHoldsNoSolution(t *testing.T) {
	out := generated(t)
	starting := startingFunctions(t, out)
	if len(starting) < 15 {
		t.Fatalf("found only %d functions in the starting files; is the handout complete?", len(starting))
	}
	compared := 0
	for _, rel := range droppedFiles(t) {
		if strings.HasSuffix(rel, "_test.go") {
			continue
		}
		for _, f := range parseFunctions(t, filepath.Join(sourceRoot, rel)) {
			if trivialBody(f.body) {
				continue
			}
			compared++
			if s, ok := starting[f.key]; ok {
				t.Errorf("%s of the solution (%s) has the same body as %s of the starting files", f.where, rel, s.where)
			}
		}
	}
	if compared < 100 {
		t.Errorf("compared only %d solution functions; the solution has far more", compared)
	}
	checkNoWholeFile(t, out, droppedFiles(t))
}

// checkNoWholeFile fails if the content of any dropped file is the content
// of a file of the handout.
func checkNoWholeFile(t *testing.T, out string, dropped []string) {
	t.Helper()
	solution := map[string]string{}
	for _, rel := range dropped {
		data, err := os.ReadFile(filepath.Join(sourceRoot, rel))
		if err != nil {
			t.Fatal(err)
		}
		solution[string(data)] = rel
	}
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel, ok := solution[string(data)]; ok {
			t.Errorf("the handout's %s is the solution's %s", p, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGeneratedHandoutLayout checks the generated handout of this module as
// a student receives it.
func TestGeneratedHandoutLayout(t *testing.T) {
	out := generated(t)
	same := []string{"go.mod", "Makefile", ".ci/run", "raft/config.go", "raft/persister.go",
		"raft/test_test.go", "raft/paper_test.go", "raftkv/config.go", "labrpc/network.go"}
	for _, rel := range same {
		checkSameFile(t, filepath.Join(sourceRoot, rel), filepath.Join(out, rel))
	}
	checkSameFile(t, filepath.Join(sourceRoot, "handout/README.md"), filepath.Join(out, "README.md"))
	checkSameFile(t, filepath.Join(sourceRoot, "handout/raft/raft.go"), filepath.Join(out, "raft/raft.go"))
	checkSameFile(t, filepath.Join(sourceRoot, "handout/cmd/raftkvd/membership.go"), filepath.Join(out, "cmd/raftkvd/membership.go"))
	for _, rel := range []string{"handout", "cmd/handout", "raft/log.go", "raft/log_test.go", "raftkv/apply.go"} {
		if _, err := os.Stat(filepath.Join(out, rel)); !os.IsNotExist(err) {
			t.Errorf("%s is in the handout (stat: %v)", rel, err)
		}
	}
	if info, err := os.Stat(filepath.Join(out, ".ci/run")); err != nil || info.Mode().Perm()&0o100 == 0 {
		t.Errorf(".ci/run lost its execute bit (stat: %v)", err)
	}
}

func checkSameFile(t *testing.T, want, got string) {
	t.Helper()
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	g, err := os.ReadFile(got)
	if err != nil {
		t.Errorf("the handout lacks %s: %v", got, err)
		return
	}
	if !bytes.Equal(w, g) {
		t.Errorf("%s differs from %s", got, want)
	}
}
