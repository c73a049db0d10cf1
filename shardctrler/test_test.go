package shardctrler

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// check fails the test unless the latest config has exactly the groups
// gids, every shard on one of them, and shard counts that differ by at
// most one.
func check(t *testing.T, groups []int, ck *Clerk) {
	t.Helper()
	c := ck.Query(-1)
	if len(c.Groups) != len(groups) {
		t.Fatalf("config %d has %d groups; want %d (%v)", c.Num, len(c.Groups), len(groups), groups)
	}
	for _, g := range groups {
		if _, ok := c.Groups[g]; !ok {
			t.Fatalf("config %d lacks group %d", c.Num, g)
		}
	}
	if len(groups) > 0 {
		for shard, gid := range c.Shards {
			if _, ok := c.Groups[gid]; !ok {
				t.Fatalf("config %d puts shard %d on gid %d, not a group", c.Num, shard, gid)
			}
		}
	}
	counts := map[int]int{}
	for _, gid := range c.Shards {
		counts[gid]++
	}
	min, max := NShards+1, -1
	for gid := range c.Groups {
		if counts[gid] > max {
			max = counts[gid]
		}
		if counts[gid] < min {
			min = counts[gid]
		}
	}
	if max > min+1 {
		t.Fatalf("config %d is unbalanced: max %d, min %d shards per group (%v)", c.Num, max, min, c.Shards)
	}
}

// check_same_config fails the test unless c1 and c2 are the same config.
func check_same_config(t *testing.T, c1 Config, c2 Config) {
	t.Helper()
	if c1.Num != c2.Num || c1.Shards != c2.Shards || len(c1.Groups) != len(c2.Groups) {
		t.Fatalf("configs differ: %+v and %+v", c1, c2)
	}
	for gid, sa := range c1.Groups {
		sb, ok := c2.Groups[gid]
		if !ok || len(sa) != len(sb) {
			t.Fatalf("configs %d differ in group %d: %v and %v", c1.Num, gid, sa, sb)
		}
		for j := range sa {
			if sa[j] != sb[j] {
				t.Fatalf("configs %d differ in group %d: %v and %v", c1.Num, gid, sa, sb)
			}
		}
	}
}

// query, join, leave and move are the clerk's requests, counted for the
// Passed line.
func (cfg *config) query(ck *Clerk, num int) Config {
	cfg.op()
	return ck.Query(num)
}

func (cfg *config) join(ck *Clerk, servers map[int][]string) {
	cfg.op()
	ck.Join(servers)
}

func (cfg *config) leave(ck *Clerk, gids []int) {
	cfg.op()
	ck.Leave(gids)
}

// checkJoinOnlyMoves fails unless every shard of after is where it was in
// before or on one of the groups joined.
func checkJoinOnlyMoves(t *testing.T, before, after Config, joined map[int]bool) {
	t.Helper()
	for i := 0; i < NShards; i++ {
		if after.Shards[i] != before.Shards[i] && !joined[after.Shards[i]] {
			t.Fatalf("shard %d moved from %d to %d, an old group, after a join", i, before.Shards[i], after.Shards[i])
		}
	}
}

// checkLeaveOnlyMoves fails unless every shard of after that was not on a
// group that left is where it was in before.
func checkLeaveOnlyMoves(t *testing.T, before, after Config, left map[int]bool) {
	t.Helper()
	for i := 0; i < NShards; i++ {
		if !left[before.Shards[i]] && after.Shards[i] != before.Shards[i] {
			t.Fatalf("shard %d moved from %d to %d after a leave of other groups", i, before.Shards[i], after.Shards[i])
		}
	}
}

func TestBasic(t *testing.T) {
	const nservers = 3
	cfg := make_config(t, nservers, false)
	defer cfg.cleanup()
	ck := cfg.makeClient(cfg.All())

	cfg.begin("Test: Basic leave/join")
	cfa := make([]Config, 6)
	cfa[0] = cfg.query(ck, -1)
	check(t, []int{}, ck)
	var gid1, gid2 = 1, 2
	cfg.join(ck, map[int][]string{gid1: {"x", "y", "z"}})
	check(t, []int{gid1}, ck)
	cfa[1] = cfg.query(ck, -1)
	cfg.join(ck, map[int][]string{gid2: {"a", "b", "c"}})
	check(t, []int{gid1, gid2}, ck)
	cfa[2] = cfg.query(ck, -1)
	cfg.join(ck, map[int][]string{gid2: {"a", "b", "c"}}) // joining a joined group changes nothing but the number
	check(t, []int{gid1, gid2}, ck)
	cfa[3] = cfg.query(ck, -1)
	cfx := cfg.query(ck, -1)
	if sa1 := cfx.Groups[gid1]; len(sa1) != 3 || sa1[0] != "x" || sa1[1] != "y" || sa1[2] != "z" {
		t.Fatalf("wrong servers for gid %d: %v", gid1, sa1)
	}
	if sa2 := cfx.Groups[gid2]; len(sa2) != 3 || sa2[0] != "a" || sa2[1] != "b" || sa2[2] != "c" {
		t.Fatalf("wrong servers for gid %d: %v", gid2, sa2)
	}
	cfg.leave(ck, []int{gid1})
	check(t, []int{gid2}, ck)
	cfa[4] = cfg.query(ck, -1)
	cfg.leave(ck, []int{gid2})
	cfa[5] = cfg.query(ck, -1)
	check(t, []int{}, ck)
	cfg.end()

	cfg.begin("Test: Historical queries")
	for s := 0; s < nservers; s++ {
		cfg.ShutdownServer(s)
		for i := 0; i < len(cfa); i++ {
			c := cfg.query(ck, cfa[i].Num)
			check_same_config(t, c, cfa[i])
		}
		cfg.StartServer(s)
		cfg.ConnectAll()
	}
	cfg.end()

	cfg.begin("Test: Move")
	gid3, gid4 := 503, 504
	cfg.join(ck, map[int][]string{gid3: {"3a", "3b", "3c"}})
	cfg.join(ck, map[int][]string{gid4: {"4a", "4b", "4c"}})
	for i := 0; i < NShards; i++ {
		cf := cfg.query(ck, -1)
		target := gid4
		if i < NShards/2 {
			target = gid3
		}
		cfg.op()
		ck.Move(i, target)
		if cf.Shards[i] != target {
			if cf1 := cfg.query(ck, -1); cf1.Num <= cf.Num {
				t.Fatalf("Move of shard %d did not make a new config", i)
			}
		}
	}
	cf2 := cfg.query(ck, -1)
	for i := 0; i < NShards; i++ {
		want := gid4
		if i < NShards/2 {
			want = gid3
		}
		if cf2.Shards[i] != want {
			t.Fatalf("shard %d is on %d after Move; want %d", i, cf2.Shards[i], want)
		}
	}
	cfg.leave(ck, []int{gid3})
	cfg.leave(ck, []int{gid4})
	cfg.end()

	const npara = 10
	cfg.begin("Test: Concurrent leave/join")
	var cka [npara]*Clerk
	for i := range cka {
		cka[i] = cfg.makeClient(cfg.All())
	}
	gids := make([]int, npara)
	var wg sync.WaitGroup
	for xi := 0; xi < npara; xi++ {
		gids[xi] = xi*10 + 100
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			gid := gids[i]
			sid1, sid2 := fmt.Sprintf("s%da", gid), fmt.Sprintf("s%db", gid)
			cfg.join(cka[i], map[int][]string{gid + 1000: {sid1}})
			cfg.join(cka[i], map[int][]string{gid: {sid2}})
			cfg.leave(cka[i], []int{gid + 1000})
		}(xi)
	}
	wg.Wait()
	check(t, gids, ck)
	cfg.end()

	cfg.begin("Test: Minimal transfers after joins")
	c1 := cfg.query(ck, -1)
	joined := map[int]bool{}
	for i := 0; i < 5; i++ {
		gid := npara + 1 + i
		joined[gid] = true
		cfg.join(ck, map[int][]string{gid: {fmt.Sprintf("%da", gid), fmt.Sprintf("%db", gid)}})
	}
	c2 := cfg.query(ck, -1)
	checkJoinOnlyMoves(t, c1, c2, joined)
	cfg.end()

	cfg.begin("Test: Minimal transfers after leaves")
	for gid := range joined {
		cfg.leave(ck, []int{gid})
	}
	c3 := cfg.query(ck, -1)
	checkLeaveOnlyMoves(t, c2, c3, joined)
	check(t, gids, ck)
	cfg.end()
}

func TestMulti(t *testing.T) {
	const nservers = 3
	cfg := make_config(t, nservers, false)
	defer cfg.cleanup()
	ck := cfg.makeClient(cfg.All())

	cfg.begin("Test: Multi-group join/leave")
	cfa := make([]Config, 6)
	cfa[0] = cfg.query(ck, -1)
	check(t, []int{}, ck)
	gid1, gid2 := 1, 2
	cfg.join(ck, map[int][]string{gid1: {"x", "y", "z"}, gid2: {"a", "b", "c"}})
	check(t, []int{gid1, gid2}, ck)
	cfa[1] = cfg.query(ck, -1)
	gid3 := 3
	cfg.join(ck, map[int][]string{gid3: {"j", "k", "l"}})
	check(t, []int{gid1, gid2, gid3}, ck)
	cfa[2] = cfg.query(ck, -1)
	cfx := cfg.query(ck, -1)
	if sa := cfx.Groups[gid3]; len(sa) != 3 || sa[0] != "j" || sa[1] != "k" || sa[2] != "l" {
		t.Fatalf("wrong servers for gid %d: %v", gid3, sa)
	}
	cfg.leave(ck, []int{gid1, gid3})
	check(t, []int{gid2}, ck)
	cfa[3] = cfg.query(ck, -1)
	if sa := cfg.query(ck, -1).Groups[gid2]; len(sa) != 3 || sa[0] != "a" {
		t.Fatalf("wrong servers for gid %d: %v", gid2, sa)
	}
	cfg.leave(ck, []int{gid2})
	cfg.end()

	const npara = 10
	cfg.begin("Test: Concurrent multi leave/join")
	var cka [npara]*Clerk
	for i := range cka {
		cka[i] = cfg.makeClient(cfg.All())
	}
	gids := make([]int, npara)
	var wg sync.WaitGroup
	for xi := 0; xi < npara; xi++ {
		gids[xi] = xi + 1000
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			gid := gids[i]
			cfg.join(cka[i], map[int][]string{
				gid:        {fmt.Sprintf("%da", gid), fmt.Sprintf("%db", gid), fmt.Sprintf("%dc", gid)},
				gid + 1000: {fmt.Sprintf("%da", gid+1000)},
				gid + 2000: {fmt.Sprintf("%da", gid+2000)},
			})
			cfg.leave(cka[i], []int{gid + 1000, gid + 2000})
		}(xi)
	}
	wg.Wait()
	check(t, gids, ck)
	cfg.end()

	cfg.begin("Test: Minimal transfers after multijoins")
	c1 := cfg.query(ck, -1)
	joined := map[int]bool{}
	m := map[int][]string{}
	for i := 0; i < 5; i++ {
		gid := npara + 1 + i
		joined[gid] = true
		m[gid] = []string{fmt.Sprintf("%da", gid), fmt.Sprintf("%db", gid)}
	}
	cfg.join(ck, m)
	c2 := cfg.query(ck, -1)
	checkJoinOnlyMoves(t, c1, c2, joined)
	cfg.end()

	cfg.begin("Test: Minimal transfers after multileaves")
	var l []int
	for gid := range joined {
		l = append(l, gid)
	}
	cfg.leave(ck, l)
	c3 := cfg.query(ck, -1)
	checkLeaveOnlyMoves(t, c2, c3, joined)
	check(t, gids, ck)
	cfg.end()

	cfg.begin("Test: Check Same config on servers")
	isLeader, leader := cfg.Leader()
	if !isLeader {
		t.Fatalf("no controller leader")
	}
	c := cfg.query(ck, -1) // the latest config, from the leader
	cfg.ShutdownServer(leader)
	attempts := 0
	for isLeader, leader2 := cfg.Leader(); !isLeader || leader2 == leader; isLeader, leader2 = cfg.Leader() {
		if attempts++; attempts >= 3 {
			t.Fatalf("no new leader after the old one was shut down")
		}
		time.Sleep(1 * time.Second)
	}
	check_same_config(t, c, cfg.query(ck, -1))
	cfg.end()
}
