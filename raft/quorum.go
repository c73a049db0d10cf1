package raft

// Quorum arithmetic: the one place that says what a majority is. Elections
// (§5.2), commitment (§5.3, Figure 2's "a majority of matchIndex[i] >= N"),
// check-quorum (dissertation §6.2), read rounds (§6.4) and leases (§6.4.1)
// all ask it. The functions are pure: no locks, no timers. They count
// instead of sorting, so that they allocate nothing: the commit rule runs on
// every AppendEntries reply, and for the few peers of a cluster counting is
// cheaper than sorting a copy.

// majorityOf is the number of peers, out of n, that form a quorum: more
// than half of them.
func majorityOf(n int) int {
	return n/2 + 1
}

// hasQuorum reports whether the peers 0..n-1 for which has holds form a
// quorum.
func hasQuorum(n int, has func(peer int) bool) bool {
	count := 0
	for peer := 0; peer < n; peer++ {
		if has(peer) {
			count++
		}
	}
	return count >= majorityOf(n)
}

// quorumValue returns the highest value that a quorum of the peers 0..n-1
// has reached: the largest value(i) such that a majority of the peers j
// have value(j) >= value(i), with less ordering the values. n must be at
// least 1.
func quorumValue[T any](n int, value func(peer int) T, less func(a, b T) bool) T {
	var best T
	found := false
	for i := 0; i < n; i++ {
		v := value(i)
		if found && !less(best, v) {
			continue
		}
		atLeast := 0
		for j := 0; j < n; j++ {
			if !less(value(j), v) {
				atLeast++
			}
		}
		if atLeast >= majorityOf(n) {
			best, found = v, true
		}
	}
	return best
}
