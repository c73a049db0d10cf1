package shardctrler

import (
	"math/rand"
	"testing"
	"testing/quick"
)

// groupsOf makes a Groups map with one server name per gid.
func groupsOf(gids ...int) map[int][]string {
	m := make(map[int][]string, len(gids))
	for _, gid := range gids {
		m[gid] = []string{"s"}
	}
	return m
}

// shardCounts counts the shards of each gid.
func shardCounts(shards [NShards]int) map[int]int {
	counts := map[int]int{}
	for _, gid := range shards {
		counts[gid]++
	}
	return counts
}

// minimalMoves is the fewest shards any balanced assignment must move from
// before to the groups of groups: the shards of gone groups, plus what the
// remaining groups hold beyond the most any of them may keep. It is the
// naive count the rebalance is checked against.
func minimalMoves(before [NShards]int, groups map[int][]string) int {
	if len(groups) == 0 {
		return 0
	}
	counts := shardCounts(before)
	base, extra := NShards/len(groups), NShards%len(groups)
	moves := 0
	for _, gid := range before {
		if _, ok := groups[gid]; !ok {
			moves++
		}
	}
	// Groups that keep base+1 are best chosen among the largest.
	var over []int
	for gid := range groups {
		if counts[gid] > base {
			over = append(over, counts[gid]-base)
		}
	}
	// Sort descending.
	for i := range over {
		for j := i + 1; j < len(over); j++ {
			if over[j] > over[i] {
				over[i], over[j] = over[j], over[i]
			}
		}
	}
	for i, o := range over {
		if i < extra {
			o--
		}
		moves += o
	}
	return moves
}

func shardsMoved(a, b [NShards]int) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func TestRebalanceTable(t *testing.T) {
	tests := []struct {
		name   string
		before [NShards]int
		groups map[int][]string
		want   [NShards]int
	}{
		{"first group takes all", [NShards]int{}, groupsOf(7), [NShards]int{7, 7, 7, 7, 7, 7, 7, 7, 7, 7}},
		{"second group takes the top half", [NShards]int{7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, groupsOf(7, 9),
			[NShards]int{7, 7, 7, 7, 7, 9, 9, 9, 9, 9}},
		{"last group leaves", [NShards]int{7, 7, 7, 7, 7, 9, 9, 9, 9, 9}, groupsOf(), [NShards]int{}},
		{"leaver's shards spread", [NShards]int{1, 1, 1, 1, 2, 2, 2, 3, 3, 3}, groupsOf(2, 3),
			[NShards]int{2, 2, 3, 3, 2, 2, 2, 3, 3, 3}},
		{"more groups than shards", [NShards]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
			groupsOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), [NShards]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{Shards: tc.before, Groups: tc.groups}
			rebalance(&c)
			if c.Shards != tc.want {
				t.Fatalf("rebalance(%v over %d groups) = %v; want %v", tc.before, len(tc.groups), c.Shards, tc.want)
			}
		})
	}
}

// TestRebalanceIsBalancedAndMinimal checks, on random assignments and group
// sets, that the result is balanced, uses only live groups, and moves no
// more shards than the naive lower bound.
func TestRebalanceIsBalancedAndMinimal(t *testing.T) {
	f := func(seed int64) bool {
		r := rand.New(rand.NewSource(seed))
		var before [NShards]int
		for i := range before {
			before[i] = r.Intn(8) // gid 0 is "no group"
		}
		var gids []int
		for gid := 1; gid <= 14; gid++ {
			if r.Intn(3) == 0 {
				gids = append(gids, gid)
			}
		}
		c := Config{Shards: before, Groups: groupsOf(gids...)}
		rebalance(&c)
		if len(gids) == 0 {
			return c.Shards == [NShards]int{}
		}
		counts := shardCounts(c.Shards)
		min, max := NShards, 0
		for _, gid := range gids {
			min, max = minInt(min, counts[gid]), maxInt(max, counts[gid])
		}
		for _, gid := range c.Shards {
			if _, ok := c.Groups[gid]; !ok {
				t.Logf("seed %d: shard on dead gid %d", seed, gid)
				return false
			}
		}
		if max-min > 1 {
			t.Logf("seed %d: unbalanced %v", seed, c.Shards)
			return false
		}
		if got, want := shardsMoved(before, c.Shards), minimalMoves(before, c.Groups); got != want {
			t.Logf("seed %d: %v -> %v moved %d shards; the fewest is %d", seed, before, c.Shards, got, want)
			return false
		}
		return true
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 2000}); err != nil {
		t.Fatal(err)
	}
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// TestRebalanceIgnoresMapOrder builds the same group set many times (Go
// randomises map iteration per map) and checks every replica would compute
// the same assignment.
func TestRebalanceIgnoresMapOrder(t *testing.T) {
	before := [NShards]int{4, 4, 4, 9, 9, 9, 9, 2, 2, 0}
	first := Config{Shards: before, Groups: groupsOf(2, 4, 9, 11, 13, 17, 19)}
	rebalance(&first)
	for i := 0; i < 200; i++ {
		c := Config{Shards: before, Groups: groupsOf(19, 17, 13, 11, 9, 4, 2)}
		rebalance(&c)
		if c.Shards != first.Shards {
			t.Fatalf("run %d: %v; first run gave %v", i, c.Shards, first.Shards)
		}
	}
}
