package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// original is the file most tests patch.
const original = `package p

func A() int {
	return 1
}

func B() int {
	return 2
}
`

// patchAB changes both functions: two hunks, as git diff -U1 writes them.
const patchAB = `diff --git a/p/p.go b/p/p.go
index 1111111..2222222 100644
--- a/p/p.go
+++ b/p/p.go
@@ -3,3 +3,3 @@ package p
 func A() int {
-	return 1
+	return 10
 }
@@ -7,3 +7,4 @@ func A() int {
 func B() int {
-	return 2
+	x := 20
+	return x
 }
`

const patchedAB = `package p

func A() int {
	return 10
}

func B() int {
	x := 20
	return x
}
`

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustParse(t *testing.T, text string) *Patch {
	t.Helper()
	p, err := ParsePatch("test.patch", text)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParsePatch(t *testing.T) {
	p := mustParse(t, "some header text\n\n"+patchAB)
	if len(p.Files) != 1 {
		t.Fatalf("got %d files, want 1", len(p.Files))
	}
	fd := p.Files[0]
	if fd.OldPath != "p/p.go" || fd.NewPath != "p/p.go" {
		t.Errorf("paths %q -> %q, want p/p.go both", fd.OldPath, fd.NewPath)
	}
	if len(fd.Hunks) != 2 {
		t.Fatalf("got %d hunks, want 2", len(fd.Hunks))
	}
	h := fd.Hunks[1]
	if h.OldStart != 7 || h.OldLines != 3 || h.NewStart != 7 || h.NewLines != 4 {
		t.Errorf("second hunk header %+v", h)
	}
	if got := strings.Join(h.New, "|"); got != "func B() int {|\tx := 20|\treturn x|}" {
		t.Errorf("second hunk's new side %q", got)
	}
}

func TestParsePatchErrors(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"no changes", "just words\n", "no file changes"},
		{"no +++ line", "--- a/x.go\n@@ -1 +1 @@\n-a\n+b\n", "not followed by a +++ line"},
		{"hunk cut short", "--- a/x.go\n+++ b/x.go\n@@ -1,3 +1,3 @@\n a\n-b\n", "patch ends after"},
		{"bad body line", "--- a/x.go\n+++ b/x.go\n@@ -1,2 +1,2 @@\n a\n*b\n", "ends early"},
		{"hunk before a file", "@@ -1 +1 @@\n-a\n+b\n", "hunk outside a file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePatch("bad.patch", c.text)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bad.patch") {
				t.Fatalf("error %v, want one naming bad.patch and saying %q", err, c.want)
			}
		})
	}
}

func TestApplyAtTheNamedLines(t *testing.T) {
	root := writeTree(t, map[string]string{"p/p.go": original})
	if err := mustParse(t, patchAB).Apply(root); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "p/p.go")); got != patchedAB {
		t.Fatalf("patched file:\n%s\nwant:\n%s", got, patchedAB)
	}
}

func TestApplyWithOffsetLines(t *testing.T) {
	// Three lines added above both hunks, and one between them: each hunk
	// is found away from the line its header names.
	shifted := strings.Replace(original, "package p\n", "package p\n\n// One.\n// Two.\n", 1)
	shifted = strings.Replace(shifted, "}\n\nfunc B", "}\n\n// Between.\nfunc B", 1)
	root := writeTree(t, map[string]string{"p/p.go": shifted})
	if err := mustParse(t, patchAB).Apply(root); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(patchedAB, "package p\n", "package p\n\n// One.\n// Two.\n", 1)
	want = strings.Replace(want, "}\n\nfunc B", "}\n\n// Between.\nfunc B", 1)
	if got := readFile(t, filepath.Join(root, "p/p.go")); got != want {
		t.Fatalf("patched file:\n%s\nwant:\n%s", got, want)
	}
}

func TestApplyContextMismatch(t *testing.T) {
	changed := strings.Replace(original, "return 2", "return 3", 1)
	root := writeTree(t, map[string]string{"p/p.go": changed})
	err := mustParse(t, patchAB).Apply(root)
	if err == nil {
		t.Fatal("a hunk whose removed line is not in the file applied")
	}
	for _, want := range []string{"test.patch", "p/p.go", "hunk 2", `"\treturn 2"`, `"\treturn 3"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestApplyMissingFile(t *testing.T) {
	root := writeTree(t, map[string]string{"p/other.go": original})
	err := mustParse(t, patchAB).Apply(root)
	if err == nil || !strings.Contains(err.Error(), "test.patch") || !strings.Contains(err.Error(), "p/p.go") {
		t.Fatalf("error %v, want one naming the patch and the missing file", err)
	}
}

func TestApplyNewAndDeletedFiles(t *testing.T) {
	root := writeTree(t, map[string]string{"old.go": "package p\n"})
	text := "--- /dev/null\n+++ b/q/new.go\n@@ -0,0 +1,2 @@\n+package q\n+\n" +
		"--- a/old.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-package p\n"
	if err := mustParse(t, text).Apply(root); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "q/new.go")); got != "package q\n\n" {
		t.Errorf("new file holds %q", got)
	}
	if _, err := os.Stat(filepath.Join(root, "old.go")); !os.IsNotExist(err) {
		t.Errorf("deleted file still there (stat: %v)", err)
	}
}

func TestApplyNoNewlineAtEnd(t *testing.T) {
	root := writeTree(t, map[string]string{"x.txt": "a\nb\n"})
	text := "--- a/x.txt\n+++ b/x.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n"
	if err := mustParse(t, text).Apply(root); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "x.txt")); got != "a\nc" {
		t.Errorf("file holds %q, want \"a\\nc\"", got)
	}
}

func TestApplyHunksInOrder(t *testing.T) {
	// The same context twice: the second hunk must apply after the first,
	// even though the earlier copy is closer to the line it names.
	lines := []string{"x", "y", "x", "y"}
	hunks := []Hunk{
		{OldStart: 1, OldLines: 2, NewStart: 1, NewLines: 2, Old: []string{"x", "y"}, New: []string{"x", "Y1"}},
		{OldStart: 1, OldLines: 2, NewStart: 1, NewLines: 2, Old: []string{"x", "y"}, New: []string{"x", "Y2"}},
	}
	out, err := applyHunks(lines, hunks)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out, ","); got != "x,Y1,x,Y2" {
		t.Fatalf("got %s, want x,Y1,x,Y2", got)
	}
}
