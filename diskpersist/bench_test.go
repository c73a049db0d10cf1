package diskpersist

import (
	"os"
	"path/filepath"
	"testing"
)

// benchDir is where the benchmarks write: $DISKPERSIST_BENCH_DIR if set
// (to measure another disk), else a temporary folder.
func benchDir(b *testing.B) string {
	if dir := os.Getenv("DISKPERSIST_BENCH_DIR"); dir != "" {
		d, err := os.MkdirTemp(dir, "bench")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(d) })
		return d
	}
	return b.TempDir()
}

func reportPerSecond(b *testing.B, n int64, unit string) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), unit)
}

// BenchmarkFsync is the disk's own figure: a 64-byte append and an fsync.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(benchDir(b), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	data := make([]byte, 64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.Write(data)
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	reportPerSecond(b, int64(b.N), "fsyncs/s")
}

// BenchmarkSaveAppend is the usual save of a Raft peer: new entries (1 KiB
// here) appended to the state, with and without fsync.
func BenchmarkSaveAppend(b *testing.B) {
	for _, sync := range []bool{true, false} {
		name := map[bool]string{true: "fsync", false: "nosync"}[sync]
		b.Run(name, func(b *testing.B) {
			s, err := Open(benchDir(b), Options{NoSync: !sync})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			tail := [][]byte{make([]byte, 1024)}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.write(tail, nil, true)
			}
			if sync {
				reportPerSecond(b, int64(b.N), "fsyncs/s")
			}
		})
	}
}

// BenchmarkSaveRewrite is a save that replaces the file: a snapshot (16
// KiB) with a compacted state (64 KiB): temporary file, fsync, rename,
// fsync of the folder.
func BenchmarkSaveRewrite(b *testing.B) {
	s, err := Open(benchDir(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	state, snapshot := make([]byte, 64<<10), make([]byte, 16<<10)
	p := s.Persister()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Save(state, snapshot)
	}
	reportPerSecond(b, int64(b.N), "saves/s")
}
