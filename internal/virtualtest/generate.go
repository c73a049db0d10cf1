package virtualtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
)

// wrapperPrefix starts the name of every wrapper: TestX is run in virtual
// time by TestVirtualX.
const wrapperPrefix = "TestVirtual"

// wrapperFile and xWrapperFile are the generated files' names in the
// package's directory, as the overlay shows them to the compiler: the
// wrappers of the package's own tests, and those of its external tests
// (package x_test).
const (
	wrapperFile  = "zz_virtualtime_test.go"
	xWrapperFile = "zz_virtualtime_x_test.go"
)

// enterFunc is the function a package's tester defines to take part.
const enterFunc = "enterVirtualTime"

// WrapperName returns the name of the wrapper that runs test in virtual time.
func WrapperName(test string) string {
	return wrapperPrefix + strings.TrimPrefix(test, "Test")
}

// IsWrapper reports whether name is a wrapper's name.
func IsWrapper(name string) bool {
	return strings.HasPrefix(name, wrapperPrefix)
}

// OriginalName returns the test a wrapper runs (name itself if it is not a
// wrapper's).
func OriginalName(name string) string {
	if !IsWrapper(name) {
		return name
	}
	return "Test" + strings.TrimPrefix(name, wrapperPrefix)
}

// Package is what the generator needs to know about one package.
type Package struct {
	Name         string   // the package clause
	Dir          string   // its source directory
	Module       string   // its module's path
	GoFiles      []string // non-test files, names relative to Dir
	TestGoFiles  []string // in-package test files, relative to Dir
	XTestGoFiles []string // external test files (package x_test), relative to Dir
}

// Load asks the go command (run in modDir, "" for the current directory)
// about pkg.
func Load(pkg, modDir string) (Package, error) {
	cmd := exec.Command("go", "list", "-json", pkg)
	cmd.Dir = modDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Package{}, fmt.Errorf("go list %s: %v\n%s", pkg, err, stderr.String())
	}
	var p struct {
		Name, Dir    string
		Module       struct{ Path string }
		GoFiles      []string
		TestGoFiles  []string
		XTestGoFiles []string
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return Package{}, fmt.Errorf("go list %s: %v (one package at a time)", pkg, err)
	}
	return Package{Name: p.Name, Dir: p.Dir, Module: p.Module.Path, GoFiles: p.GoFiles,
		TestGoFiles: p.TestGoFiles, XTestGoFiles: p.XTestGoFiles}, nil
}

// Supported returns nil if the package's tester can run in virtual time,
// or an error saying why not.
func Supported(p Package) error {
	for _, f := range p.GoFiles {
		decls, err := funcDecls(filepath.Join(p.Dir, f))
		if err != nil {
			return err
		}
		for _, d := range decls {
			if d.Recv == nil && d.Name.Name == enterFunc {
				return nil
			}
		}
	}
	return fmt.Errorf("%s: its tester (config.go) has no %s, so its tests cannot run in virtual time "+
		"(this project's raft and raftkv testers have it; a course's config.go does not, and leaves "+
		"goroutines running after each test, which a synctest bubble does not allow)", p.Dir, enterFunc)
}

// TestNames returns the tests of the given test files of the package, in
// source order: the functions TestX(t *testing.T), leaving out TestMain, any
// wrapper, and the tests that call t.Run or t.Parallel themselves, which a
// synctest bubble does not allow (they get no wrapper: run them in real
// time).
func TestNames(p Package, files []string) ([]string, error) {
	var names []string
	for _, f := range files {
		decls, err := funcDecls(filepath.Join(p.Dir, f))
		if err != nil {
			return nil, err
		}
		for _, d := range decls {
			if isTestFunc(d) && !startsSubtests(d) {
				names = append(names, d.Name.Name)
			}
		}
	}
	return names, nil
}

func funcDecls(path string) ([]*ast.FuncDecl, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var decls []*ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			decls = append(decls, fd)
		}
	}
	return decls, nil
}

// isTestFunc reports whether d is a test go test would run: TestX, X not
// starting with a lower-case letter, taking one *testing.T.
func isTestFunc(d *ast.FuncDecl) bool {
	name := d.Name.Name
	if d.Recv != nil || !strings.HasPrefix(name, "Test") || name == "TestMain" || IsWrapper(name) {
		return false
	}
	if rest := strings.TrimPrefix(name, "Test"); rest != "" && unicode.IsLower(rune(rest[0])) {
		return false
	}
	params := d.Type.Params.List
	if len(params) != 1 || len(params[0].Names) > 1 {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}

// startsSubtests reports whether test d calls Run or Parallel on its
// *testing.T. (A helper that does so is not seen; the bubble then panics
// with "t.Run called inside synctest bubble".)
func startsSubtests(d *ast.FuncDecl) bool {
	names := d.Type.Params.List[0].Names
	if len(names) == 0 || d.Body == nil {
		return false
	}
	param, found := names[0].Name, false
	ast.Inspect(d.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return !found
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Run" || sel.Sel.Name == "Parallel") {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == param {
				found = true
			}
		}
		return !found
	})
	return found
}

// Generate returns the source of a wrapper file for the tests, in package
// pkgName; enter is the function each wrapper passes to Run: the tester's
// enterVirtualTime for the package's own tests, a no-op for external tests,
// which cannot reach it (nor do they use the tester).
func Generate(p Package, pkgName string, tests []string, enter string) []byte {
	var b bytes.Buffer
	b.WriteString("//go:build go1.25\n\n")
	b.WriteString("// Code generated by internal/virtualtest for a run in virtual time. DO NOT EDIT.\n\n")
	b.WriteString("//go:debug asynctimerchan=0\n//go:debug randseednop=0\n\n")
	fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"testing\"\n\n\t%q\n)\n", pkgName, p.Module+"/internal/virtualtest")
	for _, name := range tests {
		fmt.Fprintf(&b, "\nfunc %s(t *testing.T) { virtualtest.Run(t, %s, %s) }\n", WrapperName(name), name, enter)
	}
	return b.Bytes()
}

// WriteOverlay writes the wrapper file of every test of the package, and the
// overlay that adds it to the package, into dir; it returns the overlay's
// path for go build's -overlay flag.
func WriteOverlay(p Package, dir string) (string, error) {
	replace, err := Wrappers(p, dir)
	if err != nil {
		return "", err
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, p.Name+"-virtualtime-overlay.json")
	return path, os.WriteFile(path, overlay, 0o644)
}

// Wrappers writes the wrapper file of every test of the package into dir
// and returns the entries of an overlay's Replace map that add them to the
// package (for a caller that has files of its own to overlay).
func Wrappers(p Package, dir string) (map[string]string, error) {
	if err := Supported(p); err != nil {
		return nil, err
	}
	replace := make(map[string]string)
	files := []struct {
		name, pkgName, enter string
		tests                []string
	}{
		{wrapperFile, p.Name, enterFunc, p.TestGoFiles},
		{xWrapperFile, p.Name + "_test", "func(int64) {}", p.XTestGoFiles},
	}
	for _, f := range files {
		tests, err := TestNames(p, f.tests)
		if err != nil {
			return nil, err
		}
		if len(tests) == 0 {
			continue
		}
		src := filepath.Join(dir, p.Name+"-"+f.name)
		if err := os.WriteFile(src, Generate(p, f.pkgName, tests, f.enter), 0o644); err != nil {
			return nil, err
		}
		replace[filepath.Join(p.Dir, f.name)] = src
	}
	return replace, nil
}
