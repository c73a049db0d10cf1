package testrun

import (
	"bufio"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// TestResult is what one run of the test binary said about one test.
type TestResult struct {
	Name    string
	Outcome Outcome
	Seconds float64 // as reported by go test; 0 for Crashed
}

// Outcome is the verdict of one test in one run.
type Outcome int

// The outcomes, from the "--- PASS/FAIL/SKIP" lines of go test -v.
const (
	Passed  Outcome = iota
	Failed          // "--- FAIL"
	Skipped         // "--- SKIP"
	Crashed         // started ("=== RUN") but never reported: panic, timeout, os.Exit
)

var (
	// resultLine matches "--- PASS: TestX (1.23s)", indented for subtests.
	resultLine = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+) \((\d+(?:\.\d+)?)s\)`)
	// runLine matches "=== RUN   TestX" (written by -test.v).
	runLine = regexp.MustCompile(`^=== RUN\s+(\S+)`)
)

// ParseTestOutput reads the -test.v output of one run and returns one result
// per test in the order the tests started. Tests that started but never
// reported a result come out as Crashed.
func ParseTestOutput(r io.Reader) ([]TestResult, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20) // debug output can have long lines
	var order []string
	results := make(map[string]TestResult)
	for sc.Scan() {
		line := sc.Text()
		if m := runLine.FindStringSubmatch(line); m != nil {
			if _, seen := results[m[1]]; !seen {
				order = append(order, m[1])
				results[m[1]] = TestResult{Name: m[1], Outcome: Crashed}
			}
			continue
		}
		m := resultLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		secs, _ := strconv.ParseFloat(m[3], 64)
		if _, seen := results[m[2]]; !seen {
			order = append(order, m[2]) // without -v there is no RUN line
		}
		results[m[2]] = TestResult{Name: m[2], Outcome: outcomeOf(m[1]), Seconds: secs}
	}
	out := make([]TestResult, 0, len(order))
	for _, name := range order {
		out = append(out, results[name])
	}
	return out, sc.Err()
}

func outcomeOf(word string) Outcome {
	switch word {
	case "PASS":
		return Passed
	case "FAIL":
		return Failed
	}
	return Skipped
}

// FailedNames lists the tests of a run that failed or crashed, top-level
// tests only (a failing subtest also fails its parent). A crashed test is
// marked "(no result)": it panicked, timed out or exited.
func FailedNames(results []TestResult) []string {
	var names []string
	for _, r := range results {
		if strings.Contains(r.Name, "/") {
			continue
		}
		switch r.Outcome {
		case Failed:
			names = append(names, r.Name)
		case Crashed:
			names = append(names, r.Name+" (no result)")
		}
	}
	return names
}

// crashCause returns what made a failed run's log end badly: its first
// "panic: " or "fatal error: " line ("test timed out after 10m0s" for go
// test's own timeout), or "data race" when the race detector reported one;
// "" when the log has none of these (an ordinary test failure).
func crashCause(logPath string) string {
	f, err := os.Open(logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	return CrashCause(f)
}

// CrashCause is crashCause on a run's output.
func CrashCause(r io.Reader) string {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "panic: test timed out after "):
			return strings.TrimPrefix(line, "panic: ")
		case strings.HasPrefix(line, "panic: "), strings.HasPrefix(line, "fatal error: "):
			return line
		case strings.HasPrefix(line, "WARNING: DATA RACE"):
			return "data race"
		}
	}
	return ""
}
