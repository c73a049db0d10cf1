package main

import (
	"testing"

	"miniraftkv/internal/testrun"
)

func TestVirtualRunPatternMapsToWrappers(t *testing.T) {
	selected := []string{"TestFigure82C", "TestVirtualFigure82C", "TestTable2C"}
	have := []string{"TestVirtualFigure82C", "TestVirtualOther"}
	run, wrappers, skipped, err := virtualRunPattern(selected, have)
	if err != nil {
		t.Fatal(err)
	}
	if run != "^(TestVirtualFigure82C)$" || len(wrappers) != 1 || len(skipped) != 1 || skipped[0] != "TestTable2C" {
		t.Errorf("got %q %v %v; want ^(TestVirtualFigure82C)$, one wrapper, TestTable2C skipped", run, wrappers, skipped)
	}
	if _, _, _, err := virtualRunPattern([]string{"TestTable2C"}, have); err == nil {
		t.Errorf("no wrapper among the selected tests: want an error")
	}
}

func TestReplayCommandNamesTheFailedTestsAndSeed(t *testing.T) {
	cfg := config{pkg: "./raft", run: "2C", race: true, extra: []string{"-test.cpu", "1"}}
	res := testrun.RunResult{Tests: []testrun.TestResult{
		{Name: "TestVirtualFigure82C", Outcome: testrun.Passed},
		{Name: "TestVirtualFigure8Unreliable2C", Outcome: testrun.Failed},
	}}
	got := replayCommand(cfg, res, 42)
	want := "go run ./cmd/stress -virtual -seed 42 -n 1 -race -run '^(TestFigure8Unreliable2C)$' ./raft -- -test.cpu 1"
	if got != want {
		t.Errorf("replayCommand =\n%s\nwant\n%s", got, want)
	}
}

func TestVirtualSeedsOnePerRunUnlessGiven(t *testing.T) {
	for _, s := range virtualSeeds(7, 3) {
		if s != 7 {
			t.Fatalf("-seed 7 gave a run seed %d", s)
		}
	}
	seeds := virtualSeeds(0, 2)
	if seeds[0] == 0 || seeds[1] == 0 || seeds[0] == seeds[1] {
		t.Errorf("random seeds %v: want two different non-zero seeds", seeds)
	}
}
