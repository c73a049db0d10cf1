// Package virtualtest runs a package's tests in virtual time: each test runs
// inside a testing/synctest bubble, whose clock moves only when every
// goroutine of the test is blocked, so a test that mostly waits on timers
// (elections, heartbeats, the testers' sleeps) takes the CPU time it needs
// rather than the real time it waits.
//
// The tests are not changed. A generated file (Generate) adds, beside each
// test TestX of the package's own test files, a wrapper TestVirtualX that
// calls Run; the file reaches the build through go build's -overlay flag
// (WriteOverlay), so the source tree is never written to. cmd/stress,
// cmd/mutate and cmd/grade build with it when given -virtual.
//
// A package takes part by defining, in a non-test file of its tester
// (config.go), a function enterVirtualTime(seed int64): Run calls it before
// each test so the tester can switch what virtual time needs (a per-hop
// network latency, a seeded network, the Passed line's mark). Supported
// checks for it.
//
// Run gives every test of a run one seed: it seeds math/rand's global source
// with it before the test starts and passes it to enterVirtualTime. It also
// keeps a real-time watchdog outside the bubble: a goroutine spinning
// without blocking, or blocked on a mutex or on I/O, keeps the virtual clock
// still; if the clock has not moved for -virtual.stall of real time, the
// watchdog prints every goroutine's stack and ends the binary with "no
// progress in real time". The opposite failure, goroutines that keep the
// clock moving while the test can never end (clerks retrying for ever), is
// bounded in virtual time: a test still running after -virtual.limit
// (default 120 s, the testers' own limit per test) ends the same way, with
// "still running after". Without it such a run lasts until go test's
// -timeout, growing all the while.
//
// Run needs Go 1.25 or later (testing/synctest); the generated file carries
// //go:debug asynctimerchan=0 (go.mod's go 1.22 would select the old timer
// channels, which synctest refuses) and randseednop=0 (without it
// rand.Seed does nothing since Go 1.24).
package virtualtest
