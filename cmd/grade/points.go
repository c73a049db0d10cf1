package main

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// defaultPoints is the table used without -points.
//
//go:embed points.txt
var defaultPoints string

// part is one graded part of the labs and the package holding its tests.
type part struct {
	name string // "2A": the suffix of its tests' names
	pkg  string // relative to the module root
	// tests, when set, are the part's tests by name: lab 4's tests carry
	// no suffix, so its parts are told apart by package, through names
	// that no other package's tests have.
	tests []string
}

// knownParts are the parts a points table may name, in grading order.
var knownParts = []part{
	{name: "2A", pkg: "./raft"}, {name: "2B", pkg: "./raft"}, {name: "2C", pkg: "./raft"}, {name: "2D", pkg: "./raft"},
	{name: "3A", pkg: "./raftkv"}, {name: "3B", pkg: "./raftkv"},
	{name: "4A", pkg: "./shardctrler", tests: []string{"TestBasic", "TestMulti"}},
	{name: "4B", pkg: "./shardkv", tests: []string{"TestStaticShards", "TestJoinLeave", "TestSnapshot",
		"TestMissChange", "TestConcurrent1", "TestConcurrent2", "TestConcurrent3", "TestUnreliable1",
		"TestUnreliable2", "TestUnreliable3", "TestChallenge1Delete", "TestChallenge2Unaffected",
		"TestChallenge2Partial"}},
}

// partOf returns the part a test belongs to: the known part that lists it
// by name, or else the known part without a list that its name ends with;
// "" for a test of no part.
func partOf(test string) string {
	for _, p := range knownParts {
		if slices.Contains(p.tests, test) {
			return p.name
		}
	}
	for _, p := range knownParts {
		if p.tests == nil && strings.HasSuffix(test, p.name) {
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
