package main

import (
	"io"
	"path/filepath"
	"testing"
)

func TestOverlayLeavesTheTreeAlone(t *testing.T) {
	root := writeTree(t, map[string]string{"p/p.go": original})
	dir := t.TempDir()
	ov, err := mustParse(t, patchAB).Overlay(root, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "p/p.go")); got != original {
		t.Fatalf("the tree's file changed:\n%s", got)
	}
	copy, ok := ov[filepath.Join(root, "p/p.go")]
	if !ok || len(ov) != 1 {
		t.Fatalf("overlay %v, want one entry for p/p.go", ov)
	}
	if got := readFile(t, copy); got != patchedAB {
		t.Fatalf("patched copy:\n%s\nwant:\n%s", got, patchedAB)
	}
}

func TestVirtualRunsTwoBugsAtATime(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{nil, 1},
		{[]string{"-virtual"}, 2},
		{[]string{"-virtual", "-p", "1"}, 1},
		{[]string{"-p", "3"}, 3},
	} {
		cfg, err := parseFlags(c.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.parallel != c.want {
			t.Errorf("%q: %d bugs at a time, want %d", c.args, cfg.parallel, c.want)
		}
	}
}
