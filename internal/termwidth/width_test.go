package termwidth

import (
	"os"
	"path/filepath"
	"testing"
)

// A file is no terminal: Width must fall back to $COLUMNS, then to the
// default, and never take a non-positive $COLUMNS.
func TestWidthFallsBack(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases := []struct {
		columns string
		want    int
	}{
		{"", 80},
		{"132", 132},
		{"0", 80},
		{"-5", 80},
		{"wide", 80},
	}
	for _, c := range cases {
		t.Setenv("COLUMNS", c.columns)
		if got := Width(80, f); got != c.want {
			t.Errorf("COLUMNS=%q: Width(80, file) = %d, want %d", c.columns, got, c.want)
		}
	}
}
