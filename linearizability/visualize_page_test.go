package linearizability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// decodeTexts undoes textList's encoding as the page's script does, after
// a trip through JSON (so numbers arrive as float64, as in JavaScript), and
// counts characters in UTF-16 code units, as JavaScript does.
func decodeTexts(t *testing.T, entries []interface{}) []string {
	t.Helper()
	js, err := json.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	var decoded []interface{}
	if err := json.Unmarshal(js, &decoded); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(decoded))
	for i, e := range decoded {
		switch e := e.(type) {
		case string:
			out[i] = e
		case float64:
			out[i] = out[i-int(e)]
		case []interface{}:
			base := utf16.Encode([]rune(out[i-int(e[0].(float64))]))
			out[i] = string(utf16.Decode(base[:int(e[1].(float64))])) + e[2].(string)
		default:
			t.Fatalf("entry %d has type %T", i, e)
		}
	}
	return out
}

// TestTextListRoundTrip checks that the packed strings decode to the
// originals: growing states, repeats, and characters outside ASCII and
// outside the Basic Multilingual Plane (two UTF-16 units in JavaScript).
func TestTextListRoundTrip(t *testing.T) {
	in := []string{"", "", "x", `get("k") -> ""`, `get("k") -> ""`, "héllo wörld, héllo wörld", "héllo wörld, héllo wörlds",
		"\U0001F600\U0001F600\U0001F600\U0001F600 smile smile", "\U0001F600\U0001F600\U0001F600\U0001F600 smile smile!",
		"invalid \xff byte in a long string", "invalid \xff byte in a long string, longer"}
	value := ""
	for i := 0; i < 50; i++ {
		value += fmt.Sprintf("x %d %d y", i%5, i)
		in = append(in, fmt.Sprintf("%q", value), fmt.Sprintf("get(%q) -> %q", "k", value))
	}
	var l textList
	for _, s := range in {
		l.add(s)
	}
	out := decodeTexts(t, l.entries)
	for i := range in {
		if want := strings.ToValidUTF8(in[i], "\uFFFD"); out[i] != want {
			t.Fatalf("entry %d decodes to %q, want %q", i, out[i], want)
		}
	}
	refs := 0
	for _, e := range l.entries {
		if _, literal := e.(string); !literal {
			refs++
		}
	}
	if refs < 90 {
		t.Fatalf("only %d of %d entries refer to an earlier one; growing values should", refs, len(in))
	}
}

// appendHistory is a history of one key that n operations of 5 clients
// append to and read, one at a time: the states grow all along.
func appendHistory(n int) []Operation {
	var ops []Operation
	value := ""
	for i := 0; i < n; i++ {
		call, ret := int64(i*1000), int64(i*1000+700)
		if i%2 == 0 {
			v := fmt.Sprintf("x %d %d y", i%5, i)
			value += v
			ops = append(ops, appendOp(i%5, "k", v, call, ret))
		} else {
			ops = append(ops, get(i%5, "k", value, call, ret))
		}
	}
	return ops
}

// pageSize renders a checked history and returns the page's size and the
// size of its texts written out in full, as the page used to carry them.
func pageSize(t *testing.T, history []Operation) (page, plain int) {
	t.Helper()
	m := KvModel()
	res, info := CheckOperationsVerbose(m, history, 0)
	if res != Ok {
		t.Fatalf("got %s, want Ok", res)
	}
	var buf bytes.Buffer
	if err := Visualize(m, info, &buf); err != nil {
		t.Fatal(err)
	}
	for _, s := range decodeTexts(t, buildPage(m, info, VisualizeOptions{}).Partitions[0].Texts) {
		plain += len(s)
	}
	return buf.Len(), plain
}

// TestVisualizeSizeGrowsLinearly checks that the page of an append-heavy
// history grows with its length, not with the square of it as its texts
// written out in full do.
func TestVisualizeSizeGrowsLinearly(t *testing.T) {
	small, smallPlain := pageSize(t, appendHistory(1000))
	large, largePlain := pageSize(t, appendHistory(4000))
	t.Logf("1000 ops: page %d bytes (texts in full %d); 4000 ops: page %d bytes (texts in full %d)",
		small, smallPlain, large, largePlain)
	if float64(largePlain)/float64(smallPlain) < 10 {
		t.Fatalf("the test history does not grow quadratically: %d -> %d", smallPlain, largePlain)
	}
	if ratio := float64(large) / float64(small); ratio > 4.5 {
		t.Fatalf("page grew %.1f times for 4 times the operations; want about 4", ratio)
	}
	if large*5 > largePlain {
		t.Fatalf("page of 4000 ops is %d bytes, more than a fifth of its texts in full (%d)", large, largePlain)
	}
}

// TestVisualizeAnnotations checks that annotations reach the page's data,
// in rows in order of first use and relative to the first call, and that
// labels that look like HTML or close the script stay text.
func TestVisualizeAnnotations(t *testing.T) {
	m := KvModel()
	history := illegalKvHistory()
	for i := range history { // the history starts at 1000
		history[i].Call += 1000
		if history[i].Return != NeverReturned {
			history[i].Return += 1000
		}
	}
	_, info := CheckOperationsVerbose(m, history, 0)
	evil := `</script><script>alert(1)</script><b>bold</b> ]]> & "quoted"`
	opts := VisualizeOptions{Annotations: []Annotation{
		{Row: "S1", Start: 1002, End: 1005, Label: "crashed", Details: evil},
		{Row: "", Start: 1003, End: 1007, Label: "partition", Color: "#e67e22"},
		{Row: "network", Start: 1001, End: 1001, Label: evil},
		{Row: "S1", Start: 1006, End: 1004, Label: "restarted"},
	}}
	var buf bytes.Buffer
	if err := VisualizeWithOptions(m, info, opts, &buf); err != nil {
		t.Fatal(err)
	}
	page := buf.Bytes()
	checkWellFormed(t, page)
	if n := bytes.Count(page, []byte("</script>")); n != 1 {
		t.Fatalf("page has %d </script>, want only its own", n)
	}
	for _, bad := range []string{"<b>bold", "<script>alert", "]]> &"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Fatalf("label text %q reached the page unescaped", bad)
		}
	}
	pg := buildPage(m, info, opts)
	if strings.Join(pg.Rows, ",") != "S1,network" {
		t.Fatalf("rows %q, want S1,network", pg.Rows)
	}
	want := []pageAnnotation{
		{Row: 0, Start: 2, End: 5, Label: "crashed", Details: evil},
		{Row: -1, Start: 3, End: 7, Label: "partition", Color: "#e67e22"},
		{Row: 1, Start: 1, End: 1, Label: evil},
		{Row: 0, Start: 6, End: 6, Label: "restarted"}, // an end before the start makes an instant
	}
	for i, a := range pg.Annotations {
		if a != want[i] {
			t.Errorf("annotation %d is %+v, want %+v", i, a, want[i])
		}
	}
}

// bigIllegalHistory is a key appended to n times in a row, with a read in
// the middle that returns a value from the past.
func bigIllegalHistory(n int) []Operation {
	var ops []Operation
	for i := 0; i < n; i++ {
		call, ret := int64(i*10), int64(i*10+5)
		if i == n/2 {
			ops = append(ops, get(0, "k", "a", call, ret))
		} else {
			ops = append(ops, appendOp(i%3, "k", "a", call, ret))
		}
	}
	return ops
}

// TestVisualizeMaxOps checks what a history over the limit draws: a window
// around the unplaced operation of the Illegal partition, nothing of a
// partition that no longer fits, and a note about both in the page and on
// Notes.
func TestVisualizeMaxOps(t *testing.T) {
	history := bigIllegalHistory(3000)
	for i := 0; i < 1500; i++ {
		history = append(history, put(i%3, "other", "v", int64(i*10), int64(i*10+3)))
	}
	m := KvModel()
	res, info := CheckOperationsVerbose(m, history, 0)
	if res != Illegal {
		t.Fatalf("got %s, want Illegal", res)
	}
	var notes, buf bytes.Buffer
	opts := VisualizeOptions{MaxOps: 1200, Notes: &notes}
	if err := VisualizeWithOptions(m, info, opts, &buf); err != nil {
		t.Fatal(err)
	}
	checkWellFormed(t, buf.Bytes())
	pg := buildPage(m, info, opts)
	k, other := pg.Partitions[0], pg.Partitions[1]
	texts := decodeTexts(t, k.Texts)
	if n := len(k.Ops) / 3; n != 1200 || k.TotalOps != 3000 || k.Blocked < 0 || texts[k.Blocked] != `get("k") -> "a"` {
		t.Fatalf("drew %d of %d ops with blocked %d, want 1200 of 3000 with the bad get", n, k.TotalOps, k.Blocked)
	}
	// The window holds ops 900 to 2099; steps 901 to 1500 are drawn.
	if k.FirstStep != 900 || len(k.Steps) != 600 || texts[1200] != fmt.Sprintf("%q", strings.Repeat("a", 900)) {
		t.Fatalf("steps drawn from %d, %d of them, want from 900, 600", k.FirstStep, len(k.Steps))
	}
	if other.Ops == nil || len(other.Ops) != 0 || !strings.Contains(other.Note, "not drawn (1500 operations") {
		t.Fatalf("partition over the limit: %d ops drawn, note %q", len(other.Ops)/3, other.Note)
	}
	line := notes.String()
	if !strings.Contains(line, "drew 1200 of the 4500 operations (MaxOps 1200)") {
		t.Errorf("note %q does not say how much was drawn", line)
	}
	for _, want := range []string{"MaxOps 1200", "1200 of its 3000 operations drawn", "not drawn (1500 operations, no room left)"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Count(line, "\n") != 1 {
		t.Errorf("want one line of notes, got %q", line)
	}
	notes.Reset()
	if err := VisualizeWithOptions(m, info, VisualizeOptions{Notes: &notes}, &buf); err != nil || notes.Len() != 0 {
		t.Fatalf("under the default limit nothing is left out, but notes say %q (err %v)", notes.String(), err)
	}
}
