package linearizability

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"miniraftkv/internal/browser"
)

// pageBenchOps is the size of the page BenchmarkTimelineInBrowser draws:
// DefaultMaxOps, the largest page a tester writes.
const pageBenchOps = DefaultMaxOps

// wideKvHistory has n operations of 5 clients on 5 keys, puts and gets,
// each overlapping the next two; every get returns the last put called
// before it, so the history is linearizable (each operation at its call).
func wideKvHistory(n int) []Operation {
	ops := make([]Operation, 0, n)
	last := map[string]string{}
	for i := 0; i < n; i++ {
		key, call := fmt.Sprintf("k%d", (i/5)%5), int64(i*10)
		if i%3 == 0 {
			last[key] = fmt.Sprintf("v%d", i)
			ops = append(ops, put(i%5, key, last[key], call, call+25))
		} else {
			ops = append(ops, get(i%5, key, last[key], call, call+25))
		}
	}
	return ops
}

// Scripts that time the page. firstDraw is the time from the start of
// the page's navigation to the first frame after its load event, when the
// timeline is drawn. zoomStep presses a zoom button of the first section
// and times the frame that redraws it: from the start of that frame to the
// end of its layout and paint (a timer set in the frame after the page's
// drawing runs once the frame is done).
const (
	firstDraw = `new Promise((done) => requestAnimationFrame(() => setTimeout(() => done(performance.now()), 0)))`
	zoomStep  = `new Promise((done) => {
  const b = Array.from(document.querySelectorAll("section button")).find((e) => e.textContent === %q);
  let t0 = 0;
  requestAnimationFrame(() => { t0 = performance.now(); });
  b.click();
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
})`
)

// BenchmarkTimelineInBrowser opens a page of pageBenchOps operations in a
// headless browser and reports, in ms, the time to its first drawing and
// to a zoom step: from the first view (about 30 events) and from the whole
// history of a key (40,000 operations in view).
//
//	go test -run '^$' -bench TimelineInBrowser -benchtime 5x ./linearizability
func BenchmarkTimelineInBrowser(b *testing.B) {
	br := browser.Start(b, viewWidth, viewHeight)
	m := KvModel()
	res, info := CheckOperationsVerbose(m, wideKvHistory(pageBenchOps), 0)
	if res != Ok {
		b.Fatalf("the benchmark's history is %s, want Ok", res)
	}
	path := filepath.Join(b.TempDir(), "timeline.html")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := Visualize(m, info, f); err != nil {
		b.Fatal(err)
	}
	size, _ := f.Seek(0, 1)
	f.Close()
	var first, zoom, zoomWhole float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := br.Open("file://" + path); err != nil {
			b.Fatal(err)
		}
		first += evalMs(b, br, firstDraw)
		zoom += (evalMs(b, br, fmt.Sprintf(zoomStep, "+")) + evalMs(b, br, fmt.Sprintf(zoomStep, "\u2212"))) / 2
		evalMs(b, br, fmt.Sprintf(zoomStep, "whole history"))
		zoomWhole += (evalMs(b, br, fmt.Sprintf(zoomStep, "+")) + evalMs(b, br, fmt.Sprintf(zoomStep, "\u2212"))) / 2
	}
	b.StopTimer()
	if errs := br.Errors(); len(errs) > 0 {
		b.Fatalf("the page's script reported errors: %q", errs)
	}
	b.ReportMetric(first/float64(b.N), "ms-first-draw")
	b.ReportMetric(zoom/float64(b.N), "ms-zoom-step")
	b.ReportMetric(zoomWhole/float64(b.N), "ms-zoom-step-whole")
	b.ReportMetric(float64(size)/1e6, "MB-page")
}

// evalMs evaluates a script that yields a number of milliseconds.
func evalMs(b *testing.B, br *browser.Browser, script string) float64 {
	b.Helper()
	var ms float64
	if err := br.Eval(script, &ms); err != nil {
		b.Fatal(err)
	}
	return ms
}
