package linearizability

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// page is the data the timeline's script draws; it reaches the script as
// JSON. Operations and strings, which there are many of, are packed (see
// pagePartition and textList); everything else is plain.
type page struct {
	Result      CheckResult      `json:"result"`
	NsPerUnit   float64          `json:"nsPerUnit"` // nanoseconds per unit of the history's clock
	Rows        []string         `json:"rows"`      // the annotation rows, top to bottom
	Annotations []pageAnnotation `json:"annotations"`
	LeftOut     string           `json:"leftOut"` // what MaxOps left out, or ""
	Partitions  []pagePartition  `json:"partitions"`

	drawn, total, limit int // operations drawn, in the history, and MaxOps
}

// pageAnnotation is an Annotation with its row as an index into page.Rows
// (-1 for a band across the timeline) and its times relative to the first
// call of the history.
type pageAnnotation struct {
	Row     int    `json:"row"`
	Start   int64  `json:"start"`
	End     int64  `json:"end"`
	Label   string `json:"label"`
	Details string `json:"details"`
	Color   string `json:"color"`
}

// pagePartition is one partition of the timeline.
type pagePartition struct {
	Label    string      `json:"label"`
	Result   CheckResult `json:"result"`
	Complete bool        `json:"complete"` // Steps is a full linearization
	Blocked  int         `json:"blocked"`  // operation that could not be placed, or -1
	Reason   string      `json:"reason"`   // why Blocked could not be placed
	TotalOps int         `json:"totalOps"` // operations of the partition, drawn or not
	Note     string      `json:"note"`     // what of the partition is not drawn, or ""
	// Ops holds three numbers per operation drawn: the client, the call
	// time minus the previous operation's call time (the first one's minus
	// the first call of the history), and the duration, or -1 for an
	// operation that never returned. Times are in the history's units.
	Ops []int64 `json:"ops"`
	// Steps lists the operation of each step of the linearization drawn,
	// in order; FirstStep steps come before the first one drawn.
	Steps     []int `json:"steps"`
	FirstStep int   `json:"firstStep"`
	// Texts (see textList) holds the text of every operation, then the
	// state before the first step drawn, then the state after each step.
	Texts []interface{} `json:"texts"`
}

// minWindow is the fewest operations worth drawing of a partition that
// does not fit in what is left of MaxOps.
const minWindow = 1000

// buildPage lays out info for the page.
func buildPage(m Model, info LinearizationInfo, opts VisualizeOptions) page {
	unit := opts.TimeUnit
	if unit <= 0 {
		unit = time.Nanosecond
	}
	origin := historyOrigin(info)
	pg := page{Result: info.result, NsPerUnit: float64(unit)}
	pg.Rows, pg.Annotations = pageAnnotations(opts.Annotations, origin)
	limit := opts.MaxOps
	if limit == 0 {
		limit = DefaultMaxOps
	}
	budget := limit
	if limit < 0 {
		budget = math.MaxInt
	}
	var leftOut []string
	for _, p := range drawingOrder(info) {
		pp, drawn := buildPartition(m, info.partitions[p], p, origin, budget)
		budget = max(0, budget-drawn)
		pg.drawn += drawn
		pg.total += pp.TotalOps
		if pp.Note != "" {
			leftOut = append(leftOut, pp.Label+": "+pp.Note)
		}
		pg.Partitions = append(pg.Partitions, pp)
	}
	pg.limit = limit
	if len(leftOut) > 0 {
		pg.LeftOut = fmt.Sprintf("the history is too long to draw in full (MaxOps %d): %s", limit,
			strings.Join(leftOut, "; "))
	}
	return pg
}

// drawingOrder lists the partitions Illegal ones first, since they are what
// the reader is looking for, and Unknown ones (no verdict) last; within
// each kind they keep their order.
func drawingOrder(info LinearizationInfo) []int {
	rank := map[CheckResult]int{Illegal: 0, Ok: 1, Unknown: 2}
	order := make([]int, len(info.partitions))
	for p := range order {
		order[p] = p
	}
	sort.SliceStable(order, func(a, b int) bool {
		return rank[info.partitions[order[a]].result] < rank[info.partitions[order[b]].result]
	})
	return order
}

// historyOrigin is the first call time of the history: the zero of the
// time axis.
func historyOrigin(info LinearizationInfo) int64 {
	origin := int64(math.MaxInt64)
	for _, part := range info.partitions {
		for _, op := range part.history {
			origin = min(origin, op.Call)
		}
	}
	if origin == math.MaxInt64 {
		return 0
	}
	return origin
}

// pageAnnotations numbers the rows of the annotations in order of first
// use and makes their times relative to origin.
func pageAnnotations(list []Annotation, origin int64) ([]string, []pageAnnotation) {
	rows := []string{}
	rowOf := map[string]int{"": -1}
	out := make([]pageAnnotation, 0, len(list))
	for _, a := range list {
		if _, ok := rowOf[a.Row]; !ok {
			rowOf[a.Row] = len(rows)
			rows = append(rows, a.Row)
		}
		end := max(a.End, a.Start) // a range cannot end before it starts: draw it as an instant
		out = append(out, pageAnnotation{Row: rowOf[a.Row], Start: a.Start - origin, End: end - origin,
			Label: a.Label, Details: a.Details, Color: a.Color})
	}
	return rows, out
}

// buildPartition lays out one partition, drawing at most budget of its
// operations (see VisualizeOptions.MaxOps), and returns it with the number
// of operations drawn.
func buildPartition(m Model, part partitionInfo, p int, origin int64, budget int) (pagePartition, int) {
	history := part.history
	pp := pagePartition{Label: fmt.Sprintf("partition %d", p), Result: part.result, Complete: part.result == Ok,
		Blocked: -1, TotalOps: len(history), Ops: []int64{}} // [] even if none is drawn: the script reads its length
	if m.DescribePartition != nil {
		pp.Label = m.DescribePartition(history)
	}
	var longest []int
	if len(part.longest) > 0 {
		longest = part.longest[0]
	}
	blocked := -1
	if !pp.Complete {
		blocked, pp.Reason = firstUnplaced(m, history, longest)
	}
	keep := keptOps(history, blocked, budget)
	first, last := stepRun(longest, keep, blocked >= 0)
	newIndex, texts := make([]int, len(history)), &textList{}
	drawn := 0
	prevCall := origin
	for i, op := range history {
		if !keep[i] {
			continue
		}
		newIndex[i] = drawn
		drawn++
		duration := int64(-1)
		if op.Return != NeverReturned {
			duration = op.Return - op.Call
		}
		pp.Ops = append(pp.Ops, int64(op.ClientId), op.Call-prevCall, duration)
		prevCall = op.Call
		texts.add(describeOperation(m, op))
	}
	if blocked >= 0 && keep[blocked] {
		pp.Blocked = newIndex[blocked]
	}
	pp.FirstStep = first
	pp.Steps = replayStates(m, history, longest[:last], first, texts)
	for k := range pp.Steps {
		pp.Steps[k] = newIndex[pp.Steps[k]]
	}
	pp.Texts = texts.entries
	pp.Note = partitionNote(pp, drawn, first)
	return pp, drawn
}

// partitionNote says what of a partition is not drawn, or "".
func partitionNote(pp pagePartition, drawn, firstStep int) string {
	switch {
	case drawn == pp.TotalOps:
		return ""
	case drawn == 0:
		return fmt.Sprintf("not drawn (%d operations, no room left)", pp.TotalOps)
	}
	around := "its first calls"
	if pp.Blocked >= 0 {
		around = "the operation that could not be placed"
	}
	note := fmt.Sprintf("%d of its %d operations drawn, those called nearest %s", drawn, pp.TotalOps, around)
	if firstStep > 0 {
		note += fmt.Sprintf(", from step %d of the linearization on", firstStep+1)
	}
	return note
}

// keptOps chooses the operations of a partition to draw within budget:
// all of them if they fit; none if fewer than minWindow would; otherwise
// the budget operations nearest centre in call order (the first ones if
// centre < 0), and also every operation that never returned and was called
// before the last of them, since it may take effect anywhere after its
// call.
func keptOps(history []Operation, centre, budget int) []bool {
	keep := make([]bool, len(history))
	if len(history) <= budget {
		for i := range keep {
			keep[i] = true
		}
		return keep
	}
	if budget < minWindow {
		return keep
	}
	byCall := make([]int, len(history))
	for i := range byCall {
		byCall[i] = i
	}
	sort.SliceStable(byCall, func(a, b int) bool { return history[byCall[a]].Call < history[byCall[b]].Call })
	lo := 0
	if centre >= 0 {
		for pos, i := range byCall {
			if i == centre {
				lo = min(max(0, pos-budget/2), len(history)-budget)
			}
		}
	}
	for _, i := range byCall[lo : lo+budget] {
		keep[i] = true
	}
	lastCall := history[byCall[lo+budget-1]].Call
	for i, op := range history {
		keep[i] = keep[i] || (op.Return == NeverReturned && op.Call <= lastCall)
	}
	return keep
}

// stepRun picks the steps of a linearization to draw when not every
// operation is: the longest run of consecutive steps whose operations are
// all kept, or, if preferEnd, the run that reaches the last step when
// there is one (the steps before an operation that could not be placed).
// It returns the run as [first, last).
func stepRun(order []int, keep []bool, preferEnd bool) (int, int) {
	bestFirst, bestLast, first := 0, 0, 0
	for k := 0; k <= len(order); k++ {
		if k < len(order) && keep[order[k]] {
			continue
		}
		if k-first > bestLast-bestFirst || (preferEnd && k == len(order) && k > first) {
			bestFirst, bestLast = first, k
		}
		first = k + 1
	}
	return bestFirst, bestLast
}

// replayStates runs the model along order and adds to texts the state
// before step first and the state after each later step. It returns the
// operations of those steps.
func replayStates(m Model, history []Operation, order []int, first int, texts *textList) []int {
	state := m.Init()
	steps := make([]int, 0, len(order)-first)
	for k, i := range order {
		if k == first {
			texts.add(describeState(m, state))
		}
		_, state = m.Step(state, history[i].Input, history[i].Output)
		if k >= first {
			texts.add(describeState(m, state))
			steps = append(steps, i)
		}
	}
	if first == len(order) {
		texts.add(describeState(m, state))
	}
	return steps
}

// firstUnplaced returns the operation the longest partial linearization
// could not be extended with: of the operations left out, the one that
// returned first (its return is where the search had to turn back).
func firstUnplaced(m Model, history []Operation, longest []int) (int, string) {
	in := make([]bool, len(history))
	state := m.Init()
	for _, i := range longest {
		in[i] = true
		_, state = m.Step(state, history[i].Input, history[i].Output)
	}
	blocked := -1
	for i, op := range history {
		if !in[i] && op.Return != NeverReturned && (blocked < 0 || op.Return < history[blocked].Return) {
			blocked = i
		}
	}
	if blocked < 0 {
		return -1, ""
	}
	op := history[blocked]
	reason := fmt.Sprintf("No linearization found places %s: the longest one the search found has %d steps and ends in state %s.",
		describeOperation(m, op), len(longest), describeState(m, state))
	if ok, _ := m.Step(state, op.Input, op.Output); !ok {
		reason += " In that state the operation cannot return what it returned."
	} else {
		reason += " It could follow that prefix, but then no order of the remaining operations works."
	}
	return blocked, reason
}

// describeOperation renders an operation with the model's
// DescribeOperation, or a generic form.
func describeOperation(m Model, op Operation) string {
	if m.DescribeOperation != nil {
		return m.DescribeOperation(op.Input, op.Output)
	}
	if op.Return == NeverReturned {
		return fmt.Sprintf("%v -> ?", op.Input)
	}
	return fmt.Sprintf("%v -> %v", op.Input, op.Output)
}

// describeState renders a state with the model's DescribeState, or %v.
func describeState(m Model, state interface{}) string {
	if m.DescribeState != nil {
		return m.DescribeState(state)
	}
	return fmt.Sprintf("%v", state)
}
