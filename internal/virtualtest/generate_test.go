package virtualtest

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrapperNamesRoundTrip(t *testing.T) {
	for _, name := range []string{"TestFigure82C", "TestX", "Test"} {
		w := WrapperName(name)
		if !IsWrapper(w) || OriginalName(w) != name {
			t.Errorf("%s: wrapper %s, back to %s", name, w, OriginalName(w))
		}
	}
	if OriginalName("TestBasic3A") != "TestBasic3A" {
		t.Errorf("OriginalName changed a name that is no wrapper's")
	}
}

// writePackage writes a small package with a tester hook, one in-package
// test file and one external test file into a new folder.
func writePackage(t *testing.T, withHook bool) Package {
	t.Helper()
	dir := t.TempDir()
	hook := ""
	if withHook {
		hook = "func enterVirtualTime(seed int64) {}\n"
	}
	files := map[string]string{
		"config.go": "package demo\n\n" + hook,
		"a_test.go": "package demo\n\nimport \"testing\"\n\n" +
			"func TestOne2A(t *testing.T) {}\nfunc TestMain(m *testing.M) {}\nfunc Testlower(t *testing.T) {}\n" +
			"func TestVirtualOne2A(t *testing.T) {}\nfunc helper(t *testing.T) {}\nfunc BenchmarkB(b *testing.B) {}\n" +
			"func TestTable(t *testing.T) { t.Run(\"case\", func(t *testing.T) {}) }\n",
		"x_test.go": "package demo_test\n\nimport \"testing\"\n\nfunc TestOutside(t *testing.T) {}\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Package{Name: "demo", Dir: dir, Module: "example.com/m", GoFiles: []string{"config.go"},
		TestGoFiles: []string{"a_test.go"}, XTestGoFiles: []string{"x_test.go"}}
}

func TestTestNamesKeepsOnlyTests(t *testing.T) {
	p := writePackage(t, true)
	got, err := TestNames(p, p.TestGoFiles)
	if err != nil || strings.Join(got, ",") != "TestOne2A" {
		t.Fatalf("TestNames = %v, %v; want [TestOne2A]", got, err)
	}
}

func TestSupportedNeedsTheHook(t *testing.T) {
	if err := Supported(writePackage(t, true)); err != nil {
		t.Errorf("a tester with %s: %v", enterFunc, err)
	}
	err := Supported(writePackage(t, false))
	if err == nil || !strings.Contains(err.Error(), "config.go") {
		t.Errorf("a tester without %s: got %v, want an error that names config.go", enterFunc, err)
	}
}

func TestWriteOverlayWrapsBothTestPackages(t *testing.T) {
	p := writePackage(t, true)
	out := t.TempDir()
	path, err := WriteOverlay(p, out)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var overlay struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &overlay); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		wrapperFile:  "func TestVirtualOne2A(t *testing.T) { virtualtest.Run(t, TestOne2A, enterVirtualTime) }",
		xWrapperFile: "func TestVirtualOutside(t *testing.T) { virtualtest.Run(t, TestOutside, func(int64) {}) }",
	}
	for name, line := range want {
		src, err := os.ReadFile(overlay.Replace[filepath.Join(p.Dir, name)])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), name, src, 0); err != nil {
			t.Errorf("%s does not parse: %v", name, err)
		}
		for _, s := range []string{line, "//go:debug asynctimerchan=0", "//go:debug randseednop=0", "//go:build go1.25"} {
			if !strings.Contains(string(src), s) {
				t.Errorf("%s lacks %q:\n%s", name, s, src)
			}
		}
	}
}
