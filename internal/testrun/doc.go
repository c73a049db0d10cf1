// Package testrun compiles a package's tests once and runs the binary many
// times, some at a time, reading go test -v output into per-test results. It
// is shared by cmd/stress (the same run again and again) and cmd/grade (each
// test on its own, with a time limit).
//
//	bin, err := testrun.Build(ctx, testrun.BuildOptions{Pkg: "./raft", OutDir: tmp})
//	r := &testrun.Runner{Bin: bin, Args: []string{"-test.v", "-test.run", "2A"}, OutDir: logs}
//	results := r.RunAll(ctx, 20, 2, started, finished)
//	testrun.WriteTable(os.Stdout, testrun.Summarize(results))
//
// RunJobs runs a list of jobs instead, each adding its own arguments (such as
// -test.run '^TestX$'), so that one hanging test cannot take others with it.
// Runner.KillAfter kills a run that outlives its limit (RunResult.TimedOut)
// and Runner.ShouldRun can drop jobs that an earlier result made pointless.
// The logs of failing runs are kept in Runner.OutDir; passing runs leave
// nothing behind.
package testrun
