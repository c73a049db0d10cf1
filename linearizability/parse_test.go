package linearizability

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Parsers for the two public history formats of ../shared/data/histories
// (see its MANIFEST.txt). They live in a test file: the data is not part of
// the project, and the formats are test fixtures, not an API.

// historiesDir returns the shared histories folder, or skips the test (or
// benchmark) when it is absent, as it is in a fresh clone.
func historiesDir(tb testing.TB) string {
	tb.Helper()
	for _, dir := range []string{"../../shared/data/histories", "../shared/data/histories"} {
		if _, err := os.Stat(filepath.Join(dir, "MANIFEST.txt")); err == nil {
			return dir
		}
	}
	tb.Skip("skipping: ../../shared/data/histories (the public histories) is not present beside the checkout")
	return ""
}

// manifestEntry is one line of MANIFEST.txt.
type manifestEntry struct {
	file         string // relative to the histories folder
	linearizable bool
}

// readManifest returns the histories and their expected verdicts.
func readManifest(tb testing.TB, dir string) []manifestEntry {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.txt"))
	if err != nil {
		tb.Fatalf("reading manifest: %v", err)
	}
	defer f.Close()
	var entries []manifestEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 3 {
			tb.Fatalf("manifest line %q: want file, bytes, expected", line)
		}
		switch fields[2] {
		case "linearizable":
			entries = append(entries, manifestEntry{fields[0], true})
		case "NOT linearizable":
			entries = append(entries, manifestEntry{fields[0], false})
		default:
			tb.Fatalf("manifest line %q: unknown verdict %q", line, fields[2])
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("reading manifest: %v", err)
	}
	return entries
}

// kvLine matches one event of the 6.824 KV format.
var kvLine = regexp.MustCompile(`^\{:process (\d+), :type :(invoke|ok), :f :(get|put|append), :key "((?:[^"\\]|\\.)*)", :value (nil|"(?:[^"\\]|\\.)*")\}$`)

// parseKvHistory reads a kv/cNN-*.txt file as operations; times are line
// numbers.
func parseKvHistory(path string) ([]Operation, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var ops []Operation
	open := map[int]int{} // process -> index of its open operation
	for n, line := range lines {
		m := kvLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: not a KV event: %q", path, n+1, line)
		}
		proc, _ := strconv.Atoi(m[1])
		key, err := strconv.Unquote(`"` + m[4] + `"`)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: bad key: %v", path, n+1, err)
		}
		value := ""
		if m[5] != "nil" {
			if value, err = strconv.Unquote(m[5]); err != nil {
				return nil, fmt.Errorf("%s:%d: bad value: %v", path, n+1, err)
			}
		}
		if m[2] == "invoke" {
			if _, busy := open[proc]; busy {
				return nil, fmt.Errorf("%s:%d: process %d invokes twice", path, n+1, proc)
			}
			op := map[string]uint8{"get": KvGet, "put": KvPut, "append": KvAppend}[m[3]]
			open[proc] = len(ops)
			ops = append(ops, Operation{ClientId: proc, Input: KvInput{Op: op, Key: key, Value: value},
				Call: int64(n), Return: NeverReturned})
			continue
		}
		i, ok := open[proc]
		if !ok {
			return nil, fmt.Errorf("%s:%d: process %d returns without a call", path, n+1, proc)
		}
		delete(open, proc)
		ops[i].Output = KvOutput{Value: value}
		ops[i].Return = int64(n)
	}
	return ops, nil
}

// jepsenLine matches one event of the Jepsen etcd log format.
var jepsenLine = regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*?)\s*$`)

// parseJepsenHistory reads a jepsen/etcd_NNN.log file as register
// operations; times are line numbers. :ok operations happened; a :fail cas
// is a cas whose comparison failed (it did not write), a :fail read or
// write never happened and is dropped; :info operations, and operations
// still open at the end, never returned.
func parseJepsenHistory(path string) ([]Operation, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var ops []Operation
	drop := map[int]bool{}
	open := map[int]int{}
	for n, line := range lines {
		m := jepsenLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("%s:%d: not a Jepsen event: %q", path, n+1, line)
		}
		proc, _ := strconv.Atoi(m[1])
		if m[2] == "invoke" {
			in, err := parseRegisterInput(m[3], m[4])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, n+1, err)
			}
			if _, busy := open[proc]; busy {
				return nil, fmt.Errorf("%s:%d: process %d invokes twice", path, n+1, proc)
			}
			open[proc] = len(ops)
			ops = append(ops, Operation{ClientId: proc, Input: in, Call: int64(n), Return: NeverReturned})
			continue
		}
		i, ok := open[proc]
		if !ok {
			return nil, fmt.Errorf("%s:%d: process %d completes without a call", path, n+1, proc)
		}
		delete(open, proc)
		if err := completeRegisterOp(&ops[i], m[2], m[4], int64(n)); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n+1, err)
		}
		if m[2] == "fail" && m[3] != "cas" {
			drop[i] = true
		}
	}
	kept := ops[:0]
	for i, op := range ops {
		if !drop[i] {
			kept = append(kept, op)
		}
	}
	return kept, nil
}

// parseRegisterInput parses the :f and value of an :invoke.
func parseRegisterInput(f, value string) (RegisterInput, error) {
	switch f {
	case "read":
		return RegisterInput{Kind: RegisterRead}, nil
	case "write":
		v, err := strconv.Atoi(value)
		return RegisterInput{Kind: RegisterWrite, Value: v}, err
	}
	var from, to int
	if _, err := fmt.Sscanf(value, "[%d %d]", &from, &to); err != nil {
		return RegisterInput{}, fmt.Errorf("bad cas value %q: %v", value, err)
	}
	return RegisterInput{Kind: RegisterCas, Expected: from, Value: to}, nil
}

// completeRegisterOp fills in the outcome of op from an :ok, :fail or
// :info line.
func completeRegisterOp(op *Operation, typ, value string, at int64) error {
	switch typ {
	case "info":
		return nil // never returned
	case "fail":
		op.Output, op.Return = RegisterOutput{Ok: false}, at
		return nil
	}
	op.Return = at
	in := op.Input.(RegisterInput)
	switch in.Kind {
	case RegisterRead:
		if value == "nil" {
			op.Output = RegisterOutput{Nil: true}
			return nil
		}
		v, err := strconv.Atoi(value)
		op.Output = RegisterOutput{Value: v}
		return err
	case RegisterCas:
		op.Output = RegisterOutput{Ok: true}
	default:
		op.Output = RegisterOutput{}
	}
	return nil
}

// readLines returns the lines of a file without the final empty one.
func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], "\r")
	}
	return lines, nil
}

// loadHistory parses a manifest file with the parser its folder needs and
// returns the model to check it against.
func loadHistory(tb testing.TB, dir, file string) (Model, []Operation) {
	tb.Helper()
	path := filepath.Join(dir, file)
	var ops []Operation
	var err error
	var m Model
	switch {
	case strings.HasPrefix(file, "kv/"):
		ops, err = parseKvHistory(path)
		m = KvModel()
	case strings.HasPrefix(file, "jepsen/"):
		ops, err = parseJepsenHistory(path)
		m = RegisterModel()
	default:
		tb.Fatalf("%s: unknown history format", file)
	}
	if err != nil {
		tb.Fatalf("parsing %s: %v", file, err)
	}
	return m, ops
}
