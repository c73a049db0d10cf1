package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"miniraftkv/internal/virtualtest"
)

// Options configure a mutation run.
type Options struct {
	Root         string        // the tree the patches apply to
	GoCmd        string        // the go command
	SafetyRuns   int           // runs before a safety bug counts as surviving
	LivenessRuns int           // the same for liveness bugs
	Timeout      time.Duration // -test.timeout of one run of one package
	Check        bool          // only apply and compile, run no tests
	Logs         string        // if set, the output of each killing run is kept here
	Keep         bool          // keep scratch trees (for debugging a patch)
	Virtual      bool          // run the tests in virtual time (see virtual.go)
	Progress     io.Writer     // one line per finished run or bug
	progressMu   sync.Mutex
}

func (o *Options) progressf(format string, args ...interface{}) {
	o.progressMu.Lock()
	defer o.progressMu.Unlock()
	fmt.Fprintf(o.Progress, format+"\n", args...)
}

// runsFor is how many runs a bug of the kind gets.
func (o *Options) runsFor(k Kind) int {
	if k == liveness {
		return o.LivenessRuns
	}
	return o.SafetyRuns
}

// Evaluate applies one bug to a scratch copy of the tree, compiles the test
// binaries of the packages involved and, unless o.Check, runs the bug's
// tests until a run fails or the runs are used up.
func Evaluate(ctx context.Context, m Mutation, o *Options) Result {
	start := time.Now()
	r := evaluate(ctx, m, o)
	r.Name, r.Kind, r.Runs, r.Elapsed = m.Name, m.Kind, o.runsFor(m.Kind), time.Since(start)
	o.progressf("%-40s %s %s", m.Name, r.Status, firstLine(r.Killer+r.Detail))
	return r
}

func evaluate(ctx context.Context, m Mutation, o *Options) Result {
	scratch, err := os.MkdirTemp("", "mutate-"+m.Name+"-")
	if err != nil {
		return Result{Status: Broken, Detail: err.Error()}
	}
	if o.Keep {
		o.progressf("%-40s scratch tree %s", m.Name, scratch)
	} else {
		defer os.RemoveAll(scratch)
	}
	if err := copyTree(o.Root, scratch); err != nil {
		return Result{Status: Broken, Detail: "copying the tree: " + err.Error()}
	}
	if err := m.Patch.Apply(scratch); err != nil {
		return Result{Status: Broken, Detail: err.Error()}
	}
	bins, err := buildTests(ctx, m, o, scratch)
	if err != nil {
		return Result{Status: Broken, Detail: err.Error()}
	}
	if o.Check {
		return Result{Status: Checked, Detail: missingInSource(o.Root, m)}
	}
	if missing := listMissing(ctx, m, bins, scratch); missing != "" {
		return Result{Status: NoTest, Detail: missing}
	}
	return runUntilKilled(ctx, m, o, bins, scratch)
}

// binaryName is where the test binary of pkg goes in the scratch tree.
func binaryName(scratch, pkg string) string {
	name := strings.NewReplacer("/", "_", ".", "").Replace(strings.TrimPrefix(pkg, "./"))
	return filepath.Join(scratch, ".mutate-bin", name+".test")
}

// buildTests compiles the test binary of every package the bug touches or
// names tests in (go test -c, so test files are compiled too), and returns
// the binaries by package.
func buildTests(ctx context.Context, m Mutation, o *Options, scratch string) (map[string]string, error) {
	bins := make(map[string]string)
	for _, pkg := range m.packages() {
		bin := binaryName(scratch, pkg)
		args := []string{"test", "-c", "-o", bin}
		if o.Virtual {
			overlay, err := virtualOverlay(pkg, scratch)
			if err != nil {
				return nil, err
			}
			if overlay != "" {
				args = append(args, "-overlay", overlay)
			}
		}
		cmd := exec.CommandContext(ctx, o.GoCmd, append(args, pkg)...)
		cmd.Dir = scratch
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("patched %s does not compile: %v\n%s", pkg, err, bytes.TrimSpace(out))
		}
		bins[pkg] = bin
	}
	return bins, nil
}

// listMissing asks each test binary which of the named tests it has and
// returns the names it lacks ("" if none).
func listMissing(ctx context.Context, m Mutation, bins map[string]string, scratch string) string {
	var missing []string
	for _, set := range m.Tests {
		cmd := exec.CommandContext(ctx, bins[set.Pkg], "-test.list", runRegexp(set.Names))
		cmd.Dir = filepath.Join(scratch, set.Pkg)
		out, err := cmd.Output()
		if err != nil {
			return fmt.Sprintf("listing the tests of %s: %v", set.Pkg, err)
		}
		have := make(map[string]bool)
		for _, name := range strings.Fields(string(out)) {
			have[name] = true
		}
		for _, name := range set.Names {
			if !have[name] {
				missing = append(missing, set.Pkg+" "+name)
			}
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "missing " + strings.Join(missing, ", ")
}

// missingInSource warns about named tests that no _test.go file of their
// package in the original tree declares (-check runs no binaries).
func missingInSource(root string, m Mutation) string {
	var missing []string
	for _, set := range m.Tests {
		files, _ := filepath.Glob(filepath.Join(root, set.Pkg, "*_test.go"))
		var src strings.Builder
		for _, f := range files {
			b, _ := os.ReadFile(f)
			src.Write(b)
		}
		for _, name := range set.Names {
			decl := regexp.MustCompile(`(?m)^func ` + name + `\(`)
			if !decl.MatchString(src.String()) {
				missing = append(missing, name)
			}
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "warning: no such test yet: " + strings.Join(missing, ", ")
}

// runUntilKilled runs the bug's tests up to its number of runs and stops at
// the first run in which one fails.
func runUntilKilled(ctx context.Context, m Mutation, o *Options, bins map[string]string, scratch string) Result {
	runs := o.runsFor(m.Kind)
	for run := 1; run <= runs; run++ {
		began := time.Now()
		out, failed := runOnce(ctx, m, o, bins, scratch)
		if ctx.Err() != nil {
			return Result{Status: Broken, Detail: "interrupted", Run: run - 1}
		}
		if failed {
			o.keepLog(m.Name, run, out)
			return Result{Status: Killed, Killer: virtualtest.OriginalName(Killer(out)), Run: run}
		}
		o.progressf("%-40s run %d/%d passed (%.1fs)", m.Name, run, runs, time.Since(began).Seconds())
	}
	return Result{Status: Survived, Run: runs}
}

// runOnce runs each named test once, in the order the header names them
// (so the cheapest can come first: go test would run a package's internal
// tests before its external ones, each in file order), and stops at the
// first that fails. It returns that test's output and whether one failed.
func runOnce(ctx context.Context, m Mutation, o *Options, bins map[string]string, scratch string) ([]byte, bool) {
	for _, set := range m.Tests {
		for _, name := range set.Names {
			var extra []string
			if o.Virtual {
				name, extra = virtualName(ctx, bins[set.Pkg], name)
			}
			out, failed := runTests(ctx, bins[set.Pkg], filepath.Join(scratch, set.Pkg), []string{name}, o.Timeout, extra...)
			if failed || ctx.Err() != nil {
				return out, failed
			}
		}
	}
	return nil, false
}

// runTests runs the named tests once in pkgDir and reports their output and
// whether the run failed.
func runTests(ctx context.Context, bin, pkgDir string, names []string, timeout time.Duration, extra ...string) ([]byte, bool) {
	// The test binary enforces timeout itself (and says which test hung);
	// the context is a backstop in case it cannot.
	runCtx, cancel := context.WithTimeout(ctx, timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(runCtx, bin, append([]string{"-test.run", runRegexp(names), "-test.count=1",
		"-test.v", "-test.timeout", timeout.String()}, extra...)...)
	cmd.Dir = pkgDir
	out, err := cmd.CombinedOutput()
	return out, err != nil
}

// keepLog saves the output of a killing run in o.Logs, if set.
func (o *Options) keepLog(name string, run int, out []byte) {
	if o.Logs == "" {
		return
	}
	path := filepath.Join(o.Logs, fmt.Sprintf("%s-run%02d.log", name, run))
	err := os.MkdirAll(o.Logs, 0o755)
	if err == nil {
		err = os.WriteFile(path, out, 0o644)
	}
	if err != nil {
		o.progressf("%-40s cannot keep the log: %v", name, err)
	}
}

var (
	failLine = regexp.MustCompile(`^--- FAIL: (\S+)`)
	runLine  = regexp.MustCompile(`^=== RUN\s+(\S+)$`)
	doneLine = regexp.MustCompile(`^--- (?:PASS|FAIL|SKIP): (\S+)`)
)

// Killer names the test that failed in the -test.v output of a failed run:
// the first top-level test reported as failing, else the last one that
// started and never reported (a panic or a timeout), marked "(crashed)".
func Killer(out []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	unfinished := ""
	for sc.Scan() {
		line := sc.Text()
		if m := failLine.FindStringSubmatch(line); m != nil {
			return m[1]
		}
		if m := runLine.FindStringSubmatch(line); m != nil && !strings.Contains(m[1], "/") {
			unfinished = m[1]
		} else if m := doneLine.FindStringSubmatch(line); m != nil && m[1] == unfinished {
			unfinished = ""
		}
	}
	if unfinished != "" {
		return unfinished + " (crashed)"
	}
	return "(the test binary failed without naming a test)"
}
