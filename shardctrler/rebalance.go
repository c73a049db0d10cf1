package shardctrler

import "sort"

// rebalance spreads the shards over the groups of c as evenly as possible
// (the counts differ by at most one) while moving as few shards as
// possible: shards of groups that are gone, and a group's shards beyond its
// share, are handed to the groups below their share. It depends only on
// sorted gids and shard numbers, never on map order, so every replica
// computes the same config. With no groups every shard goes to gid 0.
func rebalance(c *Config) {
	gids := sortedGids(c.Groups)
	if len(gids) == 0 {
		c.Shards = [NShards]int{}
		return
	}
	owned := shardsByGroup(c.Shards, c.Groups)
	target := shareOf(gids, owned)
	var free []int
	for shard, gid := range c.Shards {
		if _, ok := c.Groups[gid]; !ok {
			free = append(free, shard)
		}
	}
	for _, gid := range gids {
		if extra := len(owned[gid]) - target[gid]; extra > 0 {
			// Give up the highest-numbered shards.
			free = append(free, owned[gid][len(owned[gid])-extra:]...)
			owned[gid] = owned[gid][:len(owned[gid])-extra]
		}
	}
	sort.Ints(free)
	for _, gid := range gids {
		for len(owned[gid]) < target[gid] {
			c.Shards[free[0]] = gid
			owned[gid] = append(owned[gid], free[0])
			free = free[1:]
		}
	}
}

// sortedGids returns the gids of groups in ascending order.
func sortedGids(groups map[int][]string) []int {
	gids := make([]int, 0, len(groups))
	for gid := range groups {
		gids = append(gids, gid)
	}
	sort.Ints(gids)
	return gids
}

// shardsByGroup lists, for every group in groups, the shards it holds in
// ascending order.
func shardsByGroup(shards [NShards]int, groups map[int][]string) map[int][]int {
	owned := make(map[int][]int, len(groups))
	for shard, gid := range shards {
		if _, ok := groups[gid]; ok {
			owned[gid] = append(owned[gid], shard)
		}
	}
	return owned
}

// shareOf gives each group in gids (ascending) its number of shards:
// NShards/len(gids), plus one for the first NShards%len(gids) groups taken
// in order of the most shards held now (ties to the lower gid), so the
// groups that keep an extra shard are those that already have one.
func shareOf(gids []int, owned map[int][]int) map[int]int {
	order := append([]int(nil), gids...)
	sort.SliceStable(order, func(i, j int) bool { return len(owned[order[i]]) > len(owned[order[j]]) })
	base, extra := NShards/len(gids), NShards%len(gids)
	target := make(map[int]int, len(gids))
	for i, gid := range order {
		target[gid] = base
		if i < extra {
			target[gid]++
		}
	}
	return target
}
