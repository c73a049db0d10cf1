package main

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"miniraftkv/internal/browser"
)

// sampleLog is the debug log of one run of TestFailAgree2B, written by
// RAFT_DEBUG=1 go test -v -run TestFailAgree2B ./raft.
const sampleLog = "testdata/failagree2b.log"

// TestColumnsInBrowser lays out the sample log in colour, as raftlog
// shows it on a terminal, renders that in a headless browser as a terminal
// would, and checks that every line is one row of the page, within its
// width. With
// SCREENSHOT_DIR set it saves the picture as raftlog-columns.png there
// (make pictures).
func TestColumnsInBrowser(t *testing.T) {
	const width = 175 // characters: 1300 pixels at 12 px DejaVu Sans Mono
	cfg, err := parseArgs([]string{"-width", fmt.Sprint(width), "-color", "always", "-ignore", "PERS", sampleLog}, noEnv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := newPrinter(cfg, Layout{Width: width, Color: true}, &out)
	if err := processInputs(cfg.files, p, &out); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "columns.html")
	if err := os.WriteFile(page, []byte(terminalPage(out.String())), 0o644); err != nil {
		t.Fatal(err)
	}
	b := browser.Start(t, 1300, 900)
	if err := b.Open("file://" + page); err != nil {
		t.Fatal(err)
	}
	var shown struct {
		Lines, Rows, Colored int
		Fits                 bool
	}
	err = b.Eval(`(() => { const pre = document.querySelector("pre"), one = document.getElementById("one");
  return { lines: pre.textContent.split("\n").length, rows: Math.round((pre.offsetHeight - 20) / one.offsetHeight),
    colored: pre.querySelectorAll("span").length, fits: document.body.scrollWidth <= window.innerWidth }; })()`, &shown)
	if err != nil {
		t.Fatal(err)
	}
	if shown.Lines < 50 || shown.Rows != shown.Lines || shown.Colored < 50 || !shown.Fits {
		t.Fatalf("%d lines drawn on %d rows with %d coloured topics, fit in the width %v; want one row a line, "+
			"the topics coloured, all in the width", shown.Lines, shown.Rows, shown.Colored, shown.Fits)
	}
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		path := filepath.Join(dir, "raftlog-columns.png")
		if err := b.Screenshot(path, browser.Rect{Width: 1300, Height: 860}); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

// ansiColors are the colours of a dark terminal for raftlog's SGR codes.
var ansiColors = map[string]string{"31": "#e05252", "32": "#3fc77f", "33": "#e5e510", "34": "#5b9bf0",
	"35": "#c66bd1", "36": "#29b8db", "37": "#e5e5e5", "90": "#8a8a8a", "91": "#f14c4c", "92": "#23d18b",
	"93": "#f5f543", "94": "#3b8eea", "95": "#d670d6", "96": "#29b8db"}

var sgr = regexp.MustCompile("\x1b\\[([0-9;]*)m")

// terminalPage renders text with raftlog's colour escapes as a page that
// looks like a dark terminal.
func terminalPage(text string) string {
	var body strings.Builder
	open := false
	for len(text) > 0 {
		loc := sgr.FindStringSubmatchIndex(text)
		if loc == nil {
			body.WriteString(html.EscapeString(text))
			break
		}
		body.WriteString(html.EscapeString(text[:loc[0]]))
		if open {
			body.WriteString("</span>")
			open = false
		}
		if codes := text[loc[2]:loc[3]]; codes != "0" && codes != "" {
			body.WriteString(`<span style="` + sgrStyle(codes) + `">`)
			open = true
		}
		text = text[loc[1]:]
	}
	return `<!DOCTYPE html><html><head><meta charset="utf-8"/><style>
body { margin: 0; background: #1e1e1e; }
pre, #one { font: 12px/16px "DejaVu Sans Mono", monospace; color: #d4d4d4; margin: 0; padding: 10px 12px; white-space: pre; }
#one { position: absolute; visibility: hidden; padding: 0; }
</style></head><body><pre>` + strings.TrimRight(body.String(), "\n") + `</pre><div id="one">x</div></body></html>`
}

// sgrStyle is the CSS of the codes of one SGR escape ("1;31").
func sgrStyle(codes string) string {
	style := ""
	for _, c := range strings.Split(codes, ";") {
		switch {
		case c == "1":
			style += "font-weight: bold; "
		case c == "7":
			style += "background: #d4d4d4; color: #1e1e1e; "
		case ansiColors[c] != "":
			style += "color: " + ansiColors[c] + "; "
		}
	}
	return style
}
