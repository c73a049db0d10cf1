// Grade grades a MiniRaftKV tree the way a course would: it runs every test
// of each lab part several times and gives a test its points only if it
// passes every run.
//
//	go run ./cmd/grade                           # every part, 3 runs per test
//	go run ./cmd/grade -parts 2A -runs 1         # a quick check of one part
//	go run ./cmd/grade -dir ../student -course-files ../course -race
//	make grade GRADEFLAGS='-parts 2A,2B -runs 1'
//
// The parts are 2A, 2B, 2C and 2D (the tests in ./raft), 3A and 3B (in
// ./raftkv), 4A (./shardctrler) and 4B (./shardkv). A test belongs to the
// part its package and its name's ending give it, in the numbering of any
// course year: TestFigure82C of ./raft is 2C, and so is TestFigure83C
// (courses from 2024 number the Raft tests 3A-3D and the KV tests 4A/4B);
// TestSnapshotRPC3B and TestSnapshotRPC4B of ./raftkv are 3B. Lab 4's tests
// carry no suffix: every test of ./shardctrler is 4A, of ./shardkv 4B. The
// points table and -parts use these names; the table and the JSON show each
// part as its tests' names give it. Tests of no part are not graded. Grade builds
// each package's test binary once (go test -c, with -race if asked), then
// runs each test on its own (-test.run '^TestName$'), -runs times, -p at a
// time, so one hanging test cannot take others down and each run has its
// own time limit (-timeout, default 150s: the testers' own limit of 120s
// plus slack; go test's timeout panics then, and a binary still running 30s
// later is killed). Unless -all-runs is given, a test that has failed is not
// run again: it can no longer earn its points.
//
// A run fails when the test fails (the reason is the last message it
// printed before its "--- FAIL" line: t.Fatal ends a test, and go test's
// output does not tell t.Logf lines from t.Error ones), times out ("timed
// out after 2m30s"), panics (the first line of the panic), exits without
// reporting, skips itself, or when the package does not build (the
// compiler's first lines); a failed run costs the test all its points.
//
// # Points
//
// The points come from a plain text table, cmd/grade/points.txt (built into
// the command; -points FILE reads another). Each line is "PART TOTAL", whose
// total the part's tests share equally, or "TESTNAME POINTS", which fixes
// one test's points (the rest of its part's total is shared by the other
// tests). '#' starts a comment; points have at most two decimals; a part
// with no line is not graded. A malformed table is an error naming the line.
//
//	2A 15
//	2C 30
//	TestFigure8Unreliable2C 6
//
// # Output
//
// Grade prints one line per finished run while it works, then a table: part,
// test, runs passed/tried, points/max and, for a test without points, why.
// It writes the results as JSON in the format autograders such as
// Gradescope read, to grade-results.json in the current directory (-json
// FILE elsewhere, -json - on standard output, the table then going to
// standard error):
//
//	{"score": 85.5, "tests": [{"name": "2A TestInitialElection2A", "score": 3.75,
//	  "max_score": 3.75, "output": "passed 3 of 3 runs (3 wanted)"}, ...]}
//
// The logs of failed runs are kept (in -out DIR, or a temporary folder
// whose name is printed).
//
// # Course files
//
// -course-files DIR grades with a course's own copies of the five course
// files, which DIR holds at the paths they have in the tree:
//
//	DIR/raft/config.go  DIR/raft/test_test.go  DIR/raft/persister.go
//	DIR/raftkv/config.go  DIR/raftkv/test_test.go
//
// (DIR/kvraft may stand for DIR/raftkv.) Grade copies the tree to a
// temporary folder (without .git), overwrites the five files there and
// grades the copy; the graded tree is never changed. A missing file is an
// error. The files come as the course wrote them, so in the copy grade
// rewrites their imports of the course's packages ("6.5840/labrpc", or
// GOPATH-style "labrpc") to this module's paths and a "package kvraft" to
// the folder's package, and carries any other package folder of DIR (the
// porcupine and models packages a 2021+ KV tester imports) into the copy,
// unless the tree has a folder of that name. It says each of these on
// standard error. The rules that let a course's files replace ours are in
// docs/course-files.md.
//
// Only the tests declared in the course's two test files,
// raft/test_test.go and raftkv/test_test.go, are graded then: the tests of
// the tree's other test files (ours, such as raft/paper_test.go, or ones a
// student added) are not run and earn no points, and grade names them on
// standard error. Each part's total is shared among the course's tests
// alone, so a test is worth more than without -course-files, and the two
// tables do not compare test by test. The other test files are still
// compiled with the course's files: one that does not compile against them
// fails its package's build, and every test of the package earns nothing.
//
// # Flags
//
//	-dir DIR           the module tree to grade (default .)
//	-runs R            runs of each test (default 3)
//	-p P               runs at a time (default 1: the testers are timing sensitive)
//	-timeout D         limit of one run of one test (default 150s)
//	-parts LIST        grade only these parts, e.g. 2A,3B
//	-run REGEXP        grade only the tests matching REGEXP
//	-points FILE       points table (default: the built-in points.txt)
//	-json FILE         results file (default grade-results.json; - for standard output)
//	-course-files DIR  overlay the five course files from DIR on a copy of the tree,
//	                   and grade only the tests of its two test_test.go files
//	-race              build with the race detector
//	-out DIR           keep the logs of failed runs in DIR
//	-all-runs          run a test all R times even after it failed
//	-virtual           PRACTICE MODE, never a grade: every test runs in
//	                   virtual time (as cmd/stress -virtual), so a whole
//	                   grading takes minutes; the run, the table and the
//	                   JSON results say it is practice. Not with -course-files.
//
// Exit status: 0 when grading completed, whatever the score; 1 when the
// tree could not be graded (no Go module, a copy that failed, results that
// could not be written); 2 for bad flags or inputs (points table, course
// files) and for a selection (-parts, -run) that matches no test, which
// grade reports with the list of the tests there are, writing no results;
// 130 when interrupted (the partial table is printed, no results
// are written).
package main
