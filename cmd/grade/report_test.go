package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// sampleTests are graded tests of every kind: full points, a failed run,
// a hang, a build failure, and a test worth nothing.
func sampleTests() []*gradedTest {
	ok := func(i int) runOutcome { return runOutcome{index: i, passed: true, seconds: 1} }
	return []*gradedTest{
		{part: "2A", name: "TestA2A", max: 334, runs: []runOutcome{ok(1), ok(2)}},
		{part: "2A", name: "TestB2A", max: 333, runs: []runOutcome{ok(1), {index: 2, why: "failed: c.go:1: x", excerpt: "--- FAIL\n"}}},
		{part: "2A", name: "TestC2A", max: 333, runs: []runOutcome{{index: 1, why: "timed out after 2m30s"}}},
		{part: "3A", name: "TestD3A", max: 6000, broken: "build failed: a.go:1:1: syntax error"},
		{part: "3A", name: "TestE3A", max: 0, runs: []runOutcome{ok(1), ok(2)}},
	}
}

// TestResultsJSONShape checks the JSON against the autograder format:
// exactly the fields score and tests; each test has a string name, numeric
// score and max_score, a string output; score is the sum of the tests'
// scores and no test scores above its maximum.
func TestResultsJSONShape(t *testing.T) {
	var b strings.Builder
	if err := writeResults("-", &b, buildResults(sampleTests(), 2)); err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal([]byte(b.String()), &top); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if len(top) != 2 {
		t.Errorf("top-level fields %v, want exactly score and tests", keys(top))
	}
	score, ok := top["score"].(float64)
	tests, ok2 := top["tests"].([]any)
	if !ok || !ok2 {
		t.Fatalf("score %T and tests %T: want a number and an array", top["score"], top["tests"])
	}
	sum := 0.0
	for i, raw := range tests {
		sum += checkTestEntry(t, i, raw)
	}
	if len(tests) != 5 || math.Abs(sum-score) > 1e-9 || math.Abs(score-3.34) > 1e-9 {
		t.Errorf("%d tests, score %v, sum of test scores %v: want 5 tests, 3.34 = the sum", len(tests), score, sum)
	}
}

// checkTestEntry checks one entry of "tests" and returns its score.
func checkTestEntry(t *testing.T, i int, raw any) float64 {
	t.Helper()
	entry, ok := raw.(map[string]any)
	if !ok {
		t.Fatalf("tests[%d] is %T, want an object", i, raw)
	}
	if len(entry) != 4 {
		t.Errorf("tests[%d] fields %v, want name, score, max_score, output", i, keys(entry))
	}
	_, nameOK := entry["name"].(string)
	_, outOK := entry["output"].(string)
	score, scoreOK := entry["score"].(float64)
	maxScore, maxOK := entry["max_score"].(float64)
	if !nameOK || !outOK || !scoreOK || !maxOK {
		t.Errorf("tests[%d] = %v: wrong field types", i, entry)
	}
	if score < 0 || score > maxScore {
		t.Errorf("tests[%d]: score %v outside 0..max_score %v", i, score, maxScore)
	}
	return score
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestResultsOutput(t *testing.T) {
	res := buildResults(sampleTests(), 2)
	want := []string{
		"passed 2 of 2 runs (2 wanted)",
		"passed 1 of 2 runs (2 wanted)\nrun 2: failed: c.go:1: x\n\noutput of run 2:\n--- FAIL\n",
		"passed 0 of 1 runs (2 wanted)\nrun 1: timed out after 2m30s\n\noutput of run 1:\n",
		"build failed: a.go:1:1: syntax error",
		"passed 2 of 2 runs (2 wanted)",
	}
	for i, w := range want {
		if res.Tests[i].Output != w {
			t.Errorf("tests[%d].output = %q, want %q", i, res.Tests[i].Output, w)
		}
	}
	if res.Tests[0].Name != "2A TestA2A" {
		t.Errorf("name %q, want the part and the test", res.Tests[0].Name)
	}
}

func TestWriteTable(t *testing.T) {
	var b strings.Builder
	writeTable(&b, sampleTests(), 2)
	want := `
part  test      runs         points  reason
2A    TestA2A    2/2      3.34/3.34
2A    TestB2A    1/2      0.00/3.33  run 2: failed: c.go:1: x
2A    TestC2A    0/1      0.00/3.33  run 1: timed out after 2m30s
3A    TestD3A    0/0     0.00/60.00  build failed: a.go:1:1: syntax error
3A    TestE3A    2/2      0.00/0.00

2A    3.34/10.00
3A    0.00/60.00
total 3.34/70.00 (a test earns its points only by passing all 2 runs)
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}
