package shardkv

import (
	"testing"

	"miniraftkv/shardctrler"
)

// The group state machine driven by hand, without Raft or a network: the
// rules of the migration protocol, one command at a time.

// bareGroup returns a replica of group gid with no Raft peer.
func bareGroup(gid int) *ShardKV {
	return &ShardKV{
		gid:     gid,
		config:  shardctrler.Config{Groups: map[int][]string{}},
		prev:    shardctrler.Config{Groups: map[int][]string{}},
		lastSeq: map[int64]int64{},
	}
}

// twoGroupConfigs returns config 1 (every shard on 100) and config 2
// (shards 5..9 moved to 101).
func twoGroupConfigs() (shardctrler.Config, shardctrler.Config) {
	c1 := shardctrler.Config{Num: 1, Groups: map[int][]string{100: {"a"}}}
	c2 := shardctrler.Config{Num: 2, Groups: map[int][]string{100: {"a"}, 101: {"b"}}}
	for s := 0; s < shardctrler.NShards; s++ {
		c1.Shards[s] = 100
		c2.Shards[s] = 100
		if s >= 5 {
			c2.Shards[s] = 101
		}
	}
	return c1, c2
}

// keyOf returns a key of shard s.
func keyOf(s int) string {
	return string(rune('0' + (s+2)%10)) // key2shard is the first byte mod 10
}

func applyPut(kv *ShardKV, key, value string, client, seq int64) Err {
	return kv.Apply(clientOp{Kind: opPut, Key: key, Value: value, ClientId: client, Seq: seq}).(clientResult).Err
}

func applyAppend(kv *ShardKV, key, value string, client, seq int64) Err {
	return kv.Apply(clientOp{Kind: opAppend, Key: key, Value: value, ClientId: client, Seq: seq}).(clientResult).Err
}

func applyGet(kv *ShardKV, key string) clientResult {
	return kv.Apply(clientOp{Kind: opGet, Key: key}).(clientResult)
}

// migrateByHand moves shards 5..9 from a (100) to b (101) through config 2, the
// way the leaders' loops would, and returns what b pulled.
func migrateByHand(t *testing.T, a, b *ShardKV, c2 shardctrler.Config) insertOp {
	t.Helper()
	a.Apply(configOp{Config: c2})
	b.Apply(configOp{Config: c2})
	var reply PullShardsReply
	a.PullShards(&PullShardsArgs{ConfigNum: 2, Shards: []int{5, 6, 7, 8, 9}}, &reply)
	if reply.Err != OK {
		t.Fatalf("PullShards at config 2: %s", reply.Err)
	}
	ins := insertOp{ConfigNum: 2, Data: reply.Data, LastSeq: reply.LastSeq}
	b.Apply(ins)
	return ins
}

func TestConfigsApplyInOrderOnly(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	kv := bareGroup(100)
	kv.Apply(configOp{Config: c2}) // config 2 before config 1: ignored
	if kv.config.Num != 0 {
		t.Fatalf("config %d applied from config 0; configs must not be skipped", kv.config.Num)
	}
	kv.Apply(configOp{Config: c1})
	kv.Apply(configOp{Config: c1}) // a duplicate: ignored
	if kv.config.Num != 1 || kv.prev.Num != 0 {
		t.Fatalf("after config 1 twice: config %d, prev %d; want 1 and 0", kv.config.Num, kv.prev.Num)
	}
}

func TestNextConfigWaitsForMigration(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	b := bareGroup(101)
	b.Apply(configOp{Config: c1})
	b.Apply(configOp{Config: c2}) // b now pulls 5..9
	c3 := c2
	c3.Num = 3
	b.Apply(configOp{Config: c3})
	if b.config.Num != 2 {
		t.Fatalf("config %d applied while shards were still being pulled", b.config.Num)
	}
}

func TestPullingShardAnswersWrongGroup(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	b := bareGroup(101)
	b.Apply(configOp{Config: c1})
	b.Apply(configOp{Config: c2})
	if err := applyPut(b, keyOf(7), "x", 1, 1); err != ErrWrongGroup {
		t.Fatalf("Put to a shard whose data has not arrived: %s; want ErrWrongGroup", err)
	}
}

func TestMovedShardKeepsDataAndDuplicateTable(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	a, b := bareGroup(100), bareGroup(101)
	a.Apply(configOp{Config: c1})
	b.Apply(configOp{Config: c1})
	if err := applyAppend(a, keyOf(7), "x", 9, 1); err != OK {
		t.Fatalf("Append at the owner: %s", err)
	}
	migrateByHand(t, a, b, c2)
	// The clerk never got the reply and retries at the new owner.
	if err := applyAppend(b, keyOf(7), "x", 9, 1); err != OK {
		t.Fatalf("retried Append at the new owner: %s", err)
	}
	if got := applyGet(b, keyOf(7)); got.Err != OK || got.Value != "x" {
		t.Fatalf("Get after a retried Append at the new owner = %+v; want \"x\" once", got)
	}
	if err := applyPut(a, keyOf(7), "y", 9, 2); err != ErrWrongGroup {
		t.Fatalf("Put at the previous owner after the move: %s; want ErrWrongGroup", err)
	}
}

func TestUnmovedShardsServedDuringMigration(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	a := bareGroup(100)
	a.Apply(configOp{Config: c1})
	applyPut(a, keyOf(2), "v", 1, 1)
	a.Apply(configOp{Config: c2}) // 5..9 wait to be pulled
	if err := applyPut(a, keyOf(2), "w", 1, 2); err != OK {
		t.Fatalf("Put to a shard that stays, during a migration: %s; want OK", err)
	}
}

func TestReceivedShardServedBeforeDeletionConfirmed(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	a, b := bareGroup(100), bareGroup(101)
	a.Apply(configOp{Config: c1})
	b.Apply(configOp{Config: c1})
	applyPut(a, keyOf(6), "v", 1, 1)
	migrateByHand(t, a, b, c2)
	if got := applyGet(b, keyOf(6)); got.Err != OK || got.Value != "v" {
		t.Fatalf("Get of a received shard = %+v; want \"v\"", got)
	}
}

func TestPullRefusedUntilOwnerAppliedConfig(t *testing.T) {
	c1, _ := twoGroupConfigs()
	a := bareGroup(100)
	a.Apply(configOp{Config: c1})
	var reply PullShardsReply
	a.PullShards(&PullShardsArgs{ConfigNum: 2, Shards: []int{5}}, &reply)
	if reply.Err != ErrNotReady {
		t.Fatalf("PullShards for config 2 from a group at config 1: %s; want ErrNotReady", reply.Err)
	}
}

func TestPullRefusedForShardStillServed(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	a := bareGroup(100)
	a.Apply(configOp{Config: c1})
	a.Apply(configOp{Config: c2}) // a keeps 0..4
	var reply PullShardsReply
	a.PullShards(&PullShardsArgs{ConfigNum: 2, Shards: []int{2}}, &reply)
	if reply.Err != ErrNotReady {
		t.Fatalf("PullShards of shard 2, which the group still serves: %s; want ErrNotReady", reply.Err)
	}
}

func TestMovedShardDeletedOnlyAfterConfirmation(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	a, b := bareGroup(100), bareGroup(101)
	a.Apply(configOp{Config: c1})
	b.Apply(configOp{Config: c1})
	applyPut(a, keyOf(8), "v", 1, 1)
	migrateByHand(t, a, b, c2)
	if a.shards[8].Data == nil {
		t.Fatalf("the previous owner dropped shard 8 before the new owner confirmed it")
	}
	if err := a.Apply(deleteOp{ConfigNum: 2, Shards: []int{5, 6, 7, 8, 9}}); err != Err(OK) {
		t.Fatalf("deleteOp: %v", err)
	}
	b.Apply(receivedOp{ConfigNum: 2, Shards: []int{5, 6, 7, 8, 9}})
	for s := 5; s < 10; s++ {
		if a.shards[s].Status != absent || a.shards[s].Data != nil {
			t.Fatalf("shard %d still held by its previous owner after deletion: %+v", s, a.shards[s])
		}
		if b.shards[s].Status != serving {
			t.Fatalf("shard %d at the new owner: status %d; want serving", s, b.shards[s].Status)
		}
	}
	if !a.settled() || !b.settled() {
		t.Fatalf("migration done but a group is not settled")
	}
}

func TestSnapshotRestoresMigrationState(t *testing.T) {
	c1, c2 := twoGroupConfigs()
	a, b := bareGroup(100), bareGroup(101)
	a.Apply(configOp{Config: c1})
	b.Apply(configOp{Config: c1})
	applyPut(a, keyOf(9), "v", 4, 1)
	migrateByHand(t, a, b, c2)
	r := bareGroup(101)
	r.Restore(b.Snapshot())
	if r.config.Num != 2 || r.prev.Num != 1 || r.shards[9].Status != received || r.lastSeq[4] != 1 {
		t.Fatalf("restored: config %d prev %d shard 9 %+v dup %v", r.config.Num, r.prev.Num, r.shards[9], r.lastSeq)
	}
	if err := applyPut(r, keyOf(3), "w", 4, 2); err != ErrWrongGroup {
		t.Fatalf("restored replica serves a shard it does not own: %s", err)
	}
	if got := applyGet(r, keyOf(9)); got.Value != "v" {
		t.Fatalf("restored Get = %+v", got)
	}
	// A shard owned but empty must take writes after a restore.
	e := bareGroup(100)
	e.Apply(configOp{Config: c1})
	r2 := bareGroup(100)
	r2.Restore(e.Snapshot())
	if err := applyPut(r2, keyOf(1), "x", 1, 1); err != OK {
		t.Fatalf("Put to an empty owned shard after a restore: %s", err)
	}
}

func TestKey2Shard(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want int
	}{{"", 0}, {"0", 8}, {"9", 7}, {"a", 7}, {"abc", 7}} {
		if got := key2shard(tc.key); got != tc.want {
			t.Errorf("key2shard(%q) = %d; want %d", tc.key, got, tc.want)
		}
	}
}
