package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"miniraftkv/internal/debugline"
)

// clerkKey names the single column shared by all clerks, and is what -peers
// accepts to keep clerk lines.
const clerkKey = "C"

// Filter decides which debug lines to show. The zero Filter shows everything.
type Filter struct {
	Topics map[string]bool // if non-nil, only these topics
	Ignore map[string]bool // never these topics
	Peers  []string        // if non-nil, only these column keys ("S0", "C"), in this order
}

// Keep reports whether e passes the filter.
func (f Filter) Keep(e Entry) bool {
	if f.Topics != nil && !f.Topics[e.Topic] {
		return false
	}
	if f.Ignore[e.Topic] {
		return false
	}
	if f.Peers == nil {
		return true
	}
	key := ColumnKey(e)
	for _, p := range f.Peers {
		if p == key {
			return true
		}
	}
	return false
}

// ParseTopics turns "LOG, vote" into {LOG, VOTE}; empty input gives nil.
// A topic no package writes is an error that lists the valid ones: a
// misspelt filter would otherwise hide every line without a word. flag
// names the flag in the message.
func ParseTopics(flag, list string) (map[string]bool, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	set := make(map[string]bool)
	for _, t := range strings.Split(list, ",") {
		t = strings.ToUpper(strings.TrimSpace(t))
		if t == "" {
			continue
		}
		if !debugline.KnownTopic(t) {
			return nil, fmt.Errorf("unknown topic %q in %s %q; the topics are %s", t, flag, list, knownTopics())
		}
		set[t] = true
	}
	return set, nil
}

// knownTopics lists every topic the raft and raftkv packages and the
// testers write, sorted.
func knownTopics() string {
	names := slices.Clone(debugline.Topics)
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// ParsePeers turns "0,2,C" into column keys ["S0", "S2", "C"]; "S1" is
// accepted for 1. Empty input gives nil (all peers).
func ParsePeers(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var keys []string
	for _, p := range strings.Split(list, ",") {
		p = strings.ToUpper(strings.TrimSpace(p))
		if p == clerkKey || p == "CLERK" || p == "CLERKS" {
			keys = append(keys, clerkKey)
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(p, "S"))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad peer %q in -peers %q: want numbers like 0,2 (or C for clerks)", p, list)
		}
		keys = append(keys, "S"+strconv.Itoa(n))
	}
	return keys, nil
}
