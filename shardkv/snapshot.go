package shardkv

import (
	"bytes"
	"fmt"

	"miniraftkv/labgob"
	"miniraftkv/shardctrler"
)

// groupState is what a snapshot of a replica holds: the configs, every
// shard's status and data, and the duplicate table.
type groupState struct {
	Config  shardctrler.Config
	Prev    shardctrler.Config
	Shards  [shardctrler.NShards]shard
	LastSeq map[int64]int64
}

// Snapshot encodes the replicated state (rsm.StateMachine).
func (kv *ShardKV) Snapshot() []byte {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	var buf bytes.Buffer
	st := groupState{Config: kv.config, Prev: kv.prev, Shards: kv.shards, LastSeq: kv.lastSeq}
	if err := labgob.NewEncoder(&buf).Encode(st); err != nil {
		panic(fmt.Sprintf("shardkv: G%d S%d: encoding snapshot: %v", kv.gid, kv.me, err))
	}
	return buf.Bytes()
}

// Restore replaces the replicated state with a snapshot (rsm.StateMachine).
func (kv *ShardKV) Restore(snapshot []byte) {
	var st groupState
	if err := labgob.NewDecoder(bytes.NewReader(snapshot)).Decode(&st); err != nil {
		panic(fmt.Sprintf("shardkv: G%d S%d: corrupt snapshot: %v", kv.gid, kv.me, err))
	}
	// Gob leaves empty maps out.
	for s := range st.Shards {
		if st.Shards[s].Status != absent && st.Shards[s].Data == nil {
			st.Shards[s].Data = map[string]string{}
		}
	}
	if st.LastSeq == nil {
		st.LastSeq = make(map[int64]int64)
	}
	kv.mu.Lock()
	kv.config, kv.prev, kv.shards, kv.lastSeq = st.Config, st.Prev, st.Shards, st.LastSeq
	kv.debugf(topicRestore, "restored config %d from a snapshot: %s", kv.config.Num, kv.shardsSummary())
	kv.mu.Unlock()
}
