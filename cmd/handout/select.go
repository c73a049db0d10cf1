package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"path"
	"strings"
)

// excludedPrefixes are the folders that never reach the handout: the
// handout's own sources, this tool, and the mutation runner with its
// catalogue (excluded whether or not they exist yet).
var excludedPrefixes = []string{"handout/", "cmd/handout/", "cmd/mutate/", "mutations/",
	"internal/rsm/"} // the solution's replicated state machine, used by shardctrler and shardkv

// swappedFiles are files outside the student packages that use more than
// the lab API: the handout replaces each with the file of the same path
// under handout/, written for a Raft and a KV service with the lab API
// only, so that the whole handout builds.
var swappedFiles = map[string]bool{
	"cmd/raftkvd/membership.go": true, // raft.Options, membership changes
}

// guideFile is the top-level README.md, replaced by the lab guide.
const guideFile = "README.md"

// studentPackages are the folders whose solution the handout replaces.
var studentPackages = map[string]bool{"raft": true, "raftkv": true, "shardctrler": true, "shardkv": true}

// testerFiles are the files of a student package that a course replaces
// with its own copies (docs/course-files.md): they belong to the framework.
var testerFiles = map[string]bool{
	"raft/config.go":      true,
	"raft/persister.go":   true,
	"raft/test_test.go":   true,
	"raftkv/config.go":    true,
	"raftkv/test_test.go": true,
	// Lab 4's tester files.
	"shardctrler/config.go":    true,
	"shardctrler/test_test.go": true,
	"shardkv/config.go":        true,
	"shardkv/test_test.go":     true,
}

// sharedStartingFiles are files of a student package that the solution and
// the starting files share as they are: lab 4's API types, which a student
// starts from unchanged. They are kept like the tester files, so that they
// exist once; what only the solution uses lives in its other files.
var sharedStartingFiles = map[string]bool{
	"shardctrler/common.go": true,
	"shardkv/common.go":     true,
}

// action is what the generator does with one file of the source tree.
type action int

const (
	skip   action = iota // left out of the handout
	copyIt               // copied unchanged to the same path
	start                // a starting file, copied to startingTarget(path)
)

// classify decides the fate of the file at rel (a slash-separated path
// relative to the source root); content is read only for Go files of the
// student packages, whose package clause decides.
func classify(rel string, content func() ([]byte, error)) (action, error) {
	if rel == guideFile || swappedFiles[rel] {
		return skip, nil
	}
	if strings.HasPrefix(rel, "handout/") {
		if _, ok := startingTarget(rel); ok {
			return start, nil
		}
		if rel == "handout/go.mod" {
			return skip, nil
		}
		return skip, fmt.Errorf("%s: unexpected file among the starting files", rel)
	}
	for _, prefix := range excludedPrefixes {
		if strings.HasPrefix(rel, prefix) {
			return skip, nil
		}
	}
	dir, base := path.Split(rel)
	if !studentPackages[strings.TrimSuffix(dir, "/")] || !strings.HasSuffix(base, ".go") {
		return copyIt, nil
	}
	src, err := content()
	if err != nil {
		return skip, err
	}
	keep, err := isFrameworkFile(rel, src)
	if err != nil || !keep {
		return skip, err
	}
	return copyIt, nil
}

// isFrameworkFile reports whether the Go file rel of a student package is
// part of the framework (a tester file or an external test) rather than
// the solution.
func isFrameworkFile(rel string, src []byte) (bool, error) {
	if testerFiles[rel] || sharedStartingFiles[rel] {
		return true, nil
	}
	if !strings.HasSuffix(rel, "_test.go") {
		return false, nil
	}
	pkg, err := packageName(rel, src)
	if err != nil {
		return false, err
	}
	return pkg == path.Dir(rel)+"_test", nil
}

// packageName parses the package clause of a Go file.
func packageName(rel string, src []byte) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), rel, src, parser.PackageClauseOnly)
	if err != nil {
		return "", fmt.Errorf("reading the package clause: %w", err)
	}
	return f.Name.Name, nil
}

// startingTarget maps a starting file to its place in the handout:
// handout/raft/x.go to raft/x.go, handout/raftkv/x.go to raftkv/x.go,
// handout/README.md to README.md, and the replacement of a swapped file to
// its path.
func startingTarget(rel string) (string, bool) {
	if rel == "handout/README.md" {
		return guideFile, true
	}
	inner := strings.TrimPrefix(rel, "handout/")
	if swappedFiles[inner] {
		return inner, true
	}
	dir, base := path.Split(inner)
	if studentPackages[strings.TrimSuffix(dir, "/")] && base != "" {
		return inner, true
	}
	return "", false
}
