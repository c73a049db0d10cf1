package main

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// defaultPoints is the table used without -points.
//
//go:embed points.txt
var defaultPoints string

// part is one graded part of the labs: the name the points table gives
// it, the package holding its tests, and the endings of those tests' names.
// Courses number the labs differently by year (docs/course-files.md): the
// Raft tests end in 2A-2D up to 2023 and in 3A-3D from 2024, the KV tests in
// 3A/3B and then 4A/4B. A test's part follows from its package and its
// ending together, so a course's files of any year grade the same way.
// Lab 4's tests carry no suffix: its parts are told apart by package alone.
type part struct {
	name    string   // "2A": the points table's name (the 2018-2023 numbering)
	pkg     string   // relative to the module root
	endings []string // a test of pkg whose name ends with one of these is in the part; nil: every test of pkg
}

// knownParts are the parts a points table may name, in grading order.
var knownParts = []part{
	{"2A", "./raft", []string{"2A", "3A"}}, {"2B", "./raft", []string{"2B", "3B"}},
	{"2C", "./raft", []string{"2C", "3C"}}, {"2D", "./raft", []string{"2D", "3D"}},
	{"3A", "./raftkv", []string{"3A", "4A"}}, {"3B", "./raftkv", []string{"3B", "4B"}},
	{"4A", "./shardctrler", nil}, {"4B", "./shardkv", nil},
}

// classify returns the part that test, of package pkg, belongs to, and the
// part's name as the test's own ending gives it (the numbering of the
// course that wrote it): TestFigure82C of ./raft is part 2C shown as 2C,
// TestFigure83C is part 2C shown as 3C. ok is false for a test of no part.
func classify(pkg, test string) (p part, shown string, ok bool) {
	for _, p := range knownParts {
		if p.pkg != pkg {
			continue
		}
		if p.endings == nil {
			return p, p.name, true
		}
		for _, e := range p.endings {
			if strings.HasSuffix(test, e) {
				return p, e, true
			}
		}
	}
	return part{}, "", false
}

// partOf returns the part a test name places it in without its package,
// in the points table's numbering: the part of the first two labs whose
// name the test's name ends with, or "" (a points table names tests this
// way; lab 4's tests, named alike in both of its packages, cannot be).
func partOf(test string) string {
	for _, p := range knownParts {
		if p.endings != nil && strings.HasSuffix(test, p.name) {
			return p.name
		}
	}
	return ""
}

func lookupPart(name string) (part, bool) {
	for _, p := range knownParts {
		if p.name == name {
			return p, true
		}
	}
	return part{}, false
}

// cents are hundredths of a point, so that points add up exactly.
type cents int64

func (c cents) String() string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

func (c cents) points() float64 { return float64(c) / 100 }

// pointsTable is a parsed points file.
type pointsTable struct {
	file      string           // its name, for messages
	totals    map[string]cents // part name -> total
	totalLine map[string]int
	overrides map[string]override // test name -> fixed points
}

// override fixes the points of one test.
type override struct {
	points cents
	line   int
}

// parsePoints reads a points table: lines "PART TOTAL" and "TESTNAME
// POINTS", blank lines and '#' comments. Errors name the file and line.
func parsePoints(file string, r io.Reader) (*pointsTable, error) {
	pt := &pointsTable{file: file, totals: map[string]cents{}, totalLine: map[string]int{},
		overrides: map[string]override{}}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if err := pt.addLine(fields, line); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if len(pt.totals) == 0 {
		return nil, fmt.Errorf("%s: no part has points (want lines such as \"2A 15\")", file)
	}
	return pt, pt.checkOverrides()
}

// addLine adds one non-empty line, already split into fields.
func (pt *pointsTable) addLine(fields []string, line int) error {
	if len(fields) != 2 {
		return fmt.Errorf("want two fields, a part or test name and its points; got %d", len(fields))
	}
	name := fields[0]
	pts, err := parseCents(fields[1])
	if err != nil {
		return err
	}
	if _, ok := lookupPart(name); ok {
		if first, dup := pt.totalLine[name]; dup {
			return fmt.Errorf("part %s already has points (line %d)", name, first)
		}
		pt.totals[name], pt.totalLine[name] = pts, line
		return nil
	}
	if !strings.HasPrefix(name, "Test") {
		return fmt.Errorf("%q is neither a part (%s) nor a test name (Test...)", name, partNames())
	}
	if partOf(name) == "" {
		return fmt.Errorf("test %s belongs to no part: its name must end with one of %s", name, partNames())
	}
	if o, dup := pt.overrides[name]; dup {
		return fmt.Errorf("test %s already has points (line %d)", name, o.line)
	}
	pt.overrides[name] = override{points: pts, line: line}
	return nil
}

// parseCents reads a non-negative number of points with at most two decimals.
func parseCents(s string) (cents, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("points %q are not a number", s)
	}
	c := math.Round(f * 100)
	switch {
	case f < 0:
		return 0, fmt.Errorf("points %s are negative", s)
	case math.Abs(f*100-c) > 1e-6:
		return 0, fmt.Errorf("points %s have more than two decimals", s)
	case c > 1e12:
		return 0, fmt.Errorf("points %s are too many", s)
	}
	return cents(c), nil
}

// checkOverrides requires each overridden test's part to have a total
// that its overrides fit in.
func (pt *pointsTable) checkOverrides() error {
	sum := map[string]cents{}
	for _, name := range sortedKeys(pt.overrides) {
		o, p := pt.overrides[name], partOf(name)
		total, ok := pt.totals[p]
		if !ok {
			return fmt.Errorf("%s:%d: test %s is in part %s, which has no points in the table", pt.file, o.line, name, p)
		}
		sum[p] += o.points
		if sum[p] > total {
			return fmt.Errorf("%s:%d: the tests of part %s given points so far add up to %v, more than its total %v (line %d)",
				pt.file, o.line, p, sum[p], total, pt.totalLine[p])
		}
	}
	return nil
}

// sortedKeys lists the overrides by line, so errors point at the first
// line that goes wrong.
func sortedKeys(m map[string]override) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]].line < m[keys[j]].line })
	return keys
}

func partNames() string {
	var names []string
	for _, p := range knownParts {
		names = append(names, p.name)
	}
	return strings.Join(names, " ")
}

// allocate gives every test of one part its maximum points: an override
// as written, the rest of the part's total shared equally by the others
// (the first tests get the leftover cents). The warnings name overrides of
// tests that do not exist and totals that cannot be given out in full.
func (pt *pointsTable) allocate(partName string, tests []string) (map[string]cents, []string) {
	maxPoints := map[string]cents{}
	var shared []string
	left := pt.totals[partName]
	for _, t := range tests {
		if o, ok := pt.overrides[t]; ok {
			maxPoints[t] = o.points
			left -= o.points
		} else {
			shared = append(shared, t)
		}
	}
	var warnings []string
	for _, name := range sortedKeys(pt.overrides) {
		if _, found := maxPoints[name]; !found && partOf(name) == partName {
			warnings = append(warnings, fmt.Sprintf("%s:%d: there is no test %s; its points are shared by part %s's other tests",
				pt.file, pt.overrides[name].line, name, partName))
		}
	}
	if len(shared) == 0 {
		if left > 0 && len(tests) > 0 { // no tests at all is the caller's warning
			warnings = append(warnings, fmt.Sprintf("part %s: its tests are worth %v of its total %v: no test is left to share the rest",
				partName, pt.totals[partName]-left, pt.totals[partName]))
		}
		return maxPoints, warnings
	}
	each, extra := left/cents(len(shared)), left%cents(len(shared))
	for i, t := range shared {
		maxPoints[t] = each
		if cents(i) < extra {
			maxPoints[t]++
		}
	}
	return maxPoints, warnings
}
