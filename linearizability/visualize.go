package linearizability

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
)

// Visualize writes a timeline of the checked history to w as one
// self-contained HTML file (inline SVG and script; it loads nothing from
// the network). Each partition is drawn with one row per client and each
// operation as a bar from its call to its return (open-ended if it never
// returned). The linearization, or for an Illegal partition the longest
// partial one, is drawn as numbered points joined by a line; hovering an
// operation shows its step and the model state after it, and the first
// operation that could not be placed is marked. A menu shows one
// partition (for KvModel, one key) at a time or all of them.
//
// m should be the model the history was checked with; its
// DescribeOperation, DescribeState and DescribePartition, when set, provide
// the text. A model function that panics makes Visualize return a
// *ModelError naming it; so does an info whose check ended that way.
func Visualize(m Model, info LinearizationInfo, w io.Writer) (err error) {
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
	return writePage(w, buildTimeline(guardedForDrawing(m), info))
}

// writePage writes the page of timelineTemplate for data. The data goes
// into the script as JSON, which encoding/json escapes for HTML (<, >, &
// become \u003c...), so it can close neither the script element nor the
// CDATA section around it. The JSON is encoded straight into w rather than
// into the template: for a history of a few hundred thousand operations it
// is tens of megabytes, and the template would hold two more copies of it
// (the script as one string, and fmt's buffer printing it).
func writePage(w io.Writer, data timeline) error {
	t, err := template.New("timeline").Parse(timelineTemplate)
	if err != nil {
		return fmt.Errorf("linearizability: timeline template: %v", err)
	}
	if err := t.Execute(w, struct{ Data timeline }{data}); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "<script>//<![CDATA[\nconst DATA = "); err != nil {
		return err
	}
	if err := json.NewEncoder(w).Encode(data); err != nil {
		return fmt.Errorf("linearizability: timeline data: %v", err)
	}
	_, err = io.WriteString(w, ";\n"+string(timelineScript)+"\n//]]>\n</script>"+timelinePageEnd)
	return err
}

// timeline is the data the HTML template draws; it reaches the page's
// script as JSON.
type timeline struct {
	Result     CheckResult
	Partitions []timelinePartition
}

// timelinePartition is one partition of the timeline.
type timelinePartition struct {
	Label    string
	Result   CheckResult
	Times    int   // number of distinct times: the x axis
	Clients  []int // one row each, in order
	Ops      []timelineOp
	Steps    []timelineStep // the (partial) linearization in order
	Initial  string         // the initial state
	Complete bool           // Steps is a full linearization
	Blocked  int            // operation that could not be placed, or -1
	Reason   string         // why Blocked could not be placed
}

// timelineOp is one operation of a partition.
type timelineOp struct {
	Client     int
	Start, End int // ranks of its call and return times
	Call       int64
	Return     string // time, or "never"
	Text       string
	Unreturned bool
	Step       int // position in Steps, or -1
}

// timelineStep is one step of a linearization.
type timelineStep struct {
	Op    int
	State string  // the state after it
	Point float64 // a linearization point, in rank units, inside the op
}

// buildTimeline lays out info for the template.
func buildTimeline(m Model, info LinearizationInfo) timeline {
	tl := timeline{Result: info.result}
	for p, part := range info.partitions {
		rank := timeRanks(part.history)
		tp := timelinePartition{Label: fmt.Sprintf("partition %d", p), Result: part.result, Blocked: -1, Times: len(rank)}
		if m.DescribePartition != nil {
			tp.Label = m.DescribePartition(part.history)
		}
		tp.Ops = timelineOps(m, part.history, rank, len(rank))
		tp.Clients = clientRows(part.history)
		tp.Initial = describeState(m, m.Init())
		var longest []int
		if len(part.longest) > 0 {
			longest = part.longest[0]
		}
		tp.Steps = replaySteps(m, part.history, longest, tp.Ops)
		tp.Complete = part.result == Ok
		if !tp.Complete {
			tp.Blocked, tp.Reason = firstUnplaced(m, part.history, longest)
		}
		tl.Partitions = append(tl.Partitions, tp)
	}
	// Illegal partitions first: they are what the reader is looking for.
	sort.SliceStable(tl.Partitions, func(a, b int) bool {
		return tl.Partitions[a].Result == Illegal && tl.Partitions[b].Result != Illegal
	})
	return tl
}

// timeRanks maps every call and return time of a partition to its rank
// among the distinct times, so that the timeline spaces events evenly.
func timeRanks(history []Operation) map[int64]int {
	var times []int64
	for _, op := range history {
		times = append(times, op.Call)
		if op.Return != NeverReturned {
			times = append(times, op.Return)
		}
	}
	sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
	rank := make(map[int64]int, len(times))
	for _, t := range times {
		if _, ok := rank[t]; !ok {
			rank[t] = len(rank)
		}
	}
	return rank
}

// timelineOps describes each operation of a partition.
func timelineOps(m Model, history []Operation, rank map[int64]int, end int) []timelineOp {
	ops := make([]timelineOp, len(history))
	for i, op := range history {
		o := timelineOp{Client: op.ClientId, Start: rank[op.Call], Call: op.Call, Step: -1,
			Text: describeOperation(m, op)}
		if op.Return == NeverReturned {
			o.End, o.Return, o.Unreturned = end, "never", true
		} else {
			o.End, o.Return = rank[op.Return], fmt.Sprint(op.Return)
		}
		ops[i] = o
	}
	return ops
}

// clientRows lists the clients of a history in increasing order.
func clientRows(history []Operation) []int {
	seen := map[int]bool{}
	var clients []int
	for _, op := range history {
		if !seen[op.ClientId] {
			seen[op.ClientId] = true
			clients = append(clients, op.ClientId)
		}
	}
	sort.Ints(clients)
	return clients
}

// replaySteps runs the model along a linearization to get the state after
// each step, and picks for each step a point inside its operation that is
// no earlier than the previous step's, to draw the order as a line. It
// marks each operation's step in ops.
func replaySteps(m Model, history []Operation, order []int, ops []timelineOp) []timelineStep {
	state := m.Init()
	point := -1.0
	steps := make([]timelineStep, 0, len(order))
	for k, i := range order {
		_, state = m.Step(state, history[i].Input, history[i].Output)
		start, end := float64(ops[i].Start), float64(ops[i].End)
		point = maxFloat(point+0.15, start+0.15)
		if point > end-0.05 {
			point = (maxFloat(start, point-0.15) + end) / 2
		}
		steps = append(steps, timelineStep{Op: i, State: describeState(m, state), Point: point})
		ops[i].Step = k
	}
	return steps
}

func maxFloat(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
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
