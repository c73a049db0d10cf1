package raft

// Quorum arithmetic: the one place that says what a majority is. Elections
// (§5.2), commitment (§5.3, Figure 2's "a majority of matchIndex[i] >= N"),
// check-quorum (dissertation §6.2), read rounds (§6.4) and leases (§6.4.1)
// all ask it. The functions are pure: no locks, no timers. They count
// instead of sorting, so that they allocate nothing: the commit rule runs on
// every AppendEntries reply, and for the few peers of a cluster counting is
// cheaper than sorting a copy.
//
// Every quorum is one of the voters of the configuration in use
// (dissertation §4.1): the functions take their ids. Learners, and a
// leader that has removed itself (§4.2.2), are simply not among them.

// majorityOf is the number of peers, out of n, that form a quorum: more
// than half of them.
func majorityOf(n int) int {
	return n/2 + 1
}

// hasQuorum reports whether the voters for which has holds form a quorum.
func hasQuorum(voters []int, has func(peer int) bool) bool {
	count := 0
	for _, peer := range voters {
		if has(peer) {
			count++
		}
	}
	return count >= majorityOf(len(voters))
}

// quorumValue returns the highest value that a quorum of the voters has
// reached: the largest value(i) such that a majority of the voters j have
// value(j) >= value(i), with less ordering the values; the zero value when
// there are no voters.
func quorumValue[T any](voters []int, value func(peer int) T, less func(a, b T) bool) T {
	var best T
	found := false
	for _, i := range voters {
		v := value(i)
		if found && !less(best, v) {
			continue
		}
		atLeast := 0
		for _, j := range voters {
			if !less(value(j), v) {
				atLeast++
			}
		}
		if atLeast >= majorityOf(len(voters)) {
			best, found = v, true
		}
	}
	return best
}

// firstPeers returns the ids 0..n-1: the voters of a peer built with Make.
func firstPeers(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i
	}
	return ids
}
