package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Kind says what a bug breaks, which decides how often its tests run before
// it counts as surviving: a safety bug breaks a guarantee as soon as the
// wrong interleaving happens, a liveness bug only slows or stalls progress
// and may need more tries to show.
type Kind string

const (
	safety   Kind = "safety"
	liveness Kind = "liveness"
)

// TestSet is the tests of one package that should kill a bug.
type TestSet struct {
	Pkg   string   // as go test takes it, e.g. ./raft
	Names []string // top-level test names
}

// Mutation is one bug of the catalogue: a patch and what its header says.
type Mutation struct {
	Name  string // the patch's file name without .patch
	Bug   string // what the bug is
	Kind  Kind
	Tests []TestSet
	Patch *Patch
}

// testName is what a Tests line may name: a top-level Go test.
var testName = regexp.MustCompile(`^Test[A-Za-z0-9_]*$`)

// LoadCatalogue reads every *.patch file of dir, in name order.
func LoadCatalogue(dir string) ([]Mutation, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.patch"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.patch files in %s", dir)
	}
	sort.Strings(files)
	var muts []Mutation
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m, err := ParseMutation(strings.TrimSuffix(filepath.Base(f), ".patch"), string(text))
		if err != nil {
			return nil, err
		}
		muts = append(muts, m)
	}
	return muts, nil
}

// ParseMutation parses a catalogue file: a header of "Key: value" lines
// (Bug, Kind, Tests; any other key, e.g. Why, is free commentary, and lines
// that are not "Key:" lines continue the previous value) up to the first
// "diff --git" or "--- " line, then the unified diff.
func ParseMutation(name, text string) (Mutation, error) {
	m := Mutation{Name: name}
	header, diff := splitHeader(text)
	fields, err := headerFields(header)
	if err != nil {
		return m, fmt.Errorf("patch %s: %v", name, err)
	}
	m.Bug = strings.Join(fields["Bug"], " ")
	m.Kind = Kind(strings.Join(fields["Kind"], " "))
	if m.Bug == "" {
		return m, fmt.Errorf("patch %s: header has no Bug: line", name)
	}
	if m.Kind != safety && m.Kind != liveness {
		return m, fmt.Errorf("patch %s: Kind is %q, want %q or %q", name, m.Kind, safety, liveness)
	}
	for _, line := range fields["Tests"] {
		set, err := parseTestSet(line)
		if err != nil {
			return m, fmt.Errorf("patch %s: %v", name, err)
		}
		m.Tests = append(m.Tests, set)
	}
	if len(m.Tests) == 0 {
		return m, fmt.Errorf("patch %s: header has no Tests: line", name)
	}
	m.Patch, err = ParsePatch(name, diff)
	return m, err
}

// splitHeader cuts a catalogue file at its first diff line.
func splitHeader(text string) (header, diff string) {
	start := 0
	for start < len(text) {
		rest := text[start:]
		if strings.HasPrefix(rest, "diff --git ") || strings.HasPrefix(rest, "--- ") {
			return text[:start], rest
		}
		nl := strings.IndexByte(rest, '\n')
		if nl < 0 {
			break
		}
		start += nl + 1
	}
	return text, ""
}

// headerFields collects the values of each key; every "Key:" line adds one
// value, and other non-blank lines continue the latest value.
func headerFields(header string) (map[string][]string, error) {
	fields := make(map[string][]string)
	key := ""
	for _, line := range strings.Split(header, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok && isHeaderKey(k) {
			key = k
			fields[key] = append(fields[key], strings.TrimSpace(v))
			continue
		}
		if key == "" {
			return nil, fmt.Errorf("header line %q comes before any Key: line", line)
		}
		vals := fields[key]
		vals[len(vals)-1] = strings.TrimSpace(vals[len(vals)-1] + " " + line)
	}
	return fields, nil
}

// isHeaderKey reports whether k looks like a header key: one capitalised word.
func isHeaderKey(k string) bool {
	if k == "" || k[0] < 'A' || k[0] > 'Z' {
		return false
	}
	return !strings.ContainsAny(k, " \t")
}

// parseTestSet parses a Tests value: a package, then test names separated
// by spaces or commas, e.g. "./raft TestBackup2B, TestCount2B".
func parseTestSet(value string) (TestSet, error) {
	words := strings.Fields(strings.ReplaceAll(value, ",", " "))
	if len(words) < 2 || !strings.HasPrefix(words[0], "./") {
		return TestSet{}, fmt.Errorf("the Tests line %q: want a package (./pkg) and at least one test", value)
	}
	set := TestSet{Pkg: words[0]}
	for _, w := range words[1:] {
		if !testName.MatchString(w) {
			return TestSet{}, fmt.Errorf("the Tests line %q: %q is not a test name", value, w)
		}
		set.Names = append(set.Names, w)
	}
	return set, nil
}

// runRegexp is the -test.run pattern that selects exactly names.
func runRegexp(names []string) string {
	return "^(" + strings.Join(names, "|") + ")$"
}

// packages returns the packages (./dir) whose files the patch
// changes, and the packages of its tests, each once.
func (m Mutation) packages() []string {
	seen := make(map[string]bool)
	var pkgs []string
	add := func(pkg string) {
		if !seen[pkg] {
			seen[pkg] = true
			pkgs = append(pkgs, pkg)
		}
	}
	for _, fd := range m.Patch.Files {
		path := fd.NewPath
		if path == devNull {
			path = fd.OldPath
		}
		if strings.HasSuffix(path, ".go") {
			add("./" + filepath.ToSlash(filepath.Dir(path)))
		}
	}
	for _, set := range m.Tests {
		add(set.Pkg)
	}
	return pkgs
}
