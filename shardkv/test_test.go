package shardkv

import (
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/shardctrler"
)

// check fails the test unless key's value, read through ck as history
// client cli, is value.
func check(t *testing.T, cfg *config, ck *Clerk, key string, value string, cli int) {
	t.Helper()
	if v := cfg.Get(ck, key, cli); v != value {
		t.Fatalf("Get(%v): expected:\n%v\nreceived:\n%v", key, value, v)
	}
}

// putKeys puts n keys "0".."n-1" (one per shard for n <= NShards) with
// random values of size bytes, and returns keys and values.
func putKeys(cfg *config, ck *Clerk, cli, n, size int) ([]string, []string) {
	ka, va := make([]string, n), make([]string, n)
	for i := 0; i < n; i++ {
		ka[i] = strconv.Itoa(i)
		va[i] = randstring(size)
		cfg.Put(ck, ka[i], va[i], cli)
	}
	return ka, va
}

// checkAppendAll checks every key, then appends a random string to each.
func checkAppendAll(t *testing.T, cfg *config, ck *Clerk, cli int, ka, va []string) {
	t.Helper()
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
		x := randstring(5)
		cfg.Append(ck, ka[i], x, cli)
		va[i] += x
	}
}

// appender appends to ka[i] with its own clerk until done is set, keeping
// va[i] up to date, and checks the value after each append when verify is
// set. Run it as a goroutine; it signals ch when it stops.
func appender(t *testing.T, cfg *config, i int, ka, va []string, done *int32, verify bool, ch chan bool) {
	defer func() { ch <- true }()
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	for atomic.LoadInt32(done) == 0 {
		x := randstring(5)
		cfg.Append(ck, ka[i], x, cli)
		va[i] += x
		if verify {
			if v := cfg.Get(ck, ka[i], cli); v != va[i] {
				t.Errorf("Get(%v): expected:\n%v\nreceived:\n%v", ka[i], va[i], v)
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runAppenders starts one appender per key and returns a function that
// stops them and waits for them.
func runAppenders(t *testing.T, cfg *config, ka, va []string, verify bool) func() {
	var done int32
	ch := make(chan bool)
	for i := range ka {
		go appender(t, cfg, i, ka, va, &done, verify, ch)
	}
	return func() {
		atomic.StoreInt32(&done, 1)
		for range ka {
			<-ch
		}
	}
}

func TestStaticShards(t *testing.T) {
	cfg := make_config(t, 3, false, -1)
	defer cfg.cleanup()
	cfg.begin("Test: static shards")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	cfg.join(1)
	ka, va := putKeys(cfg, ck, cli, 10, 20)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}

	// With group 1 down, exactly the keys of group 0's shards answer.
	cfg.ShutdownGroup(1)
	cfg.checklogs()
	ch := make(chan string)
	for xi := range ka {
		go func(i int) {
			ck1 := cfg.makeClient()
			c := cfg.newClientId()
			v := cfg.Get(ck1, ka[i], c)
			if v != va[i] {
				ch <- "Get(" + ka[i] + "): expected " + va[i] + ", received " + v
			} else {
				ch <- ""
			}
		}(xi)
	}
	ndone := 0
	deadline := time.After(2 * time.Second)
	for waiting := true; waiting; {
		select {
		case err := <-ch:
			if err != "" {
				t.Fatal(err)
			}
			ndone++
		case <-deadline:
			waiting = false
		}
	}
	if ndone != 5 {
		t.Fatalf("expected 5 completions with one shard dead; got %v", ndone)
	}

	// Bring group 1 back up; the waiting Gets complete.
	cfg.StartGroup(1)
	for i := 0; i < len(ka); i++ {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	for ; ndone < len(ka); ndone++ {
		if err := <-ch; err != "" {
			t.Fatal(err)
		}
	}
	cfg.end()
}

func TestJoinLeave(t *testing.T) {
	cfg := make_config(t, 3, false, -1)
	defer cfg.cleanup()
	cfg.begin("Test: join then leave")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 10, 5)
	checkAppendAll(t, cfg, ck, cli, ka, va)
	cfg.join(1)
	checkAppendAll(t, cfg, ck, cli, ka, va)
	cfg.leave(0)
	checkAppendAll(t, cfg, ck, cli, ka, va)

	// Allow time for shards to transfer.
	time.Sleep(1 * time.Second)
	cfg.checklogs()
	cfg.ShutdownGroup(0)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

func TestSnapshot(t *testing.T) {
	cfg := make_config(t, 3, false, 1000)
	defer cfg.cleanup()
	cfg.begin("Test: snapshots, join, and leave")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 30, 20) // keys 10..29 share shards with 0..9
	checkAppendAll(t, cfg, ck, cli, ka, va)
	cfg.join(1)
	cfg.join(2)
	cfg.leave(0)
	checkAppendAll(t, cfg, ck, cli, ka, va)
	cfg.leave(1)
	cfg.join(0)
	checkAppendAll(t, cfg, ck, cli, ka, va)

	time.Sleep(1 * time.Second)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	time.Sleep(1 * time.Second)
	cfg.checklogs()

	cfg.ShutdownGroup(0)
	cfg.ShutdownGroup(1)
	cfg.ShutdownGroup(2)
	cfg.StartGroup(0)
	cfg.StartGroup(1)
	cfg.StartGroup(2)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

func TestMissChange(t *testing.T) {
	cfg := make_config(t, 3, false, 1000)
	defer cfg.cleanup()
	cfg.begin("Test: servers miss configuration changes")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 10, 20)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.join(1)

	cfg.ShutdownServer(0, 0)
	cfg.ShutdownServer(1, 0)
	cfg.ShutdownServer(2, 0)
	cfg.join(2)
	cfg.leave(1)
	cfg.leave(0)
	checkAppendAll(t, cfg, ck, cli, ka, va)
	cfg.join(1)
	checkAppendAll(t, cfg, ck, cli, ka, va)
	cfg.StartServer(0, 0)
	cfg.StartServer(1, 0)
	cfg.StartServer(2, 0)
	checkAppendAll(t, cfg, ck, cli, ka, va)

	time.Sleep(2 * time.Second)
	cfg.ShutdownServer(0, 1)
	cfg.ShutdownServer(1, 1)
	cfg.ShutdownServer(2, 1)
	cfg.join(0)
	cfg.leave(2)
	checkAppendAll(t, cfg, ck, cli, ka, va)
	cfg.StartServer(0, 1)
	cfg.StartServer(1, 1)
	cfg.StartServer(2, 1)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

func TestConcurrent1(t *testing.T) {
	cfg := make_config(t, 3, false, 100)
	defer cfg.cleanup()
	cfg.begin("Test: concurrent puts and configuration changes")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 10, 5)
	stop := runAppenders(t, cfg, ka, va, false)

	time.Sleep(150 * time.Millisecond)
	cfg.join(1)
	time.Sleep(500 * time.Millisecond)
	cfg.join(2)
	time.Sleep(500 * time.Millisecond)
	cfg.leave(0)
	cfg.ShutdownGroup(0)
	time.Sleep(100 * time.Millisecond)
	cfg.ShutdownGroup(1)
	time.Sleep(100 * time.Millisecond)
	cfg.ShutdownGroup(2)
	cfg.leave(2)
	time.Sleep(100 * time.Millisecond)
	cfg.StartGroup(0)
	cfg.StartGroup(1)
	cfg.StartGroup(2)
	time.Sleep(100 * time.Millisecond)
	cfg.join(0)
	cfg.leave(1)
	time.Sleep(500 * time.Millisecond)
	cfg.join(1)
	time.Sleep(1 * time.Second)

	stop()
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

// TestConcurrent2: the groups that own the shards are restarted at the
// end, and must fetch shards from several previous owners.
func TestConcurrent2(t *testing.T) {
	cfg := make_config(t, 3, false, -1)
	defer cfg.cleanup()
	cfg.begin("Test: more concurrent puts and configuration changes")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(1)
	cfg.join(0)
	cfg.join(2)
	ka, va := putKeys(cfg, ck, cli, 10, 1)
	stop := runAppenders(t, cfg, ka, va, false)

	cfg.leave(0)
	cfg.leave(2)
	time.Sleep(3 * time.Second)
	cfg.join(0)
	cfg.join(2)
	cfg.leave(1)
	time.Sleep(3 * time.Second)
	cfg.join(1)
	cfg.leave(0)
	cfg.leave(2)
	time.Sleep(3 * time.Second)

	cfg.ShutdownGroup(1)
	cfg.ShutdownGroup(2)
	time.Sleep(1 * time.Second)
	cfg.StartGroup(1)
	cfg.StartGroup(2)
	time.Sleep(2 * time.Second)

	stop()
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

func TestConcurrent3(t *testing.T) {
	cfg := make_config(t, 3, false, 300)
	defer cfg.cleanup()
	cfg.begin("Test: concurrent configuration change and restart")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 10, 1)
	stop := runAppenders(t, cfg, ka, va, true)

	t0 := time.Now()
	for time.Since(t0) < 12*time.Second {
		cfg.join(2)
		cfg.join(1)
		time.Sleep(time.Duration(rand.Int()%900) * time.Millisecond)
		cfg.ShutdownGroup(0)
		cfg.ShutdownGroup(1)
		cfg.ShutdownGroup(2)
		cfg.StartGroup(0)
		cfg.StartGroup(1)
		cfg.StartGroup(2)
		time.Sleep(time.Duration(rand.Int()%900) * time.Millisecond)
		cfg.leave(1)
		cfg.leave(2)
		time.Sleep(time.Duration(rand.Int()%900) * time.Millisecond)
	}
	time.Sleep(2 * time.Second)

	stop()
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

func TestUnreliable1(t *testing.T) {
	cfg := make_config(t, 3, true, 100)
	defer cfg.cleanup()
	cfg.begin("Test: unreliable 1")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 10, 5)
	cfg.join(1)
	cfg.join(2)
	cfg.leave(0)
	for ii := 0; ii < len(ka)*2; ii++ {
		i := ii % len(ka)
		check(t, cfg, ck, ka[i], va[i], cli)
		x := randstring(5)
		cfg.Append(ck, ka[i], x, cli)
		va[i] += x
	}
	cfg.join(0)
	cfg.leave(1)
	for ii := 0; ii < len(ka)*2; ii++ {
		i := ii % len(ka)
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

func TestUnreliable2(t *testing.T) {
	cfg := make_config(t, 3, true, 100)
	defer cfg.cleanup()
	cfg.begin("Test: unreliable 2")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 10, 5)
	stop := runAppenders(t, cfg, ka, va, false)

	time.Sleep(150 * time.Millisecond)
	cfg.join(1)
	time.Sleep(500 * time.Millisecond)
	cfg.join(2)
	time.Sleep(500 * time.Millisecond)
	cfg.leave(0)
	time.Sleep(500 * time.Millisecond)
	cfg.leave(1)
	time.Sleep(500 * time.Millisecond)
	cfg.join(1)
	cfg.join(0)
	time.Sleep(2 * time.Second)

	stop()
	cfg.net.Reliable(true)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

// TestUnreliable3: many clerks put, append and get random keys of a few
// shards while groups join and leave on an unreliable network; the values
// are not predicted: the history is checked for linearizability.
func TestUnreliable3(t *testing.T) {
	cfg := make_config(t, 3, true, 100)
	defer cfg.cleanup()
	cfg.begin("Test: unreliable 3")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, _ := putKeys(cfg, ck, cli, 10, 5)

	var done int32
	ch := make(chan bool)
	for range ka {
		go func() {
			defer func() { ch <- true }()
			ck1 := cfg.makeClient()
			c := cfg.newClientId()
			for atomic.LoadInt32(&done) == 0 {
				key := ka[rand.Int()%len(ka)]
				switch r := rand.Int() % 10; {
				case r < 3:
					cfg.Put(ck1, key, randstring(5), c)
				case r < 6:
					cfg.Append(ck1, key, randstring(5), c)
				default:
					cfg.Get(ck1, key, c)
				}
			}
		}()
	}

	time.Sleep(150 * time.Millisecond)
	cfg.join(1)
	time.Sleep(500 * time.Millisecond)
	cfg.join(2)
	time.Sleep(500 * time.Millisecond)
	cfg.leave(0)
	time.Sleep(500 * time.Millisecond)
	cfg.leave(1)
	time.Sleep(500 * time.Millisecond)
	cfg.join(1)
	cfg.join(0)
	time.Sleep(2 * time.Second)

	atomic.StoreInt32(&done, 1)
	cfg.net.Reliable(true)
	for range ka {
		<-ch
	}
	cfg.end() // the linearizability check
}

// TestChallenge1Delete: shards that moved away are deleted. 30 values of
// 1000 bytes live on 3 replicas each: about 90,000 bytes; with snapshots
// every entry (maxraftstate 1) and the copies of moved shards deleted, the
// Raft state and snapshots of all 9 servers fit in 117,000 bytes.
func TestChallenge1Delete(t *testing.T) {
	cfg := make_config(t, 3, false, 1)
	defer cfg.cleanup()
	cfg.begin("Test: shard deletion (challenge 1)")
	ck := cfg.makeClient()
	cli := cfg.newClientId()
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, 30, 1000)
	for i := 0; i < 3; i++ {
		for j := range ka {
			check(t, cfg, ck, ka[j], va[j], cli)
		}
		cfg.join(1)
		cfg.join(2)
		cfg.leave(0)
		for j := range ka {
			check(t, cfg, ck, ka[j], va[j], cli)
		}
		cfg.join(0)
		cfg.leave(1)
		cfg.leave(2)
	}
	cfg.join(1)
	cfg.join(2)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	time.Sleep(1 * time.Second)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}

	const expected = 3 * 30 * 1000 // each value on the 3 replicas of its group
	total := cfg.totalStateSize()
	t.Logf("Raft state and snapshots of all servers: %d bytes", total)
	if total > expected+27000 {
		t.Fatalf("snapshot + persisted Raft state are too big: %v > %v", total, expected+27000)
	}
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	cfg.end()
}

// waitAll runs f for every key of ka in its own goroutine with its own
// clerk and reports which finished within d.
func waitAll(cfg *config, ka []string, d time.Duration, f func(ck *Clerk, cli int, key string)) []bool {
	var mu sync.Mutex
	finished := make([]bool, len(ka))
	for xi := range ka {
		go func(i int) {
			ck := cfg.makeClient()
			f(ck, cfg.newClientId(), ka[i])
			mu.Lock()
			finished[i] = true
			mu.Unlock()
		}(xi)
	}
	time.Sleep(d)
	mu.Lock()
	defer mu.Unlock()
	return append([]bool(nil), finished...)
}

// TestChallenge2Unaffected: while some shards wait for a group that is
// down, the shards that stay where they were keep being served.
func TestChallenge2Unaffected(t *testing.T) {
	cfg := make_config(t, 3, true, 100)
	defer cfg.cleanup()
	cfg.begin("Test: unaffected shard access (challenge 2)")
	ck := cfg.makeClient()
	cli := cfg.newClientId()

	// JOIN 100, then 101: each serves five shards.
	cfg.join(0)
	ka, va := putKeys(cfg, ck, cli, shardctrler.NShards, 20)
	cfg.join(1)
	time.Sleep(1 * time.Second) // let 101 pull its shards
	owned := make(map[int]bool)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli) // every shard is reachable
	}
	c := cfg.mck.Query(-1)
	for s, gid := range c.Shards {
		if gid == cfg.groups[1].gid {
			owned[s] = true
		}
	}

	// 100 goes down and leaves: its shards move to 101 and cannot arrive.
	cfg.ShutdownGroup(0)
	cfg.leave(0)
	var unaffected []string
	for i := range ka {
		if owned[key2shard(ka[i])] {
			unaffected = append(unaffected, ka[i])
		}
	}
	finished := waitAll(cfg, unaffected, 1*time.Second, func(ck *Clerk, c int, key string) {
		cfg.Put(ck, key, "unaffected-"+key, c)
	})
	for i, ok := range finished {
		if !ok {
			t.Fatalf("Put of %q, a shard that did not move, did not finish within a second", unaffected[i])
		}
	}
	cfg.net.Reliable(true)
	for _, key := range unaffected {
		check(t, cfg, ck, key, "unaffected-"+key, cli)
	}
	cfg.StartGroup(0) // let the clerks that are still waiting finish
	for i := range ka {
		if !owned[key2shard(ka[i])] {
			check(t, cfg, ck, ka[i], va[i], cli)
		}
	}
	cfg.end()
}

// TestChallenge2Partial: a group gains shards from two groups, one of which
// is down; the shards from the other are served as soon as they arrive.
func TestChallenge2Partial(t *testing.T) {
	cfg := make_config(t, 3, true, 100)
	defer cfg.cleanup()
	cfg.begin("Test: partial migration shard access (challenge 2)")
	ck := cfg.makeClient()
	cli := cfg.newClientId()

	cfg.joinm([]int{0, 1, 2})
	ka, va := putKeys(cfg, ck, cli, shardctrler.NShards, 20)
	for i := range ka {
		check(t, cfg, ck, ka[i], va[i], cli)
	}
	before := cfg.mck.Query(-1)

	// 100 goes down; 100 and 101 leave: 102 gains every shard, but only
	// those from 101 can arrive.
	cfg.ShutdownGroup(0)
	cfg.leavem([]int{0, 1})
	var fromLive []string
	for i := range ka {
		if before.Shards[key2shard(ka[i])] == cfg.groups[1].gid {
			fromLive = append(fromLive, ka[i])
		}
	}
	finished := waitAll(cfg, fromLive, 2*time.Second, func(ck *Clerk, c int, key string) {
		cfg.Put(ck, key, "partial-"+key, c)
	})
	for i, ok := range finished {
		if !ok {
			t.Fatalf("Put of %q, a shard whose previous owner is up, did not finish within 2 seconds", fromLive[i])
		}
	}
	cfg.net.Reliable(true)
	for _, key := range fromLive {
		check(t, cfg, ck, key, "partial-"+key, cli)
	}
	cfg.StartGroup(0)
	for i := range ka {
		if before.Shards[key2shard(ka[i])] == cfg.groups[0].gid {
			check(t, cfg, ck, ka[i], va[i], cli)
		}
	}
	cfg.end()
}
