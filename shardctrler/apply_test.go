package shardctrler

import "testing"

// newStateOnly returns a controller with no Raft peer, to drive Apply by
// hand.
func newStateOnly() *ShardCtrler {
	return &ShardCtrler{configs: []Config{{Groups: map[int][]string{}}}, lastSeq: map[int64]int64{}}
}

func TestApplyRetriedJoinIsAppliedOnce(t *testing.T) {
	sc := newStateOnly()
	join := Op{Kind: kindJoin, Servers: map[int][]string{1: {"a"}}, ClientId: 5, Seq: 1}
	sc.Apply(join)
	sc.Apply(Op{Kind: kindJoin, Servers: map[int][]string{2: {"b"}}, ClientId: 6, Seq: 1})
	got := sc.Apply(join).(Config) // a retry after the reply was lost
	if len(sc.configs) != 3 || got.Num != 2 {
		t.Fatalf("after a retried Join: %d configs, answer config %d; want 3 configs, answer 2", len(sc.configs), got.Num)
	}
}

func TestApplyQueryOutOfRangeIsLatest(t *testing.T) {
	sc := newStateOnly()
	sc.Apply(Op{Kind: kindJoin, Servers: map[int][]string{1: {"a"}}, ClientId: 1, Seq: 1})
	for _, num := range []int{-1, 1, 2, 99} {
		if got := sc.Apply(Op{Kind: kindQuery, Num: num}).(Config); got.Num != 1 {
			t.Errorf("Query(%d) = config %d; want 1", num, got.Num)
		}
	}
	if got := sc.Apply(Op{Kind: kindQuery, Num: 0}).(Config); got.Num != 0 || len(got.Groups) != 0 {
		t.Errorf("Query(0) = %+v; want the empty config 0", got)
	}
}

func TestQueryAnswerDoesNotAliasHistory(t *testing.T) {
	sc := newStateOnly()
	got := sc.Apply(Op{Kind: kindJoin, Servers: map[int][]string{1: {"a"}}, ClientId: 1, Seq: 1}).(Config)
	got.Groups[1][0] = "changed"
	got.Groups[2] = []string{"x"}
	if c := sc.Apply(Op{Kind: kindQuery, Num: 1}).(Config); c.Groups[1][0] != "a" || len(c.Groups) != 1 {
		t.Fatalf("history changed through an answer: %+v", c)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	sc := newStateOnly()
	sc.Apply(Op{Kind: kindJoin, Servers: map[int][]string{1: {"a"}, 2: {"b"}}, ClientId: 1, Seq: 1})
	sc.Apply(Op{Kind: kindMove, Shard: 3, GID: 1, ClientId: 1, Seq: 2})
	other := newStateOnly()
	other.Restore(sc.Snapshot())
	for num := 0; num < 3; num++ {
		a, b := sc.configAt(num), other.configAt(num)
		if a.Num != b.Num || a.Shards != b.Shards || len(a.Groups) != len(b.Groups) {
			t.Fatalf("config %d after restore: %+v; want %+v", num, b, a)
		}
	}
	if other.lastSeq[1] != 2 {
		t.Fatalf("duplicate table after restore: %v", other.lastSeq)
	}
}

func TestJoinLeavesEarlierConfigsAlone(t *testing.T) {
	sc := newStateOnly()
	sc.Apply(Op{Kind: kindJoin, Servers: map[int][]string{1: {"a"}}, ClientId: 1, Seq: 1})
	sc.Apply(Op{Kind: kindJoin, Servers: map[int][]string{2: {"b"}}, ClientId: 1, Seq: 2})
	sc.Apply(Op{Kind: kindLeave, GIDs: []int{1}, ClientId: 1, Seq: 3})
	if c := sc.configAt(1); len(c.Groups) != 1 || len(c.Groups[1]) != 1 {
		t.Fatalf("config 1 changed by later requests: %+v", c)
	}
	if c := sc.configAt(2); len(c.Groups) != 2 {
		t.Fatalf("config 2 changed by a later Leave: %+v", c)
	}
}

func TestMalformedRequestsRejected(t *testing.T) {
	sc := &ShardCtrler{} // the handlers refuse before reaching Raft
	var jr JoinReply
	sc.Join(&JoinArgs{Servers: map[int][]string{0: {"a"}}}, &jr)
	var jr2 JoinReply
	sc.Join(&JoinArgs{Servers: map[int][]string{3: {}}}, &jr2)
	var mr MoveReply
	sc.Move(&MoveArgs{Shard: NShards, GID: 1}, &mr)
	var mr2 MoveReply
	sc.Move(&MoveArgs{Shard: 0, GID: 0}, &mr2)
	for i, err := range []Err{jr.Err, jr2.Err, mr.Err, mr2.Err} {
		if err != ErrBadArgs {
			t.Errorf("request %d: %q; want ErrBadArgs", i, err)
		}
	}
}
