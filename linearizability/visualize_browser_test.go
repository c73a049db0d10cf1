package linearizability

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"miniraftkv/internal/browser"
)

// The browser tests open the timeline pages in a headless Chromium and use
// them as a reader would: they point at operations and annotations, zoom,
// pan, press the page's buttons and switch partitions, then read what is
// drawn. They skip, saying why, when no browser is installed; with
// $CHROMIUM set (as CI sets it) a missing browser fails them instead.

// viewWidth and viewHeight are the size of the browser's page.
const viewWidth, viewHeight = 1200, 800

// openTimeline checks history with m, writes its timeline with opts and
// opens it in b. It fails the test if the page's script reported an error,
// or if a section shown lacks a row for one of its clients or for an
// annotation row, and returns what the page shows.
func openTimeline(t *testing.T, b *browser.Browser, m Model, history []Operation, opts VisualizeOptions) browser.Timeline {
	t.Helper()
	_, info := CheckOperationsVerbose(m, history, 0)
	path := filepath.Join(t.TempDir(), "timeline.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Notes == nil {
		opts.Notes = &strings.Builder{}
	}
	if err := VisualizeWithOptions(m, info, opts, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Resize(viewWidth, viewHeight); err != nil {
		t.Fatal(err)
	}
	if err := b.Open("file://" + path); err != nil {
		t.Fatal(err)
	}
	return browser.ReadTimeline(t, b)
}

// shown returns the indexes of the sections shown.
func shown(tl browser.Timeline) []int {
	var out []int
	for i, s := range tl.Sections {
		if s.Shown {
			out = append(out, i)
		}
	}
	return out
}

// selectPartition chooses value ("all" or a section's index) in the
// page's partition selector, as picking it from the list does.
func selectPartition(t *testing.T, b *browser.Browser, value string) {
	t.Helper()
	script := fmt.Sprintf(`(() => { const f = document.getElementById("filter"); f.value = %q;
  f.dispatchEvent(new Event("change")); return f.value; })()`, value)
	var got string
	if err := b.Eval(script, &got); err != nil || got != value {
		t.Fatalf("selecting %q in the partition selector: got %q (%v)", value, got, err)
	}
}

// pointAt moves the mouse to the middle of r and returns the tooltip.
func pointAt(t *testing.T, b *browser.Browser, r *browser.Rect, what string) string {
	t.Helper()
	if r == nil {
		t.Fatalf("no %s drawn to point at", what)
	}
	if err := b.Mouse("mouseMoved", r.X+r.Width/2, r.Y+r.Height/2); err != nil {
		t.Fatal(err)
	}
	tip, err := b.Tooltip()
	if err != nil {
		t.Fatal(err)
	}
	return tip
}

// okKvHistory has 4 clients working on 3 keys, one operation at a time
// on each key: every get returns the key's last put.
func okKvHistory() []Operation {
	var ops []Operation
	last := map[string]string{}
	for i := 0; i < 60; i++ {
		key, call := []string{"a", "b", "c"}[i%3], int64(i*10)
		if i%2 == 0 {
			last[key] = fmt.Sprintf("v%d", i)
			ops = append(ops, put(i%4, key, last[key], call, call+15))
		} else {
			ops = append(ops, get(i%4, key, last[key], call, call+15))
		}
	}
	return ops
}

// width is the span of times in a section's view.
func width(s browser.TimelineSection) float64 { return s.Range[1] - s.Range[0] }

// TestTimelineInBrowserOk opens the timeline of a linearizable history of
// three keys: every key is drawn with a row per client, a tooltip gives an
// operation's times, the zoom button and Ctrl + wheel zoom, dragging pans,
// and the partition selector shows one key at a time.
func TestTimelineInBrowserOk(t *testing.T) {
	b := browser.Start(t, viewWidth, viewHeight)
	tl := openTimeline(t, b, KvModel(), okKvHistory(), VisualizeOptions{})
	if tl.Filter != "all" || len(shown(tl)) != 3 {
		t.Fatalf("selector %q shows sections %v, want all 3", tl.Filter, shown(tl))
	}
	s := tl.Sections[0]
	if s.Unplaced != nil || s.Ops == 0 || !strings.Contains(s.Title, "Ok") {
		t.Fatalf("first section %q: %d ops drawn, unplaced %v; want an Ok key drawn with none unplaced", s.Title, s.Ops, s.Unplaced)
	}
	tip := pointAt(t, b, s.FirstOp, "operation")
	if !strings.Contains(tip, "called at 0.000000 ms") || !strings.Contains(tip, "returned at 0.000015 ms") ||
		!strings.Contains(tip, "step 1 of 20") {
		t.Errorf("tooltip of the first operation is %q, want its call and return times and its step", tip)
	}
	checkZoomAndPan(t, b, s)
	for _, pick := range []string{"2", "1", "all"} {
		selectPartition(t, b, pick)
		tl := browser.ReadTimeline(t, b)
		if got := fmt.Sprint(shown(tl)); (pick == "all" && got != "[0 1 2]") || (pick != "all" && got != "["+pick+"]") {
			t.Errorf("selector %q shows sections %s", pick, got)
		}
	}
}

// checkZoomAndPan zooms and pans the first section from view s and checks
// the times in view after each step.
func checkZoomAndPan(t *testing.T, b *browser.Browser, s browser.TimelineSection) {
	t.Helper()
	if err := b.ClickButton("+"); err != nil {
		t.Fatal(err)
	}
	in := browser.ReadTimeline(t, b).Sections[0]
	if ratio := width(s) / width(in); math.Abs(ratio-1.6) > 0.2 {
		t.Errorf("the + button took the view from %v to %v: %.2f times narrower, want 1.6", s.Range, in.Range, ratio)
	}
	mid := in.Plot.Y + in.Plot.Height/2
	if err := b.Wheel(in.Plot.X+in.Plot.Width/2, mid, 0, 400, browser.Ctrl); err != nil {
		t.Fatal(err)
	}
	out := browser.ReadTimeline(t, b).Sections[0]
	if width(out) <= width(in)*1.5 {
		t.Errorf("Ctrl + wheel down took the view from %v to %v; want it zoomed out", in.Range, out.Range)
	}
	if err := b.Drag(out.Plot.X+out.Plot.Width*0.75, mid, out.Plot.X+out.Plot.Width*0.25, mid); err != nil {
		t.Fatal(err)
	}
	panned := browser.ReadTimeline(t, b).Sections[0]
	if panned.Range[0] <= out.Range[0] || panned.Range[1] <= out.Range[1] {
		t.Errorf("dragging left took the view from %v to %v; want later times", out.Range, panned.Range)
	}
}

// TestTimelineInBrowserIllegal opens the timeline of an Illegal history:
// only the Illegal key is shown at first, its unplaced operation is marked
// and explained, and after panning it out of view and scrolling away, "go
// to the unplaced operation" brings it back into view.
func TestTimelineInBrowserIllegal(t *testing.T) {
	b := browser.Start(t, viewWidth, viewHeight)
	tl := openTimeline(t, b, KvModel(), illegalKvHistory(), VisualizeOptions{})
	if tl.Filter != "0" || fmt.Sprint(shown(tl)) != "[0]" {
		t.Fatalf("selector %q shows sections %v, want only the Illegal key", tl.Filter, shown(tl))
	}
	s := tl.Sections[0]
	if !strings.Contains(s.Title, `key "k"`) || !strings.Contains(s.Text, "No linearization found places") || s.Unplaced == nil {
		t.Fatalf("section %q does not mark and explain the unplaced operation (unplaced %v)", s.Title, s.Unplaced)
	}
	if tip := pointAt(t, b, s.Unplaced, "unplaced operation"); !strings.Contains(tip, `get("k") -> "y"`) ||
		!strings.Contains(tip, "could not be placed after step") {
		t.Errorf("tooltip of the unplaced operation is %q", tip)
	}
	mid := s.Plot.Y + s.Plot.Height/2
	if err := b.Wheel(s.Plot.X+s.Plot.Width/2, mid, 0, 20*viewWidth, browser.Shift); err != nil {
		t.Fatal(err)
	}
	if away := browser.ReadTimeline(t, b).Sections[0]; away.Unplaced != nil && away.Unplaced.X < away.Plot.X+away.Plot.Width {
		t.Fatalf("Shift + wheel did not pan the unplaced operation out of view: %v, view %v", away.Unplaced, away.Range)
	}
	const short = 300 // a viewport shorter than the page, scrolled so the button is at its bottom, the timeline below
	if err := b.Resize(viewWidth, short); err != nil {
		t.Fatal(err)
	}
	scroll := `Array.from(document.querySelectorAll("button")).find((e) => e.textContent === "go to the unplaced operation")
  .scrollIntoView({ block: "end" })`
	if err := b.Eval(scroll, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.ClickButton("go to the unplaced operation"); err != nil {
		t.Fatal(err)
	}
	back := browser.ReadTimeline(t, b).Sections[0]
	if u, p := back.Unplaced, back.Plot; u == nil || u.X < p.X || u.X+u.Width > p.X+p.Width || u.Y < 0 || u.Y+u.Height > short {
		t.Fatalf("after \"go to the unplaced operation\" its bar is at %+v, not inside the timeline %+v and the viewport", u, p)
	}
}

// TestTimelineInBrowserMaxOps opens a page over MaxOps: the note says what
// is left out, the Illegal key is drawn as a window around its unplaced
// operation, and the key left out says so when selected.
func TestTimelineInBrowserMaxOps(t *testing.T) {
	history := bigIllegalHistory(3000)
	for i := 0; i < 1500; i++ {
		history = append(history, put(i%3, "other", "v", int64(i*10), int64(i*10+3)))
	}
	b := browser.Start(t, viewWidth, viewHeight)
	tl := openTimeline(t, b, KvModel(), history, VisualizeOptions{MaxOps: 1200})
	if !strings.Contains(tl.LeftOut, "MaxOps 1200") || fmt.Sprint(shown(tl)) != "[0]" {
		t.Fatalf("note %q, sections shown %v; want the MaxOps note and the Illegal key", tl.LeftOut, shown(tl))
	}
	if s := tl.Sections[0]; s.Unplaced == nil || !strings.Contains(s.Text, "1200 of its 3000 operations drawn") {
		t.Fatalf("the Illegal key's window: unplaced %v, text %q", s.Unplaced, s.Text)
	}
	selectPartition(t, b, "1")
	other := browser.ReadTimeline(t, b)
	if s := other.Sections[1]; !s.Shown || s.Plot != nil || !strings.Contains(s.Text, "not drawn (1500 operations") {
		t.Fatalf("the key left out: shown %v, timeline %v, text %q", s.Shown, s.Plot, s.Text)
	}
}

// faultyHistory is what a KV test with faults might record: 5 clients
// appending to key "k" and reading it, and writing key "y", over 480 ms,
// with one read of "k" that returns a value from before an append that had
// already returned. Every other read sees exactly the appends called
// before it, which is linearizable (each at its call).
func faultyHistory() []Operation {
	var ops []Operation
	value := ""
	for j := 0; j < 12; j++ {
		for c := 0; c < 5; c++ {
			call := int64(j*40 + c*7)
			ret := call + 12 + int64((c*13+j*7)%25)
			switch {
			case c == 4:
				ops = append(ops, put(c, "y", fmt.Sprint(j), call, ret))
			case (c+j)%3 == 0:
				v := fmt.Sprintf("%d.%d ", c, j)
				value += v
				ops = append(ops, appendOp(c, "k", v, call, ret))
			case j == 7 && c == 1:
				ops = append(ops, get(c, "k", value[:strings.LastIndex(value[:len(value)-1], " ")+1], call, ret))
			default:
				ops = append(ops, get(c, "k", value, call, ret))
			}
		}
	}
	return ops
}

// faultAnnotations are the faults of faultyHistory's test, in ms.
func faultAnnotations() []Annotation {
	return []Annotation{
		{Row: "network", Start: 0, End: 480, Label: "unreliable: 10% of RPCs lost", Color: "#8e6bbf"},
		{Row: "", Start: 150, End: 330, Label: "partition {S0 S1} {S2 S3 S4}", Details: "S0 was the leader", Color: "#e67e22"},
		{Row: "S2", Start: 200, End: 260, Label: "crashed", Color: "#c0392b"},
		{Row: "S2", Start: 260, End: 260, Label: "restarted"},
	}
}

// TestTimelineInBrowserAnnotations opens the timeline of a failed check
// with faults: the annotation rows are drawn above the clients, an
// annotation's tooltip gives its times, and "whole history" draws every
// annotation. With SCREENSHOT_DIR set it saves the first view as
// timeline-illegal.png there (make pictures).
func TestTimelineInBrowserAnnotations(t *testing.T) {
	b := browser.Start(t, viewWidth, viewHeight)
	opts := VisualizeOptions{Annotations: faultAnnotations(), TimeUnit: time.Millisecond}
	tl := openTimeline(t, b, KvModel(), faultyHistory(), opts)
	s := tl.Sections[0]
	if fmt.Sprint(tl.Data.Rows) != "[network S2]" || s.Unplaced == nil || !strings.Contains(s.Title, "Illegal") {
		t.Fatalf("rows %v, section %q, unplaced %v; want the rows network and S2 and key k Illegal", tl.Data.Rows, s.Title, s.Unplaced)
	}
	if tip := pointAt(t, b, s.Unplaced, "unplaced operation"); !strings.Contains(tip, "called at 287.000 ms") {
		t.Errorf("tooltip of the unplaced operation is %q, want its call at 287 ms", tip)
	}
	screenshot(t, b, "timeline-illegal.png", `document.querySelector("section:not([style*='none']) .timeline")`)
	if err := b.ClickButton("whole history"); err != nil {
		t.Fatal(err)
	}
	whole := browser.ReadTimeline(t, b).Sections[0]
	if whole.Annots != len(opts.Annotations) {
		t.Errorf("the whole history draws %d annotations, want %d", whole.Annots, len(opts.Annotations))
	}
	if tip := pointAt(t, b, whole.FirstAnno, "annotation"); !strings.Contains(tip, "to 480.000 ms (480.000 ms)") {
		t.Errorf("tooltip of the network annotation is %q, want its start and end", tip)
	}
}

// screenshot saves the page from its top to the bottom of the element
// that the expression bottom finds as name in $SCREENSHOT_DIR, if set.
func screenshot(t *testing.T, b *browser.Browser, name, bottom string) {
	t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	var height float64
	if err := b.Eval(`(() => { window.scrollTo(0, 0); return `+bottom+`.getBoundingClientRect().bottom + 12; })()`, &height); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := b.Screenshot(path, browser.Rect{Width: viewWidth, Height: height}); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
