package linearizability

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// illegalKvHistory has two keys: "a" is fine, "k" has a read that goes
// back in time; a client that never returned and one concurrent pair make
// the picture interesting.
func illegalKvHistory() []Operation {
	return []Operation{
		put(0, "k", "x", 0, 2),
		appendOp(3, "k", "z", 1, NeverReturned),
		get(1, "k", "x", 3, 5),
		put(2, "a", "1", 1, 6),
		get(0, "a", "", 4, 5),
		get(1, "k", "y", 6, 8),
		get(0, "a", "1", 7, 9),
	}
}

// writeTimeline renders info to a file and returns its contents. Set
// LINEARIZABILITY_HTML_DIR to keep the files for a look in a browser.
func writeTimeline(t *testing.T, m Model, info LinearizationInfo, name string) []byte {
	t.Helper()
	dir := os.Getenv("LINEARIZABILITY_HTML_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Visualize(m, info, f); err != nil {
		t.Fatalf("Visualize: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		t.Fatalf("timeline file %s not produced: %v", path, err)
	}
	return data
}

// checkWellFormed parses page as XML (the template is written to be
// well-formed XML too) and checks that it is one html element with a
// head and a body, and that it refers to nothing on the network.
func checkWellFormed(t *testing.T, page []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Entity = xml.HTMLEntity
	var stack []string
	seen := map[string]bool{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("timeline is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && tok.Name.Local != "html" {
				t.Fatalf("root element is %s, want html", tok.Name.Local)
			}
			stack = append(stack, tok.Name.Local)
			seen[tok.Name.Local] = true
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 || !seen["head"] || !seen["body"] || !seen["script"] {
		t.Fatalf("unbalanced or incomplete page: open %v, seen %v", stack, seen)
	}
	text := strings.ReplaceAll(string(page), "http://www.w3.org/2000/svg", "")
	for _, ref := range []string{"http://", "https://", "<link", " src=", "@import"} {
		if strings.Contains(text, ref) {
			t.Fatalf("timeline refers to something outside the file: contains %q", ref)
		}
	}
}

// TestVisualizeIllegal renders an Illegal history and checks the page.
func TestVisualizeIllegal(t *testing.T) {
	m := KvModel()
	res, info := CheckOperationsVerbose(m, illegalKvHistory(), 0)
	if res != Illegal {
		t.Fatalf("got %s, want Illegal", res)
	}
	page := writeTimeline(t, m, info, "illegal.html")
	checkWellFormed(t, page)
	for _, want := range []string{"cannot be placed", `key \"k\"`, `"result":"Illegal"`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("timeline does not mention %s", want)
		}
	}
	pg := buildPage(m, info, VisualizeOptions{})
	k := pg.Partitions[0]
	texts := decodeTexts(t, k.Texts)
	if k.Label != `key "k"` || k.Blocked < 0 || texts[k.Blocked] != `get("k") -> "y"` {
		t.Fatalf("want key k first with get -> y blocked, got %q blocked %d", k.Label, k.Blocked)
	}
	if k.Note != "" || pg.LeftOut != "" {
		t.Fatalf("a small history is drawn in full, but the page says %q / %q", k.Note, pg.LeftOut)
	}
}

// TestVisualizeOkAndRegister renders an Ok register history with an
// unreturned operation, through the generic descriptions too.
func TestVisualizeOkAndRegister(t *testing.T) {
	ops := []Operation{
		{0, RegisterInput{Kind: RegisterWrite, Value: 1}, 0, RegisterOutput{}, 3},
		{1, RegisterInput{Kind: RegisterCas, Expected: 1, Value: 2}, 1, nil, NeverReturned},
		{2, RegisterInput{Kind: RegisterRead}, 4, RegisterOutput{Value: 2}, 5},
	}
	for _, m := range []Model{RegisterModel(), {Init: RegisterModel().Init, Step: RegisterModel().Step}} {
		res, info := CheckOperationsVerbose(m, ops, 0)
		if res != Ok {
			t.Fatalf("got %s, want Ok", res)
		}
		checkWellFormed(t, writeTimeline(t, m, info, "register.html"))
		p := buildPage(m, info, VisualizeOptions{}).Partitions[0]
		if len(p.Steps) != 3 || p.Blocked != -1 || len(decodeTexts(t, p.Texts)) != 3+1+3 {
			t.Fatalf("want a complete 3-step linearization, got steps %v, texts %v", p.Steps, p.Texts)
		}
		// The never-returned cas is drawn with duration -1.
		if p.Ops[3*1+2] != -1 {
			t.Fatalf("unreturned operation drawn with duration %d, want -1", p.Ops[3*1+2])
		}
	}
}

// TestVisualizeRefusesEmptyInfo checks that a LinearizationInfo that did
// not come from a check is refused rather than drawn as a pass.
func TestVisualizeRefusesEmptyInfo(t *testing.T) {
	var buf bytes.Buffer
	err := Visualize(KvModel(), LinearizationInfo{}, &buf)
	expectHistoryError(t, err, "empty LinearizationInfo")
}
