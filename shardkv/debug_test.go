package shardkv

import (
	"testing"

	"miniraftkv/internal/debugline"
)

func TestShardsSummary(t *testing.T) {
	var kv ShardKV
	if got := kv.shardsSummary(); got != "no shards" {
		t.Errorf("no shard held: summary %q; want %q", got, "no shards")
	}
	kv.shards[0].Status = serving
	kv.shards[1].Status = serving
	kv.shards[5].Status = pulling
	kv.shards[7].Status = bePulled
	want := "serving [0 1] pulling [5] bePulled [7]"
	if got := kv.shardsSummary(); got != want {
		t.Errorf("summary %q; want %q", got, want)
	}
}

// The lines must be ones cmd/raftlog can read.
func TestDebugLinesParse(t *testing.T) {
	for _, topic := range []string{topicConfig, topicShard, topicRestore} {
		s := debugline.Format(1234, 2, debugline.UnknownTerm, roleShardKV, topic, "G101 applied config 3: no shards")
		l, ok := debugline.Parse(s[:len(s)-1])
		if !ok || l.Topic != topic || l.Peer != 2 || l.Role != roleShardKV || l.Msg != "G101 applied config 3: no shards" {
			t.Errorf("line %q parsed as %+v, %v", s, l, ok)
		}
	}
}
