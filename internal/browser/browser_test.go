package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// page writes html to a file and returns its URL.
func page(t *testing.T, html string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + path
}

// TestScriptRunsAndClicksArrive opens a page whose script counts clicks
// on a button, clicks it with the mouse and reads the count.
func TestScriptRunsAndClicksArrive(t *testing.T) {
	b := Start(t, 800, 600)
	url := page(t, `<!DOCTYPE html><html><body>
<button id="b" style="position:absolute;left:10px;top:10px;width:100px;height:40px">x</button>
<script>let clicks = 0; document.getElementById("b").addEventListener("click", function () { clicks++; });</script>
</body></html>`)
	if err := b.Open(url); err != nil {
		t.Fatal(err)
	}
	if err := b.Click(50, 30); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.Eval("clicks", &n); err != nil || n != 1 {
		t.Fatalf("clicks = %d (%v), want 1", n, err)
	}
	if errs := b.Errors(); len(errs) != 0 {
		t.Fatalf("page reported errors: %q", errs)
	}
	shot := filepath.Join(t.TempDir(), "shot.png")
	if err := b.Screenshot(shot, Rect{0, 0, 200, 100}); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(shot); err != nil || !strings.HasPrefix(string(data), "\x89PNG") {
		t.Fatalf("screenshot is not a PNG (%v)", err)
	}
}

// TestScriptErrorsAreReported opens pages whose scripts fail, to parse and
// while running, and one that logs a console error.
func TestScriptErrorsAreReported(t *testing.T) {
	b := Start(t, 800, 600)
	cases := []struct{ name, script, want string }{
		{"syntax", `const x = ;`, "SyntaxError"},
		{"thrown", `null.f();`, "TypeError"},
		{"console", `console.error("bad", 42);`, "console.error: bad 42"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := b.Open(page(t, "<html><body><script>"+c.script+"</script></body></html>")); err != nil {
				t.Fatal(err)
			}
			errs := b.Errors()
			if len(errs) != 1 || !strings.Contains(errs[0], c.want) {
				t.Fatalf("errors %q, want one with %q", errs, c.want)
			}
		})
	}
	if err := b.Eval(`undefinedName + 1`, nil); err == nil || !strings.Contains(err.Error(), "ReferenceError") {
		t.Fatalf("Eval of a bad expression: %v, want a ReferenceError", err)
	}
}
