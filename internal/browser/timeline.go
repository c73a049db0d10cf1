package browser

import (
	"fmt"
	"strings"
)

// Timeline is what a timeline page of package linearizability shows, read
// from its DOM: the note on what was left out, the partition selector and
// each partition's section.
type Timeline struct {
	LeftOut  string             `json:"leftOut"`  // the note at the top on what MaxOps left out
	Filter   string             `json:"filter"`   // the selector's value: "all" or a partition's index
	Options  []string           `json:"options"`  // the selector's choices
	Sections []TimelineSection  `json:"sections"` // one per partition, in the page's order
	Data     TimelineDataCounts `json:"data"`     // what the page's data holds, to compare with what is drawn
}

// TimelineSection is one partition's section of the page.
type TimelineSection struct {
	Shown     bool      `json:"shown"`     // not hidden by the selector
	Title     string    `json:"title"`     // the heading: label and verdict
	Text      string    `json:"text"`      // all the section's text
	Labels    []string  `json:"labels"`    // the row labels at the left: "time", annotation rows, "client N"
	Ops       int       `json:"ops"`       // operation bars drawn (those in view)
	Unplaced  *Rect     `json:"unplaced"`  // the bar of the operation that could not be placed, if drawn
	Annots    int       `json:"annots"`    // annotation shapes drawn (rows and bands in view)
	Range     []float64 `json:"range"`     // the times in view, [from, to], in the history's units
	Plot      *Rect     `json:"plot"`      // the visible area of the timeline, nil if none was drawn
	FirstOp   *Rect     `json:"firstOp"`   // a spot on the first operation bar in view, to point at
	FirstAnno *Rect     `json:"firstAnno"` // a spot on the first annotation in a row in view
}

// TimelineDataCounts summarizes the data the page was written with.
type TimelineDataCounts struct {
	Rows    []string `json:"rows"`    // annotation rows
	Clients [][]int  `json:"clients"` // the clients of each partition's operations drawn
}

// readTimeline is the script that fills a Timeline.
const readTimeline = `(() => {
  const box = (e) => { if (!e) return null; const r = e.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height }; };
  // hit finds a point on the first of els, inside area, where the pointer
  // would rest on that element itself (not on a point or label over it).
  const hit = (els, area) => { const a = area.getBoundingClientRect();
    for (const e of els) { const r = e.getBoundingClientRect();
      for (const f of [0.5, 0.25, 0.75, 0.1, 0.9]) { for (const y of [r.top + r.height / 2, r.top + 3]) {
        const x = r.left + r.width * f;
        if (x > a.left && x < a.right && y > a.top && y < a.bottom && document.elementFromPoint(x, y) === e)
          return { x: x - 1, y: y - 1, width: 2, height: 2 }; } } }
    return null; };
  const sections = Array.from(document.querySelectorAll("#parts > section")).map((s) => {
    const labels = s.querySelector("svg.labels"), plot = s.querySelector(".plot svg");
    const range = plot ? plot.getAttribute("data-range").split(" ").map(Number) : [];
    return { shown: s.style.display !== "none", title: (s.querySelector("h2") || {}).textContent || "",
      text: s.textContent, labels: labels ? Array.from(labels.querySelectorAll("text"), (e) => e.textContent) : [],
      ops: plot ? plot.querySelectorAll("rect.op").length : 0, unplaced: plot ? box(plot.querySelector("rect.unplaced")) : null,
      annots: plot ? plot.querySelectorAll(".ann").length : 0, range: range,
      plot: plot ? box(plot.parentNode) : null, firstOp: plot ? hit(plot.querySelectorAll("rect.op"), plot.parentNode) : null,
      firstAnno: plot ? hit(plot.querySelectorAll("rect.ann[rx], path.ann"), plot.parentNode) : null };
  });
  const filter = document.getElementById("filter");
  return { leftOut: document.getElementById("leftout").textContent, filter: filter.value,
    options: Array.from(filter.options, (o) => o.textContent), sections: sections,
    data: { rows: DATA.rows, clients: DATA.partitions.map((p) => {
      const c = new Set(); const ops = p.ops || []; for (let i = 0; i < ops.length; i += 3) c.add(ops[i]);
      return Array.from(c).sort((a, b) => a - b); }) } };
})()`

// Timeline reads the timeline page that is open, once the drawing asked
// for by the last input has happened.
func (b *Browser) Timeline() (Timeline, error) {
	var tl Timeline
	if err := b.Settle(); err != nil {
		return tl, err
	}
	err := b.Eval(readTimeline, &tl)
	return tl, err
}

// Settle waits for two animation frames: the page draws what an input asks
// for in the next frame (requestAnimationFrame), and this returns after it.
func (b *Browser) Settle() error {
	return b.Eval(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, nil)
}

// MissingRows returns the rows the section should draw, given the clients
// of its operations and the page's annotation rows, that it does not.
func (s TimelineSection) MissingRows(clients []int, rows []string) []string {
	have := map[string]bool{}
	for _, l := range s.Labels {
		have[l] = true
	}
	var missing []string
	for _, r := range rows {
		if !have[r] {
			missing = append(missing, r)
		}
	}
	for _, c := range clients {
		if name := fmt.Sprintf("client %d", c); !have[name] {
			missing = append(missing, name)
		}
	}
	return missing
}

// ClickButton clicks, with the mouse, the first button of the page whose
// text is text, after scrolling it into view.
func (b *Browser) ClickButton(text string) error {
	var r *Rect
	expr := fmt.Sprintf(`(() => { const e = Array.from(document.querySelectorAll("section:not([style*='none']) button"))
    .find((e) => e.textContent === %q);
  if (!e) return null; e.scrollIntoView({ block: "nearest" }); const r = e.getBoundingClientRect();
  return { x: r.left, y: r.top, width: r.width, height: r.height }; })()`, text)
	if err := b.Eval(expr, &r); err != nil {
		return err
	}
	if r == nil {
		return fmt.Errorf("no button %q in view", text)
	}
	return b.Click(r.X+r.Width/2, r.Y+r.Height/2)
}

// Tooltip returns the text of the page's tooltip, "" if it is hidden.
func (b *Browser) Tooltip() (string, error) {
	var text string
	err := b.Eval(`(() => { const t = document.getElementById("tip");
  return t.style.display === "block" ? Array.from(t.children, (d) => d.textContent).join("\n") : ""; })()`, &text)
	return strings.TrimSpace(text), err
}
