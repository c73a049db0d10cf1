package shardkv

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"miniraftkv/labrpc"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// benchClerks is how many clerks run operations at once.
const benchClerks = 100

// benchKey returns the key of client c's n-th operation: keys of every
// shard, spread over the clients.
func benchKey(c, n int) string {
	return fmt.Sprintf("%c-%d", '0'+(c+n)%10, c)
}

// runClerks runs b.N operations (1 Put then Appends and Gets) spread over
// benchClerks clients, each with its own clerk from newClerk, and reports
// the throughput.
func runClerks(b *testing.B, newClerk func() (put, get func(key, value string) string)) {
	var next int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < benchClerks; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			put, get := newClerk()
			for n := 0; atomic.AddInt64(&next, 1) <= int64(b.N); n++ {
				if n%2 == 0 {
					put(benchKey(c, n), "x")
				} else {
					get(benchKey(c, n), "")
				}
			}
		}(c)
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// BenchmarkThroughput compares 100 clerks on 3 groups of 3 servers with
// 100 clerks on one KV group of 3 (package raftkv), in the same run:
//
//	go test -run '^$' -bench Throughput -benchtime 3000x ./shardkv
func BenchmarkThroughput(b *testing.B) {
	b.Run("sharded-3x3", func(b *testing.B) {
		d := newDeployment(b, -1, 100, 101, 102)
		defer d.stop()
		d.join(100, 101, 102)
		warm := d.clerk()
		for s := 0; s < 10; s++ {
			warm.Put(benchKey(s, 0), "") // every group has its shards and a leader
		}
		b.ResetTimer()
		runClerks(b, func() (func(k, v string) string, func(k, v string) string) {
			ck := d.clerk()
			return func(k, v string) string { ck.Append(k, v); return "" },
				func(k, _ string) string { return ck.Get(k) }
		})
	})
	b.Run("single-group-3", func(b *testing.B) {
		net, ends, stop := startKVGroup(3)
		defer stop()
		raftkv.MakeClerk(ends(net)).Put(benchKey(0, 0), "") // a leader is elected
		b.ResetTimer()
		runClerks(b, func() (func(k, v string) string, func(k, v string) string) {
			ck := raftkv.MakeClerk(ends(net))
			return func(k, v string) string { ck.Append(k, v); return "" },
				func(k, _ string) string { return ck.Get(k) }
		})
	})
}

// startKVGroup starts n raftkv servers without snapshots and returns their
// network, a maker of clerk ends, and a stop function.
func startKVGroup(n int) (*labrpc.Network, func(*labrpc.Network) []*labrpc.ClientEnd, func()) {
	net := labrpc.MakeNetwork()
	servers := make([]*raftkv.KVServer, n)
	for i := 0; i < n; i++ {
		ends := make([]*labrpc.ClientEnd, n)
		for j := range ends {
			ends[j] = benchEnd(net, fmt.Sprintf("kv-%d", j))
		}
		servers[i] = raftkv.StartKVServer(ends, i, raft.MakePersister(), -1)
		srv := labrpc.MakeServer()
		srv.AddService(labrpc.MakeService(servers[i]))
		srv.AddService(labrpc.MakeService(servers[i].Raft()))
		net.AddServer(fmt.Sprintf("kv-%d", i), srv)
	}
	clerkEnds := func(net *labrpc.Network) []*labrpc.ClientEnd {
		ends := make([]*labrpc.ClientEnd, n)
		for j := range ends {
			ends[j] = benchEnd(net, fmt.Sprintf("kv-%d", j))
		}
		return ends
	}
	return net, clerkEnds, func() {
		for _, kv := range servers {
			kv.Kill()
		}
		net.Cleanup()
	}
}

func benchEnd(net *labrpc.Network, server string) *labrpc.ClientEnd {
	name := randomEndName()
	e := net.MakeEnd(name)
	net.Connect(name, server)
	net.Enable(name, true)
	return e
}

// BenchmarkShardMigration measures how long one shard takes to move from
// one group to another while 20 clerks keep writing to every shard: from
// the Move's return until the new owner's leader serves the shard.
//
//	go test -run '^$' -bench ShardMigration -benchtime 20x ./shardkv
func BenchmarkShardMigration(b *testing.B) {
	d := newDeployment(b, 1000, 100, 101)
	defer d.stop()
	d.join(100, 101)
	stopLoad := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 20; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			ck := d.clerk()
			for n := 0; ; n++ {
				select {
				case <-stopLoad:
					return
				default:
				}
				ck.Append(benchKey(c, n), "x")
			}
		}(c)
	}
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := d.admin.Query(-1)
		shard, to := 0, 0
		for s, gid := range c.Shards {
			if gid == 100 {
				shard, to = s, 101
				break
			}
			shard, to = s, 100
		}
		t0 := time.Now()
		d.admin.Move(shard, to)
		for !d.serves(to, shard) {
			time.Sleep(time.Millisecond)
		}
		total += time.Since(t0)
	}
	b.StopTimer()
	close(stopLoad)
	wg.Wait()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/migration")
}

// serves reports whether some replica of group gid serves shard s.
func (d *deployment) serves(gid, s int) bool {
	d.mu.Lock()
	replicas := append([]*ShardKV(nil), d.servers[gid]...)
	d.mu.Unlock()
	for _, kv := range replicas {
		if kv != nil && kv.rsm.IsLeader() && kv.ownsNow(s) {
			return true
		}
	}
	return false
}
