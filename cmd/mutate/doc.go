// Mutate checks that the tests catch the classic Raft and KV bugs. It puts
// each bug of a catalogue into the tree's compiled tests, one at a time
// (the tree's files stay as they are), and runs the tests that should catch it until one fails.
//
//	go run ./cmd/mutate                     # the whole catalogue (make mutate)
//	go run ./cmd/mutate -only 08,kv-        # some bugs: names or name prefixes
//	go run ./cmd/mutate -check              # patches apply and compile (make mutate-check)
//
// The catalogue is the folder mutations/: one unified diff per bug,
// NN-short-name.patch, against the non-test code of raft/ and raftkv/, of
// lab 4's shardctrler/ and shardkv/ and the internal/rsm they are built
// on, and of the real cluster's labtcp/ and diskpersist/. Its
// header, before the diff, says what the bug is, what kind it is and which
// tests kill it:
//
//	Bug: A peer votes again in a term in which it has already voted ...
//	  (indented lines continue the value)
//	Kind: safety
//	Tests: ./raft TestPaperVotePersisted2C, TestManyElections2A
//	Why: optional commentary, e.g. why the older tests miss it.
//
// Kind is safety (a guarantee breaks as soon as the wrong interleaving
// happens) or liveness (progress stalls or slows, or a resource grows). A
// Tests line names a package and tests in it; there may be several lines.
// The tests run in the order named, so name the cheapest first.
//
// For each bug, mutate applies the patch with its own unified-diff applier
// (every hunk's context must match exactly, possibly some lines away from
// where the hunk says; otherwise the error names the patch, the file and
// the hunk) without changing the tree: the patched files go into a
// temporary folder, and go build's -overlay flag puts them in place of the
// originals. It compiles, in the tree, the test binaries of the packages
// the patch touches and the tests are in (go test -c); the packages the
// patch leaves alone keep their paths and come from the build cache (so
// leave the tree unchanged while mutate runs: each bug is built from it as
// it is then). It checks the named tests exist (-test.list), then runs them one at a time
// in the order the header names them (-test.run '^A$' -test.v, in the
// package's folder), up to 10 times for a safety bug and 20 times for a
// liveness bug, and stops at the first failing test. A test that panics, times out or ends the process (the testers' appliers call
// log.Fatalf) counts as failing: "(crashed)" after its name in the matrix.
//
// At the end it prints a matrix: per bug its kind, the result (killed,
// SURVIVED, BROKEN when the patch does not apply or the tree does not
// compile, NO TEST when a named test does not exist), the test that killed
// it and on which run, and the time it took. The exit status is 0 when
// every bug was killed, 1 otherwise, 2 for a usage or catalogue error.
//
// With -check no test runs: every patch must apply and the patched tree
// (tests included) compile, and named tests that no _test.go file declares
// yet are reported as warnings. CI runs this (make mutate-check) so the
// catalogue keeps up with changes to the code.
//
// # Adding a bug
//
//  1. Make the bug in the working tree: a small, real mistake, the kind a
//     student or an engineer makes, in non-test code of those packages
//     that is not a course file (config.go, test_test.go, persister.go).
//  2. git diff > mutations/NN-short-name.patch, then git checkout the file.
//  3. Put the header above the diff: Bug, Kind, Tests (the cheapest tests
//     that should catch it), and Why when the older tests miss it.
//  4. go run ./cmd/mutate -only NN to see it killed; if it survives, write
//     the test that kills it, or say in Why precisely which test should and
//     why none does.
//
// # Flags
//
//	-only LIST          bugs to evaluate: comma-separated names or prefixes
//	-p N                bugs evaluated at a time (default 1: the raft and KV
//	                    testers are timing sensitive, verdicts need a quiet machine;
//	                    with -virtual the default is 2)
//	-check              apply and compile only
//	-safety-runs N      runs before a safety bug survives (default 10)
//	-liveness-runs N    the same for liveness bugs (default 20)
//	-timeout D          limit of one run of one package's tests (default 10m)
//	-logs DIR           keep the output of each killing run as DIR/NAME-runNN.log
//	-keep               keep each bug's folder: patched files, overlay, test
//	                    binaries (their paths are printed)
//	-root DIR, -dir DIR the tree (default .) and the catalogue (default ROOT/mutations)
//	-virtual            run the tests in virtual time (as cmd/stress -virtual):
//	                    the catalogue in under two minutes, a first pass;
//	                    real time stays the reference (docs/virtual-time.md
//	                    lists the bugs whose verdict differs)
//
// Progress (one line per run and per bug) goes to standard error, the
// matrix to standard output.
package main
