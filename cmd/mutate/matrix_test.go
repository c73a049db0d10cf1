package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestExitStatus(t *testing.T) {
	killed := Result{Name: "a", Status: Killed}
	cases := []struct {
		name    string
		results []Result
		want    int
	}{
		{"all killed", []Result{killed, killed}, 0},
		{"check mode, all fine", []Result{{Status: Checked}, {Status: Checked, Detail: "warning: no such test yet: TestX"}}, 0},
		{"one survivor", []Result{killed, {Status: Survived}}, 1},
		{"a patch that does not apply", []Result{{Status: Broken}, killed}, 1},
		{"a named test missing", []Result{killed, {Status: NoTest}}, 1},
		{"nothing evaluated", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ExitStatus(c.results); got != c.want {
				t.Fatalf("ExitStatus = %d, want %d", got, c.want)
			}
		})
	}
}

func TestPrintMatrix(t *testing.T) {
	results := []Result{
		{Name: "01-a", Kind: safety, Status: Killed, Killer: "TestX2A", Run: 3, Runs: 10, Elapsed: 1500 * time.Millisecond},
		{Name: "02-b", Kind: liveness, Status: Survived, Run: 20, Runs: 20},
		{Name: "03-c", Kind: safety, Status: Broken, Detail: "patch 03-c: file x.go: hunk 1 does not apply\nmore"},
		{Name: "04-d", Kind: safety, Status: NoTest, Detail: "missing ./raft TestY"},
	}
	var buf bytes.Buffer
	PrintMatrix(&buf, results)
	out := buf.String()
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if len(rows) != 6 {
		t.Fatalf("got %d lines, want header, 4 rows and a summary:\n%s", len(rows), out)
	}
	wantRows := [][]string{
		{"01-a", "safety", "killed", "TestX2A", "3/10", "1.5s"},
		{"02-b", "liveness", "SURVIVED", "20/20"},
		{"03-c", "BROKEN", "hunk 1 does not apply ..."},
		{"04-d", "NO TEST", "missing ./raft TestY"},
	}
	for i, want := range wantRows {
		for _, w := range want {
			if !strings.Contains(rows[i+1], w) {
				t.Errorf("row %q lacks %q", rows[i+1], w)
			}
		}
	}
	if strings.Contains(out, "more") {
		t.Errorf("a multi-line detail was printed whole:\n%s", out)
	}
	if want := "4 bugs: 1 killed, 1 SURVIVED, 1 BROKEN, 1 NO TEST"; rows[5] != want {
		t.Errorf("summary %q, want %q", rows[5], want)
	}
}

func TestKiller(t *testing.T) {
	cases := []struct {
		name, out, want string
	}{
		{"a failing test", "=== RUN   TestA\n--- PASS: TestA (0.10s)\n=== RUN   TestB\n    x_test.go:9: boom\n--- FAIL: TestB (1.00s)\nFAIL\n", "TestB"},
		{"a failing subtest names its parent", "=== RUN   TestA\n=== RUN   TestA/case\n    --- FAIL: TestA/case (0.00s)\n--- FAIL: TestA (0.00s)\n", "TestA"},
		{"a panic", "=== RUN   TestA\n--- PASS: TestA (0.10s)\n=== RUN   TestB\npanic: oops\n\ngoroutine 1 [running]:\n", "TestB (crashed)"},
		{"a timeout", "=== RUN   TestA\n=== RUN   TestA/sub\npanic: test timed out after 1s\n", "TestA (crashed)"},
		{"nothing to go on", "exit status 2\n", "(the test binary failed without naming a test)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Killer([]byte(c.out)); got != c.want {
				t.Fatalf("Killer = %q, want %q", got, c.want)
			}
		})
	}
}

func TestSelectMutations(t *testing.T) {
	muts := []Mutation{{Name: "01-vote"}, {Name: "02-append"}, {Name: "12-kv-dup"}, {Name: "13-kv-get"}}
	names := func(ms []Mutation) string {
		var s []string
		for _, m := range ms {
			s = append(s, m.Name)
		}
		return strings.Join(s, ",")
	}
	cases := []struct{ only, want string }{
		{"", "01-vote,02-append,12-kv-dup,13-kv-get"},
		{"02", "02-append"},
		{"01-vote, 13", "01-vote,13-kv-get"},
		{"1", "12-kv-dup,13-kv-get"},
	}
	for _, c := range cases {
		got, err := selectMutations(muts, c.only)
		if err != nil || names(got) != c.want {
			t.Errorf("-only %q: got %s (%v), want %s", c.only, names(got), err, c.want)
		}
	}
	if _, err := selectMutations(muts, "99"); err == nil {
		t.Error("-only 99 matched nothing but gave no error")
	}
}
