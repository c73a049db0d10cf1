package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The tiny module the end-to-end test mutates.
var tinyModule = map[string]string{
	"go.mod": "module tiny\n\ngo 1.22\n",
	"calc/calc.go": `package calc

// Add adds.
func Add(a, b int) int {
	return a + b
}
`,
	"calc/calc_test.go": `package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(2, 3) != 5 {
		t.Fatal("2+3 != 5")
	}
}

func TestOther(t *testing.T) {}

func TestAddAgain(t *testing.T) {
	if Add(1, 1) != 2 {
		t.Fatal("1+1 != 2")
	}
}
`,
}

// tinyPatch makes a catalogue entry that replaces line with repl in calc.go.
func tinyPatch(tests, line, repl string) string {
	return "Bug: b\nKind: safety\nTests: ./calc " + tests + "\n\n" +
		"--- a/calc/calc.go\n+++ b/calc/calc.go\n@@ -3,4 +3,4 @@\n // Add adds.\n func Add(a, b int) int {\n" +
		"-" + line + "\n+" + repl + "\n }\n"
}

// TestRunTinyModule runs the whole command on a tiny module, one bug of each
// outcome: it builds test binaries, so it is skipped with -short.
func TestRunTinyModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds test binaries")
	}
	files := map[string]string{
		"mutations/01-kill.patch":      tinyPatch("TestAdd", "\treturn a + b", "\treturn a - b"),
		"mutations/02-survive.patch":   tinyPatch("TestOther", "\treturn a + b", "\treturn b + a"),
		"mutations/03-broken.patch":    tinyPatch("TestAdd", "\treturn a * b", "\treturn a - b"),
		"mutations/04-notest.patch":    tinyPatch("TestMissing", "\treturn a + b", "\treturn a - b"),
		"mutations/05-nocompile.patch": tinyPatch("TestAdd", "\treturn a + b", "\treturn a +"),
		// Both tests kill it; the header's first runs first, not the file's.
		"mutations/06-order.patch": tinyPatch("TestAddAgain, TestAdd", "\treturn a + b", "\treturn a - b"),
	}
	for name, content := range tinyModule {
		files[name] = content
	}
	root := writeTree(t, files)
	var stdout, stderr bytes.Buffer
	status := run(context.Background(), []string{"-root", root, "-safety-runs", "2", "-logs", filepath.Join(root, "logs")}, &stdout, &stderr)
	if status != 1 {
		t.Errorf("exit status %d, want 1 (a bug survived)", status)
	}
	out := stdout.String()
	rows := map[string]string{
		"01-kill":      "killed TestAdd 1/2",
		"02-survive":   "SURVIVED - 2/2",
		"03-broken":    "BROKEN patch 03-broken: file calc/calc.go: hunk 1 (@@ -3,4 +3,4 @@) does not apply",
		"04-notest":    "NO TEST missing ./calc TestMissing",
		"05-nocompile": "BROKEN patched ./calc does not compile",
		"06-order":     "killed TestAddAgain 1/2",
	}
	for name, want := range rows {
		if row := rowOf(out, name); !strings.Contains(row, want) {
			t.Errorf("row of %s is %q, want it to hold %q", name, row, want)
		}
	}
	if !strings.Contains(out, "6 bugs: 2 killed, 1 SURVIVED, 2 BROKEN, 1 NO TEST") {
		t.Errorf("matrix lacks the summary:\n%s", out)
	}
	if log := readFile(t, filepath.Join(root, "logs", "01-kill-run01.log")); !strings.Contains(log, "2+3 != 5") {
		t.Errorf("kept log of the killing run lacks the failure:\n%s", log)
	}

	stdout.Reset()
	status = run(context.Background(), []string{"-root", root, "-check", "-only", "01,02,04"}, &stdout, &stderr)
	if status != 0 || !strings.Contains(stdout.String(), "3 bugs: 3 ok") ||
		!strings.Contains(stdout.String(), "warning: no such test yet: TestMissing") {
		t.Errorf("-check: exit status %d, matrix:\n%s", status, stdout.String())
	}
}

// rowOf returns the matrix row of bug name with its columns joined by
// single spaces.
func rowOf(matrix, name string) string {
	for _, line := range strings.Split(matrix, "\n") {
		if fields := strings.Fields(line); len(fields) > 0 && fields[0] == name {
			return strings.Join(fields, " ")
		}
	}
	return ""
}
