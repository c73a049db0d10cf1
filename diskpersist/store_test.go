package diskpersist

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"miniraftkv/internal/loglines"
)

func open(t *testing.T, dir string) (*Store, *loglines.Lines) {
	t.Helper()
	logs := &loglines.Lines{}
	s, err := Open(dir, Options{Logf: logs.Logf})
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// expectContents checks what a fresh Open of dir finds.
func expectContents(t *testing.T, dir string, state, snapshot string) *loglines.Lines {
	t.Helper()
	s, logs := open(t, dir)
	defer s.Close()
	p := s.Persister()
	if got := p.ReadRaftState(); string(got) != state {
		t.Fatalf("state = %q, want %q", got, state)
	}
	if got := p.ReadSnapshot(); string(got) != snapshot {
		t.Fatalf("snapshot = %q, want %q", got, snapshot)
	}
	return logs
}

func TestFreshFolderIsEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	s, _ := open(t, dir)
	defer s.Close()
	if s.Persister().RaftStateSize() != 0 || s.Persister().SnapshotSize() != 0 {
		t.Fatal("a new folder holds state")
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir)
	s.Persister().Save([]byte("state-1"), []byte("snap-1"))
	// No Close: the process might have been killed right after the save.
	s.crash()
	expectContents(t, dir, "state-1", "snap-1")

	s, _ = open(t, dir)
	s.Persister().SaveRaftState([]byte("state-2"))
	s.Close()
	expectContents(t, dir, "state-2", "snap-1")

	s, _ = open(t, dir)
	s.Persister().SaveStateAndSnapshot(nil, nil)
	s.crash()
	expectContents(t, dir, "", "")
}

// appendStates saves base, then appends each of parts as the write-through
// of Raft's append-only stream does, and returns where the file's records
// end after the rewrite and after each append.
func appendStates(t *testing.T, dir, base, snapshot string, parts ...string) []int64 {
	t.Helper()
	s, _ := open(t, dir)
	defer s.Close()
	s.Persister().Save([]byte(base), []byte(snapshot))
	offsets := []int64{s.end}
	for _, part := range parts {
		half := len(part) / 2
		s.write([][]byte{[]byte(part[:half]), []byte(part[half:])}, nil, true)
		offsets = append(offsets, s.end)
	}
	if st := s.Stats(); st.Appends != int64(len(parts)) || st.Fsyncs < st.Appends {
		t.Fatalf("stats %+v after %d appends", st, len(parts))
	}
	if size := fileSize(t, dir); size < s.end {
		t.Fatalf("the file is %d bytes long, its records end at %d", size, s.end)
	}
	return offsets
}

func fileSize(t *testing.T, dir string) int64 {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestAppendsFillTheZerosThenGrow appends more than the zeros a rewrite
// leaves: the file grows, every record survives, and the file ends in
// zeros again.
func TestAppendsFillTheZerosThenGrow(t *testing.T) {
	dir := t.TempDir()
	part := strings.Repeat("x", preallocBytes/3)
	parts := []string{part, part, part, part, part}
	offsets := appendStates(t, dir, "base.", "snap", parts...)
	whole, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	end := offsets[len(offsets)-1]
	if int64(len(whole)) <= offsets[0]+preallocBytes || !allZero(whole[end:]) {
		t.Fatalf("after %d appends the file is %d bytes, its records end at %d; want it grown past %d, zeros after the records",
			len(parts), len(whole), end, offsets[0]+preallocBytes)
	}
	expectContents(t, dir, "base."+strings.Repeat(part, len(parts)), "snap")
}

func TestAppendsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	appendStates(t, dir, "base.", "snap", "one.", "two.", "three.")
	expectContents(t, dir, "base.one.two.three.", "snap")
	// Open rewrote the file whole: appends after it follow the new file.
	appendStates(t, dir, "base.one.two.three.", "snap", "four.")
	expectContents(t, dir, "base.one.two.three.four.", "snap")
}

// TestCrashBetweenWriteAndRename: a rewrite that wrote its temporary file
// but never renamed it leaves the old state in force.
func TestCrashBetweenWriteAndRename(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir)
	s.Persister().Save([]byte("old"), []byte("old-snap"))
	half, err := fileContents([][]byte{[]byte("new")}, []byte("new-snap"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, StateFile+".tmp")
	if err := os.WriteFile(tmp, half[:len(half)-2], 0o644); err != nil {
		t.Fatal(err)
	}
	s.crash()
	logs := expectContents(t, dir, "old", "old-snap")
	if _, err := os.Stat(tmp); err == nil {
		t.Fatal("Open left the temporary file in place")
	}
	if !logs.Contains("did not finish") {
		t.Fatalf("no log line about the leftover file: %q", logs.String())
	}
}

// TestTornTailIsDropped cuts the file anywhere inside the last record, or
// keeps only part of that record in the zeros after it, as a crash during
// the last append may: the last record is dropped, with a log line, the
// rest kept, and saving goes on. A last record that left nothing but its
// zeros was never written: the file ends before it, with no log line.
func TestTornTailIsDropped(t *testing.T) {
	dir := t.TempDir()
	offsets := appendStates(t, dir, "base.", "snap", "one.", "two.")
	path := filepath.Join(dir, StateFile)
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lastStart, lastEnd := offsets[1], offsets[2]
	zeroedFrom := func(off int64) []byte {
		return append(append([]byte(nil), whole[:off]...), make([]byte, int64(len(whole))-off)...)
	}
	damaged := map[string][]byte{}
	for end := lastStart + 1; end < lastEnd; end++ {
		damaged[fmt.Sprintf("cut at %d", end)] = whole[:end]
		damaged[fmt.Sprintf("zeros from %d", end)] = zeroedFrom(end)
	}
	damaged["payload flipped"] = flipped(whole, int(lastEnd-1))
	damaged["record never written"] = zeroedFrom(lastStart)
	for name, data := range damaged {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			logs := expectContents(t, dir, "base.one.", "snap")
			if torn := logs.Contains("dropped a torn last record"); torn != (name != "record never written") {
				t.Fatalf("log line about a torn record: %v; logs %q", torn, logs.String())
			}
			appendStates(t, dir, "base.one.", "snap", "three.")
			expectContents(t, dir, "base.one.three.", "snap")
		})
	}
}

func flipped(b []byte, i int) []byte {
	out := append([]byte(nil), b...)
	out[i] ^= 0x40
	return out
}

// TestFlippedByteIsAnError flips one byte of every record but the last:
// Open must fail, naming the file and the damaged record's offset, never
// start from a silently shortened state.
func TestFlippedByteIsAnError(t *testing.T) {
	dir := t.TempDir()
	offsets := appendStates(t, dir, "base-state", "the-snapshot", "one.", "two.", "three.")
	path := filepath.Join(dir, StateFile)
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	snapAt := int64(len(fileMagic))
	stateAt := snapAt + recordHeaderLen + int64(len("the-snapshot"))
	records := []int64{0, snapAt, stateAt, offsets[0], offsets[1]}
	for r := 0; r+1 < len(records); r++ {
		for i := records[r]; i < records[r+1]; i++ {
			if err := os.WriteFile(path, flipped(whole, int(i)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir, Options{Logf: (&loglines.Lines{}).Logf})
			want := fmt.Sprintf("offset %d", records[r])
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
				t.Fatalf("byte %d flipped: Open error = %v; want one naming %s and %q", i, err, path, want)
			}
		}
	}
	os.WriteFile(path, whole, 0o644)
	expectContents(t, dir, "base-stateone.two.three.", "the-snapshot")
}

func TestOpenRejectsAForeignFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, StateFile), []byte("hello"), 0o644)
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "offset 0") {
		t.Fatalf("Open of a foreign file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, StateFile), []byte(fileMagic), 0o644)
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "before its state record") {
		t.Fatalf("Open of a file with no records: %v", err)
	}
}

// TestSaveReadByAnotherProcess: a child process saves and then kills itself
// with SIGKILL; a save that returned must be there for the next process.
func TestSaveReadByAnotherProcess(t *testing.T) {
	if dir := os.Getenv("DISKPERSIST_CHILD_DIR"); dir != "" {
		childSavesAndDies(dir)
		return
	}
	dir := t.TempDir()
	cmd := childCommand(t, dir)
	out, err := cmd.CombinedOutput()
	if !strings.Contains(fmt.Sprint(err), "killed") {
		t.Fatalf("the child did not die by SIGKILL: %v\n%s", err, out)
	}
	expectContents(t, dir, "state-from-child:1:2:3", "snapshot-from-child")
}

func childSavesAndDies(dir string) {
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	s.Persister().Save([]byte("state-from-child"), []byte("snapshot-from-child"))
	for _, part := range []string{":1", ":2", ":3"} {
		s.write([][]byte{[]byte(part)}, nil, true)
	}
	killSelf()
}
