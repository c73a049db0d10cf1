package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// devNull is the path a unified diff gives a file that does not exist on
// one side (a created or deleted file).
const devNull = "/dev/null"

// Patch is a parsed unified diff: the changes to one or more files.
type Patch struct {
	Name  string // where the patch came from, for error messages
	Files []FileDiff
}

// FileDiff is the part of a patch that changes one file.
type FileDiff struct {
	OldPath string // relative to the tree's root, or devNull for a new file
	NewPath string // relative to the tree's root, or devNull for a deleted file
	Hunks   []Hunk
}

// Hunk is one "@@ -a,b +c,d @@" section of a file's diff.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
	Old                []string // the lines the hunk expects: context and removed lines
	New                []string // the lines it leaves: context and added lines
	NoNewlineAtEnd     bool     // "\ No newline at end of file" after the new side's last line
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`)

// ParsePatch parses the unified diff text (as git diff writes it). Lines
// before the first file header and git's extended headers ("diff --git",
// "index ...") are ignored.
func ParsePatch(name, text string) (*Patch, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	p := &Patch{Name: name}
	for i := 0; i < len(lines); {
		switch {
		case strings.HasPrefix(lines[i], "--- "):
			fd, next, err := parseFileDiff(lines, i)
			if err != nil {
				return nil, fmt.Errorf("patch %s: line %d: %v", name, i+1, err)
			}
			p.Files = append(p.Files, fd)
			i = next
		case strings.HasPrefix(lines[i], "@@"):
			return nil, fmt.Errorf("patch %s: line %d: hunk outside a file (no --- and +++ lines before it)", name, i+1)
		default:
			i++
		}
	}
	if len(p.Files) == 0 {
		return nil, fmt.Errorf("patch %s: no file changes in it", name)
	}
	return p, nil
}

// parseFileDiff parses the "---"/"+++" lines at lines[i] and the hunks that
// follow, and returns the index of the first line after them.
func parseFileDiff(lines []string, i int) (FileDiff, int, error) {
	if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "+++ ") {
		return FileDiff{}, 0, errors.New("--- line not followed by a +++ line")
	}
	fd := FileDiff{OldPath: diffPath(lines[i][4:], "a/"), NewPath: diffPath(lines[i+1][4:], "b/")}
	i += 2
	for i < len(lines) && strings.HasPrefix(lines[i], "@@") {
		h, next, err := parseHunk(lines, i)
		if err != nil {
			return FileDiff{}, 0, err
		}
		fd.Hunks = append(fd.Hunks, h)
		i = next
	}
	if len(fd.Hunks) == 0 {
		return FileDiff{}, 0, fmt.Errorf("no hunks for %s", fd.NewPath)
	}
	return fd, i, nil
}

// diffPath turns a path of a ---/+++ line into one relative to the root:
// without a trailing timestamp and without git's a/ or b/ prefix.
func diffPath(s, prefix string) string {
	if tab := strings.IndexByte(s, '\t'); tab >= 0 {
		s = s[:tab]
	}
	if s == devNull {
		return s
	}
	return strings.TrimPrefix(s, prefix)
}

// parseHunk parses the hunk whose header is lines[i], reading body lines
// until both sides have the lengths the header gives.
func parseHunk(lines []string, i int) (Hunk, int, error) {
	m := hunkHeader.FindStringSubmatch(lines[i])
	if m == nil {
		return Hunk{}, 0, fmt.Errorf("malformed hunk header %q", lines[i])
	}
	h := Hunk{OldStart: atoi(m[1]), OldLines: countOrOne(m[2]), NewStart: atoi(m[3]), NewLines: countOrOne(m[4])}
	i++
	for ; i < len(lines) && (len(h.Old) < h.OldLines || len(h.New) < h.NewLines); i++ {
		line := lines[i]
		if line == "" {
			line = " " // an empty context line whose leading space was stripped
		}
		switch line[0] {
		case ' ':
			h.Old = append(h.Old, line[1:])
			h.New = append(h.New, line[1:])
		case '-':
			h.Old = append(h.Old, line[1:])
		case '+':
			h.New = append(h.New, line[1:])
		case '\\':
			continue
		default:
			return Hunk{}, 0, fmt.Errorf("hunk %q ends early at line %q", m[0], line)
		}
	}
	if len(h.Old) != h.OldLines || len(h.New) != h.NewLines {
		return Hunk{}, 0, fmt.Errorf("hunk %q: patch ends after %d old and %d new lines", m[0], len(h.Old), len(h.New))
	}
	if i < len(lines) && strings.HasPrefix(lines[i], `\`) {
		// "\ No newline at end of file": only the new side's matters here.
		h.NoNewlineAtEnd = len(h.New) > 0
		i++
	}
	return h, i, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s) // the regexp admits only digits
	return n
}

// countOrOne reads a hunk length, which a unified diff omits when it is 1.
func countOrOne(s string) int {
	if s == "" {
		return 1
	}
	return atoi(s)
}

// Apply applies the patch to the tree under root, file by file. Every hunk's
// context and removed lines must match the file exactly, at the line the
// hunk names or shifted by some lines (earlier edits to the file move it).
// The error names the patch, the file and the hunk that did not apply; files
// changed before the failure stay changed.
func (p *Patch) Apply(root string) error {
	return p.applyWith(
		func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(root, rel)) },
		func(rel string, content []byte, deleted bool) error {
			path := filepath.Join(root, rel)
			if deleted {
				return os.Remove(path)
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			return os.WriteFile(path, content, 0o644)
		})
}

// readFunc reads a file of the tree by its path relative to the root;
// writeFunc stores its patched content, or its deletion.
type (
	readFunc  func(rel string) ([]byte, error)
	writeFunc func(rel string, content []byte, deleted bool) error
)

// applyWith applies the patch file by file, reading the originals with read
// and handing the results to write.
func (p *Patch) applyWith(read readFunc, write writeFunc) error {
	for _, fd := range p.Files {
		if err := fd.apply(read, write); err != nil {
			return fmt.Errorf("patch %s: %v", p.Name, err)
		}
	}
	return nil
}

func (fd FileDiff) apply(read readFunc, write writeFunc) error {
	if fd.NewPath == devNull {
		if _, err := read(fd.OldPath); err != nil {
			return fmt.Errorf("file %s: %v", fd.OldPath, err)
		}
		if err := write(fd.OldPath, nil, true); err != nil {
			return fmt.Errorf("file %s: %v", fd.OldPath, err)
		}
		return nil
	}
	var lines []string
	if fd.OldPath != devNull {
		content, err := read(fd.OldPath)
		if err != nil {
			return fmt.Errorf("file %s: %v", fd.OldPath, err)
		}
		lines = splitLines(string(content))
	}
	out, err := applyHunks(lines, fd.Hunks)
	if err != nil {
		return fmt.Errorf("file %s: %v", fd.NewPath, err)
	}
	text := strings.Join(out, "\n")
	if len(out) > 0 && !fd.Hunks[len(fd.Hunks)-1].NoNewlineAtEnd {
		text += "\n"
	}
	return write(fd.NewPath, []byte(text), false)
}

// splitLines splits a file's content into lines without their newlines.
func splitLines(content string) []string {
	if content == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(content, "\n"), "\n")
}

// applyHunks applies hunks, in order, to a file's lines and returns the
// result. A hunk must apply after the end of the previous one.
func applyHunks(lines []string, hunks []Hunk) ([]string, error) {
	out := append([]string(nil), lines...)
	shift := 0 // how far earlier hunks moved the lines below them
	floor := 0 // the first line a hunk may touch
	for n, h := range hunks {
		want := h.OldStart - 1 + shift
		if h.OldLines == 0 {
			want = h.OldStart + shift // a pure insertion names the line before it
		}
		at, ok := findHunk(out, h.Old, want, floor)
		if !ok {
			return nil, fmt.Errorf("hunk %d (@@ -%d,%d +%d,%d @@) does not apply: %s",
				n+1, h.OldStart, h.OldLines, h.NewStart, h.NewLines, mismatch(out, h.Old, want))
		}
		out = append(out[:at], append(append([]string(nil), h.New...), out[at+len(h.Old):]...)...)
		shift += at - want + len(h.New) - len(h.Old)
		floor = at + len(h.New)
	}
	return out, nil
}

// findHunk returns where old occurs in lines exactly, trying want first and
// then ever further from it, never before floor.
func findHunk(lines, old []string, want, floor int) (int, bool) {
	for d := 0; d <= len(lines); d++ {
		for _, at := range []int{want - d, want + d} {
			if at >= floor && at+len(old) <= len(lines) && equalLines(lines[at:at+len(old)], old) {
				return at, true
			}
			if d == 0 {
				break
			}
		}
	}
	return 0, false
}

func equalLines(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// mismatch explains why old is not at want: the first line that differs.
func mismatch(lines, old []string, want int) string {
	for i, o := range old {
		at := want + i
		if at < 0 || at >= len(lines) {
			return fmt.Sprintf("line %d expected %q, but the file has %d lines", at+1, o, len(lines))
		}
		if lines[at] != o {
			return fmt.Sprintf("context not found anywhere in the file; at line %d expected %q, found %q", at+1, o, lines[at])
		}
	}
	return "context not found after the previous hunk"
}
