package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"miniraftkv/internal/treecopy"
)

// listFiles returns the files of the source tree at root as git sees them:
// tracked files and untracked ones that .gitignore does not exclude, as
// sorted slash-separated paths. Files deleted from the working tree are
// left out.
func listFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the files of %s with git: %v: %s", root, err, strings.TrimSpace(stderr.String()))
	}
	seen := map[string]bool{}
	var files []string
	for _, rel := range strings.Split(string(out), "\x00") {
		if rel == "" || seen[rel] {
			continue
		}
		seen[rel] = true
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel))); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		files = append(files, rel)
	}
	sort.Strings(files)
	return files, nil
}

// plan is the handout as a map from a path in the handout to the source
// file it comes from (both slash-separated, relative).
type plan map[string]string

// makePlan classifies every file of the source tree.
func makePlan(root string, files []string) (plan, error) {
	p := plan{}
	starting := map[string]string{}
	for _, rel := range files {
		content := func() ([]byte, error) { return os.ReadFile(filepath.Join(root, filepath.FromSlash(rel))) }
		act, err := classify(rel, content)
		if err != nil {
			return nil, err
		}
		switch act {
		case copyIt:
			p[rel] = rel
		case start:
			target, _ := startingTarget(rel)
			starting[target] = rel
		}
	}
	for target, rel := range starting {
		if _, taken := p[target]; taken {
			return nil, fmt.Errorf("starting file %s would replace %s, which the handout keeps", rel, target)
		}
		p[target] = rel
	}
	for _, rel := range files {
		if _, replaced := p[rel]; swappedFiles[rel] && !replaced {
			return nil, fmt.Errorf("%s uses more than the lab API, and handout/%s, which replaces it in the handout, is missing", rel, rel)
		}
	}
	return p, nil
}

// checkOutput refuses an output folder that is not empty or that lies inside
// the source tree, and creates it if it does not exist.
func checkOutput(root, out string) error {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(absRoot, absOut); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("output folder %s is inside the source tree %s; choose one outside it", out, root)
	}
	entries, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(out, 0o755)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("output folder %s is not empty (it holds %s); give an empty or new folder", out, entries[0].Name())
	}
	return nil
}

// generate writes the handout of the source tree at root into out, which
// must be empty or absent.
func generate(root, out string) error {
	if err := checkOutput(root, out); err != nil {
		return err
	}
	files, err := listFiles(root)
	if err != nil {
		return err
	}
	p, err := makePlan(root, files)
	if err != nil {
		return err
	}
	return writePlan(root, out, p)
}

// writePlan copies every file of the plan, in a stable order, keeping its
// permission bits.
func writePlan(root, out string, p plan) error {
	targets := make([]string, 0, len(p))
	for target := range p {
		targets = append(targets, target)
	}
	sort.Strings(targets)
	for _, target := range targets {
		if err := treecopy.File(filepath.Join(root, filepath.FromSlash(p[target])), filepath.Join(out, filepath.FromSlash(target))); err != nil {
			return err
		}
	}
	return nil
}
