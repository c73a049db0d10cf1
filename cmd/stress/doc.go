// Stress runs the tests of one package many times, some in parallel, to find
// the failures that only show up now and then.
//
//	go run ./cmd/stress -n 20 -p 2 -run 2A ./raft
//	go run ./cmd/stress -n 100 -p 4 -race -run 'TestFigure8' -out figure8-logs ./raft
//
// It compiles the package's test binary once (go test -c, with -race when
// asked), then runs it N times with -test.v, at most P at a time, each run in
// the package's directory as go test would. While it works it shows a
// progress bar on a terminal (one line per finished run otherwise) with the
// passes, failures and time per run. The full output of every failing run is
// kept as run-NNN.log in the output folder (-out; by default a new temporary
// folder, removed again if nothing failed). At the end it prints a table per
// test: runs, failures, and the mean, standard deviation, minimum and maximum
// of the time that go test reported ("--- PASS: TestX (1.23s)").
//
// A test that never reports a result (a panic, a timeout, os.Exit) counts as
// a failure of that test. Ctrl-C stops cleanly: no new runs start, the
// running ones are stopped and left out of the figures, and the summary of
// the runs that finished is printed. A second Ctrl-C quits at once.
//
// Flags:
//
//	-n N         number of runs (default 10)
//	-p P         runs at a time (default 2)
//	-run REGEXP  tests to run, as go test -run (default: all)
//	-race        build with the race detector
//	-timeout D   per-run limit, as go test -timeout (default 10m)
//	-out DIR     keep failing logs (and summary.txt) in DIR
//
// Arguments after "--" are passed to the test binary (e.g. -- -test.short).
// Exit status: 0 when every run passed, 1 when a run failed, 2 for usage or
// build errors, 130 when interrupted before any failure.
package main
