package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePoints(t *testing.T) {
	table := `# comment line
2A 15   # trailing comment

2B 12.5
TestFigure82B 2.25
`
	pt, err := parsePoints("p.txt", strings.NewReader(table))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]cents{"2A": 1500, "2B": 1250}; !reflect.DeepEqual(pt.totals, want) {
		t.Errorf("totals %v, want %v", pt.totals, want)
	}
	if want := map[string]override{"TestFigure82B": {225, 5}}; !reflect.DeepEqual(pt.overrides, want) {
		t.Errorf("overrides %v, want %v", pt.overrides, want)
	}
}

func TestParsePointsErrors(t *testing.T) {
	cases := []struct {
		name, table, want string
	}{
		{"one field", "2A 10\n2B\n", "p.txt:2: want two fields"},
		{"three fields", "2A 10 extra\n", "p.txt:1: want two fields"},
		{"not a number", "2A ten\n", `p.txt:1: points "ten" are not a number`},
		{"negative", "\n\n2A -1\n", "p.txt:3: points -1 are negative"},
		{"three decimals", "2A 1.125\n", "p.txt:1: points 1.125 have more than two decimals"},
		{"infinite", "2A Inf\n", `p.txt:1: points "Inf" are not a number`},
		{"unknown part", "5A 10\n", `p.txt:1: "5A" is neither a part`},
		{"test of no part", "2A 10\nTestSomething 3\n", "p.txt:2: test TestSomething belongs to no part"},
		{"duplicate part", "2A 10\n# x\n2A 5\n", "p.txt:3: part 2A already has points (line 1)"},
		{"duplicate test", "2A 10\nTestX2A 1\nTestX2A 2\n", "p.txt:3: test TestX2A already has points (line 2)"},
		{"override of a part not in the table", "2A 10\nTestX2B 1\n", "p.txt:2: test TestX2B is in part 2B, which has no points"},
		{"overrides above the total", "2A 10\nTestX2A 6\nTestY2A 5\n", "p.txt:3: the tests of part 2A given points so far add up to 11.00, more than its total 10.00"},
		{"empty", "# nothing\n", "p.txt: no part has points"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parsePoints("p.txt", strings.NewReader(c.table))
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %v, want one starting %q", err, c.want)
			}
		})
	}
}

func TestDefaultPointsTable(t *testing.T) {
	pt, err := parsePoints("points.txt", strings.NewReader(defaultPoints))
	if err != nil {
		t.Fatal(err)
	}
	labs := map[byte]cents{}
	for p, total := range pt.totals {
		labs[p[0]] += total
	}
	if len(pt.totals) != len(knownParts) || len(labs) != 3 || labs['2'] != 10000 || labs['3'] != 10000 || labs['4'] != 10000 {
		t.Errorf("totals %v: want every part, 100 points per lab", pt.totals)
	}
}

func TestAllocate(t *testing.T) {
	pt, err := parsePoints("p.txt", strings.NewReader("2A 10\n2B 10\nTestBig2B 4\nTestGone2B 1\n2C 3\nTestOnly2C 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		part     string
		tests    []string
		want     map[string]cents
		warnings int
	}{
		{"equal shares, leftover cents to the first", "2A", []string{"TestA2A", "TestB2A", "TestC2A"},
			map[string]cents{"TestA2A": 334, "TestB2A": 333, "TestC2A": 333}, 0},
		{"override kept, rest shared, missing override warned", "2B", []string{"TestBig2B", "TestX2B", "TestY2B"},
			map[string]cents{"TestBig2B": 400, "TestX2B": 300, "TestY2B": 300}, 1},
		{"every test overridden below the total", "2C", []string{"TestOnly2C"},
			map[string]cents{"TestOnly2C": 200}, 1},
		{"no tests", "2A", nil, map[string]cents{}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, warnings := pt.allocate(c.part, c.tests)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("points %v, want %v", got, c.want)
			}
			if len(warnings) != c.warnings {
				t.Errorf("warnings %q, want %d", warnings, c.warnings)
			}
			var sum cents
			for _, p := range got {
				sum += p
			}
			if c.warnings == 0 && len(c.tests) > 0 && sum != pt.totals[c.part] {
				t.Errorf("points add up to %v, not the part's total %v", sum, pt.totals[c.part])
			}
		})
	}
}

func TestPartOf(t *testing.T) {
	for name, want := range map[string]string{
		"TestFigure82C": "2C", "TestSnapshotRPC3B": "3B", "TestInitialElection2A": "2A",
		"TestNoPart": "", "Test2Afoo": "", "TestSnapshotInit2D": "2D", "TestBasic": "",
	} {
		if got := partOf(name); got != want {
			t.Errorf("partOf(%s) = %q, want %q", name, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct{ pkg, test, part, shown string }{
		{"./raft", "TestFigure82C", "2C", "2C"},
		{"./raft", "TestFigure83C", "2C", "3C"}, // a 2024 course's numbering
		{"./raft", "TestInitialElection3A", "2A", "3A"},
		{"./raftkv", "TestSnapshotRPC3B", "3B", "3B"},
		{"./raftkv", "TestSnapshotRPC4B", "3B", "4B"},
		{"./raftkv", "TestBasic4A", "3A", "4A"},
		{"./shardctrler", "TestBasic", "4A", "4A"},
		{"./shardctrler", "TestRebalanceTable", "4A", "4A"},
		{"./shardkv", "TestChallenge2Partial", "4B", "4B"},
		{"./raft", "TestNoPart", "", ""},
		{"./raftkv", "TestFigure82C", "", ""},
		{"./labrpc", "TestBasic", "", ""},
	}
	for _, c := range cases {
		p, shown, ok := classify(c.pkg, c.test)
		if p.name != c.part || shown != c.shown || ok != (c.part != "") {
			t.Errorf("classify(%s, %s) = %q shown %q (%v); want %q shown %q", c.pkg, c.test, p.name, shown, ok, c.part, c.shown)
		}
	}
}
