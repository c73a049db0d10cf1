// Stress runs the tests of one package many times, some in parallel, to find
// the failures that only show up now and then.
//
//	go run ./cmd/stress -n 20 -p 2 -run 2A ./raft
//	go run ./cmd/stress -n 100 -p 4 -race -run 'TestFigure8' -out figure8-logs ./raft
//
//	go run ./cmd/stress -until-fail -keep -v -run TestBackup2B ./raft
//	go run ./cmd/stress -virtual -n 1000 -p 2 -run 2C ./raft
//
// It compiles the package's test binary once (go test -c, with -race when
// asked) into the output folder, checks that -run selects at least one test
// (a pattern that does not compile, or matches nothing, exits 2 naming the
// tests there are), then runs it N times with -test.v, at most P at a time,
// each run in the package's directory as go test would. While it works it
// shows a progress bar on a terminal as wide as the terminal (one line per
// finished run otherwise) with the passes, failures and time per run. The
// full output of every failing run (of every run with -keep) is kept as
// run-NNN.log in the output folder (-out; by default a new temporary folder,
// removed again if no log is kept). The first line of each log is the shell
// command that repeats that run; the test binary it names stays beside the
// logs. Runs get KV_TIMELINE_DIR set to the output folder (unless it is set
// already), so the KV tester writes the HTML timeline of a failed
// linearizability check there too, and names it in the failure message.
// At the end it prints a table per test: runs, failures, and the mean,
// standard deviation, minimum and maximum of the time that go test reported
// ("--- PASS: TestX (1.23s)").
//
// A test that never reports a result (a panic, a timeout, os.Exit) counts as
// a failure of that test, and the run's line says what ended it: "test timed
// out after 2m0s", or the first line of the panic or fatal error. Ctrl-C
// stops cleanly: no new runs start, the running ones are stopped and left
// out of the figures, and the summary of the runs that finished is printed.
// A second Ctrl-C quits at once.
//
// Flags:
//
//	-n N         number of runs (default 10)
//	-p P         runs at a time (default 2)
//	-run REGEXP  tests to run, as go test -run (default: all)
//	-race        build with the race detector
//	-timeout D   per-run limit, as go test -timeout (default 10m)
//	-out DIR     keep failing logs (and summary.txt) in DIR
//	-keep        keep the logs of passing runs too
//	-until-fail  run until the first failure or Ctrl-C (at most -n runs when
//	             -n is given)
//	-v           debug output in every run (RAFT_DEBUG=1 KV_DEBUG=1), to lay
//	             out with cmd/raftlog; runs always use go test -v
//	-virtual     run each test in virtual time (below)
//	-seed S      with -virtual: every run's seed (default: a new one per run)
//	-stall D     with -virtual: the watchdog's real-time limit (default 60s)
//
// With -virtual (Go 1.25 or later) each selected test TestX runs as a
// wrapper TestVirtualX that internal/virtualtest generates and adds to the
// build with go build's -overlay (the source tree is not touched): inside a
// testing/synctest bubble, where the clock moves only when every goroutine
// of the test is blocked, so waiting on timers costs no real time. The
// package's tester must support it (this project's config.go does; a
// course's does not, and stress says so). Each run gets a seed, passed as
// -virtual.seed: math/rand's global source and the network draw from it.
// The summary prints, under each failed run, its seed and the stress
// command that runs its failed tests again with it. A seed does not fix the
// Go scheduler's choices, so a rerun need not fail the same way; see
// docs/virtual-time.md. A run whose virtual clock stands still for -stall
// of real time (a goroutine spinning, or blocked on a mutex) fails with "no
// progress in real time" and every goroutine's stack; a test still running
// after 120 s of virtual time, the testers' limit per test (its goroutines
// keep the clock moving but it cannot end), fails with "still running
// after" and every goroutine's stack (-- -virtual.limit D changes it).
//
// Arguments after "--" are passed to the test binary (e.g. -- -test.short).
// Exit status: 0 when every run passed, 1 when a run failed, 2 for usage or
// build errors or a -run that selects no test, 130 when interrupted before
// any failure.
package main
