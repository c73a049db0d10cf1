package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
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
	Keep         bool          // keep each bug's folder (for debugging a patch)
	Virtual      bool          // run the tests in virtual time (see virtual.go)
	wrappers     wrapperCache  // with Virtual, each package's wrappers
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

// Evaluate applies one bug to the tree through an overlay (see overlay.go),
// compiles the test binaries of the packages involved and, unless o.Check,
// runs the bug's tests until a run fails or the runs are used up.
func Evaluate(ctx context.Context, m Mutation, o *Options) Result {
	start := time.Now()
	r := evaluate(ctx, m, o)
	r.Name, r.Kind, r.Runs, r.Elapsed = m.Name, m.Kind, o.runsFor(m.Kind), time.Since(start)
	o.progressf("%-40s %s %s", m.Name, r.Status, firstLine(r.Killer+r.Detail))
	return r
}

// build is a bug's compiled form: where its packages' test binaries are,
// and the tests each one has.
type build struct {
	root   string                     // the tree, absolute
	bins   map[string]string          // test binary by package
	listed map[string]map[string]bool // the tests each binary lists, by package
}

// pkgDir is the folder a package's tests run in: the package's own, in the
// tree (the overlay changes only what is compiled).
func (b *build) pkgDir(pkg string) string {
	return filepath.Join(b.root, filepath.FromSlash(pkg))
}

func evaluate(ctx context.Context, m Mutation, o *Options) Result {
	work, err := os.MkdirTemp("", "mutate-"+m.Name+"-")
	if err != nil {
		return Result{Status: Broken, Detail: err.Error()}
	}
	if o.Keep {
		o.progressf("%-40s patched files, overlay and test binaries in %s", m.Name, work)
	} else {
		defer os.RemoveAll(work)
	}
	ov, err := m.Patch.Overlay(o.Root, work)
	if err != nil {
		return Result{Status: Broken, Detail: err.Error()}
	}
	b, err := buildTests(ctx, m, o, ov, work)
	if err != nil {
		return Result{Status: Broken, Detail: err.Error()}
	}
	if o.Check {
		return Result{Status: Checked, Detail: missingInSource(o.Root, m)}
	}
	if err := b.list(ctx); err != nil {
		return Result{Status: Broken, Detail: err.Error()}
	}
	if missing := b.missing(m); missing != "" {
		return Result{Status: NoTest, Detail: missing}
	}
	return runUntilKilled(ctx, m, o, b)
}

// binaryName is where the test binary of pkg goes in the bug's folder.
func binaryName(work, pkg string) string {
	name := strings.NewReplacer("/", "_", ".", "").Replace(strings.TrimPrefix(pkg, "./"))
	return filepath.Join(work, "bin", name+".test")
}

// buildTests compiles, in the tree with the bug's overlay (plus, with
// -virtual, the wrappers), the test binary of every package the bug touches
// or names tests in (go test -c, so test files are compiled too).
func buildTests(ctx context.Context, m Mutation, o *Options, ov overlay, work string) (*build, error) {
	root, err := filepath.Abs(o.Root)
	if err != nil {
		return nil, err
	}
	b := &build{root: root, bins: make(map[string]string)}
	for _, pkg := range m.packages() {
		pkgOverlay := maps.Clone(ov)
		if o.Virtual {
			wrappers, err := o.wrappers.overlayFor(root, pkg)
			if err != nil {
				return nil, err
			}
			maps.Copy(pkgOverlay, wrappers)
		}
		ovPath := filepath.Join(work, strings.NewReplacer("/", "_", ".", "").Replace(pkg)+"-overlay.json")
		if err := pkgOverlay.write(ovPath); err != nil {
			return nil, err
		}
		bin := binaryName(work, pkg)
		cmd := exec.CommandContext(ctx, o.GoCmd, "test", "-c", "-o", bin, "-overlay", ovPath, pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("patched %s does not compile: %v\n%s", pkg, err, bytes.TrimSpace(out))
		}
		b.bins[pkg] = bin
	}
	return b, nil
}

// list asks each test binary which tests it has (-test.list).
func (b *build) list(ctx context.Context) error {
	b.listed = make(map[string]map[string]bool)
	for pkg, bin := range b.bins {
		cmd := exec.CommandContext(ctx, bin, "-test.list", ".")
		cmd.Dir = b.pkgDir(pkg)
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("listing the tests of %s: %v", pkg, err)
		}
		have := make(map[string]bool)
		for _, name := range strings.Fields(string(out)) {
			have[name] = true
		}
		b.listed[pkg] = have
	}
	return nil
}

// missing returns the named tests the binaries lack ("" if none).
func (b *build) missing(m Mutation) string {
	var missing []string
	for _, set := range m.Tests {
		for _, name := range set.Names {
			if !b.listed[set.Pkg][name] {
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
func runUntilKilled(ctx context.Context, m Mutation, o *Options, b *build) Result {
	runs := o.runsFor(m.Kind)
	for run := 1; run <= runs; run++ {
		began := time.Now()
		out, failed := runOnce(ctx, m, o, b)
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
func runOnce(ctx context.Context, m Mutation, o *Options, b *build) ([]byte, bool) {
	for _, set := range m.Tests {
		for _, name := range set.Names {
			var extra []string
			if o.Virtual {
				name, extra = virtualName(b.listed[set.Pkg], name)
			}
			out, failed := runTests(ctx, b.bins[set.Pkg], b.pkgDir(set.Pkg), []string{name}, o.Timeout, extra...)
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
