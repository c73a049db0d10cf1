package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"miniraftkv/internal/cmdline"
)

// config is everything the command line decides.
type config struct {
	dir         string         // -dir: the tree to grade
	runs        int            // -runs: a test earns points only if it passes all of them
	parallel    int            // -p: runs at a time
	timeout     time.Duration  // -timeout: limit of one run of one test
	pointsFile  string         // -points; "" for the built-in table
	jsonOut     string         // -json; "-" for standard output
	courseFiles string         // -course-files DIR
	race        bool           // -race
	run         *regexp.Regexp // -run; nil for every test
	parts       []string       // -parts; nil for every part in the table
	out         string         // -out: keep failing logs here
	allRuns     bool           // -all-runs: keep running a test after it failed
	virtual     bool           // -virtual: practice mode in virtual time, not a grade (practice.go)
}

// Exit statuses.
const (
	exitGraded      = 0 // grading completed, whatever the score
	exitCannotGrade = 1 // no module, a tree that cannot be copied, results that cannot be written
	exitUsage       = 2 // bad flags or inputs (points table, course files)
	exitInterrupted = 130
)

// killSlack is how long after -timeout a run is killed if the test binary
// has not stopped itself (go test's own timeout panics at -timeout).
const killSlack = 30 * time.Second

func main() {
	cfg, err := parseArgs(os.Args[1:], os.Stderr)
	if status, failed := cmdline.ParseFailed("grade", err, os.Stderr); failed {
		os.Exit(status)
	}
	os.Exit(grade(cfg, os.Stdout, os.Stderr))
}

// parseArgs reads the flags; grade takes no other arguments.
func parseArgs(args []string, errOut io.Writer) (config, error) {
	var cfg config
	fs := cmdline.NewFlagSet("grade", "grade [-dir DIR] [-runs R] [-p P] [-timeout D] [-parts 2A,2B] [-run REGEXP]\n"+
		"             [-points FILE] [-json FILE] [-course-files DIR] [-race] [-out DIR] [-all-runs]", errOut)
	fs.StringVar(&cfg.dir, "dir", ".", "the module tree to grade")
	fs.IntVar(&cfg.runs, "runs", 3, "runs of each test; it earns its points only if every run passes")
	fs.IntVar(&cfg.parallel, "p", 1, "runs at a time (the testers are timing sensitive: more may cost points on a small machine)")
	fs.DurationVar(&cfg.timeout, "timeout", 150*time.Second, "limit of one run of one test (the testers' own limit is 120s)")
	fs.StringVar(&cfg.pointsFile, "points", "", "points table (default: the built-in cmd/grade/points.txt)")
	fs.StringVar(&cfg.jsonOut, "json", "grade-results.json", "write the results here in the autograder JSON format; - for standard output")
	fs.StringVar(&cfg.courseFiles, "course-files", "", "grade a copy of the tree with the five course files taken from `DIR`/raft/config.go etc.;\n"+
		"only the tests declared in DIR's test_test.go files are then graded (each part's points shared among them)")
	fs.BoolVar(&cfg.race, "race", false, "build the tests with the race detector")
	runRE := fs.String("run", "", "grade only the tests matching this regexp")
	parts := fs.String("parts", "", "grade only these parts, e.g. 2A,2B")
	fs.StringVar(&cfg.out, "out", "", "keep the logs of failed runs here (default: a new temporary folder)")
	fs.BoolVar(&cfg.allRuns, "all-runs", false, "run a test every time even after it has failed (default: stop at its first failure)")
	fs.BoolVar(&cfg.virtual, "virtual", false, "PRACTICE MODE, not a grade: run the tests in virtual time "+
		"(minutes instead of hours; Go 1.25 or later)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q (the tree to grade is -dir DIR)", fs.Args())
	}
	return cfg, checkConfig(&cfg, *runRE, *parts)
}

func checkConfig(cfg *config, runRE, parts string) error {
	switch {
	case cfg.runs < 1:
		return fmt.Errorf("-runs %d: need at least one run", cfg.runs)
	case cfg.parallel < 1:
		return fmt.Errorf("-p %d: need at least one run at a time", cfg.parallel)
	case cfg.timeout <= 0:
		return fmt.Errorf("-timeout %v: need a positive limit", cfg.timeout)
	case cfg.jsonOut == "":
		return fmt.Errorf("-json needs a file name (or - for standard output)")
	case cfg.virtual && cfg.courseFiles != "":
		return fmt.Errorf("-virtual needs this project's own config.go files; it cannot run with -course-files")
	}
	if runRE != "" {
		re, err := regexp.Compile(runRE)
		if err != nil {
			return fmt.Errorf("-run: %v", err)
		}
		cfg.run = re
	}
	for _, p := range strings.Split(parts, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, ok := lookupPart(strings.ToUpper(p)); !ok {
			return fmt.Errorf("-parts: unknown part %q (known: %s)", p, partNames())
		}
		cfg.parts = append(cfg.parts, strings.ToUpper(p))
	}
	return nil
}
