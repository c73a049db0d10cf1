package linearizability

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"time"
)

// Visualize writes a timeline of the checked history to w as one
// self-contained HTML file (inline SVG and script; it loads nothing from
// the network). It is VisualizeWithOptions with the default options: no
// annotations, times in nanoseconds, at most DefaultMaxOps operations
// drawn.
func Visualize(m Model, info LinearizationInfo, w io.Writer) error {
	return VisualizeWithOptions(m, info, VisualizeOptions{}, w)
}

// Annotation marks a time range or an instant of a history on its
// timeline: a fault the test injected (a partition, a crash, an unreliable
// network), a phase of the test, anything that helps read the operations
// around it. Start and End are on the clock of the history's Call and
// Return times.
type Annotation struct {
	// Row names the row the annotation is drawn in. Rows are drawn above
	// the clients' rows, in the order of their first annotation; "" draws
	// the annotation as a band across the whole timeline instead.
	Row string
	// Start and End delimit the range; End == Start marks an instant.
	Start, End int64
	// Label is the short text drawn on the annotation; Details is shown
	// with it when the pointer rests on it. Both are plain text.
	Label, Details string
	// Color is a CSS colour for the annotation ("" for a default).
	Color string
}

// DefaultMaxOps is how many operations a timeline draws at most unless
// VisualizeOptions.MaxOps says otherwise. The KV testers' histories stay
// far below it (tens of thousands of operations); a history beyond it, such
// as the hundreds of thousands of instant operations a stub service
// produces, would make a page of tens of megabytes that nobody asked for.
// A caller that wants a long history drawn whole says so (kvsim does).
const DefaultMaxOps = 200000

// VisualizeOptions are the settings of VisualizeWithOptions. The zero value
// gives the defaults.
type VisualizeOptions struct {
	// Annotations are drawn on every partition's timeline.
	Annotations []Annotation
	// TimeUnit is the duration of one unit of the history's clock, for
	// the time axis and the times shown (in ms). 0 means time.Nanosecond,
	// the unit of time.Duration and time.Since.
	TimeUnit time.Duration
	// MaxOps caps the operations drawn: 0 means DefaultMaxOps, a negative
	// value no limit. Partitions are drawn in full in the page's order
	// (Illegal ones first) while they fit; a partition that does not fit
	// is drawn as a window of the operations around its first unplaced
	// operation (or its start), or left out when too little room is left.
	// Whatever is left out is listed at the top of the page and in one
	// line written to Notes.
	MaxOps int
	// Notes receives that line; nil means os.Stderr.
	Notes io.Writer
}

// VisualizeWithOptions writes a timeline of the checked history to w as
// one self-contained HTML file. Each partition (for KvModel, each key) is
// drawn with one row per client and each operation as a bar from its call
// to its return (open-ended if it never returned), on an axis of time
// since the first call of the history. The linearization, or for an
// Illegal partition the longest partial one, is drawn as numbered points
// joined by a line, and the first operation that could not be placed is
// marked. Hovering an operation shows its call and return times, its step
// and the model state before and after it. The annotations of opts are
// drawn in rows of their own above the clients, or as bands across the
// timeline. The page zooms (buttons, or Ctrl + mouse wheel) and pans
// (dragging, or Shift + mouse wheel), and can space events evenly or in
// proportion to real time.
//
// m should be the model the history was checked with; its
// DescribeOperation, DescribeState and DescribePartition, when set, provide
// the text. A model function that panics makes VisualizeWithOptions return
// a *ModelError naming it; so does an info whose check ended that way.
func VisualizeWithOptions(m Model, info LinearizationInfo, opts VisualizeOptions, w io.Writer) (err error) {
	if info.result == "" {
		return &HistoryError{-1, "Visualize: empty LinearizationInfo (use the one a Check function returned)"}
	}
	if info.err != nil {
		return info.err
	}
	if err := validateModel(m); err != nil {
		return err
	}
	defer catchModelPanic("model function", &err)
	data := buildPage(guardedForDrawing(m), info, opts)
	if data.LeftOut != "" {
		notes := opts.Notes
		if notes == nil {
			notes = os.Stderr
		}
		fmt.Fprintf(notes, "linearizability: timeline: drew %d of the %d operations (MaxOps %d); the page lists what it left out\n",
			data.drawn, data.total, data.limit)
	}
	return writePage(data, w)
}

// writePage renders data into the page template.
func writePage(data page, w io.Writer) error {
	t, err := template.New("timeline").Parse(timelineTemplate)
	if err != nil {
		return fmt.Errorf("linearizability: timeline template: %v", err)
	}
	// The data goes into the script as JSON, which encoding/json escapes
	// for HTML (<, >, & become \u003c...), so it can close neither the
	// script element nor the CDATA section around it.
	js, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("linearizability: timeline data: %v", err)
	}
	script := template.JS("//<![CDATA[\nconst DATA = " + string(js) + ";\n" + string(timelineScript) + "\n//]]>\n")
	return t.Execute(w, struct {
		Result CheckResult
		Script template.JS
	}{data.Result, script})
}
