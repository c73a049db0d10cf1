package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"miniraftkv/internal/testrun"
)

// checkRunPattern compiles each slash-separated part of a -run pattern as
// go test does, so that a pattern the test binary would reject (such as
// "[") is refused before anything is built or run.
func checkRunPattern(run string) error {
	for _, part := range splitPattern(run) {
		if _, err := regexp.Compile(part); err != nil {
			return fmt.Errorf("-run %q: %v", run, err)
		}
	}
	return nil
}

// splitPattern splits a -run pattern at the slashes that separate test and
// subtest levels, leaving slashes inside brackets or parentheses alone, as
// go test does.
func splitPattern(run string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(run); i++ {
		switch run[i] {
		case '\\':
			i++ // an escaped character never splits or nests
		case '[', '(':
			depth++
		case ']', ')':
			depth = max(depth-1, 0)
		case '/':
			if depth == 0 {
				parts = append(parts, run[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, run[start:])
}

// selectedTests returns the top-level tests of bin that run matches (all
// of them for ""), or an error that says why none does and which names
// exist, so that a misspelt pattern never passes as a clean run.
func selectedTests(ctx context.Context, bin testrun.Binary, run string) ([]string, error) {
	top := splitPattern(run)[0]
	if top == "" {
		top = "."
	}
	names, err := bin.List(ctx, top)
	if err != nil || len(names) > 0 {
		return names, err
	}
	msg := fmt.Sprintf("-run %q matches no test in %s", run, bin.Dir)
	if folded, _ := bin.List(ctx, "(?i)"+top); len(folded) > 0 {
		return nil, fmt.Errorf("%s; -run is case-sensitive, and ignoring case it would match %s",
			msg, shortList(folded, 8))
	}
	all, _ := bin.List(ctx, ".")
	return nil, fmt.Errorf("%s; its %d tests are %s", msg, len(all), shortList(all, 8))
}

// shortList joins up to n names, saying how many more there are.
func shortList(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
