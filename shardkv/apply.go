package shardkv

import (
	"fmt"

	"miniraftkv/shardctrler"
)

// The commands a group puts in its log. Every change of the group's state
// is one of them, applied in log order on every replica, so the replicas
// agree on which config is current and which shards are here.

// clientOp is a client's Get, Put or Append.
type clientOp struct {
	Kind     string // opGet, opPut or opAppend
	Key      string
	Value    string
	ClientId int64
	Seq      int64
}

// clientResult is what applying a clientOp returns.
type clientResult struct {
	Err   Err
	Value string
}

// configOp moves the group to the next config.
type configOp struct {
	Config shardctrler.Config
}

// insertOp installs pulled shards of config ConfigNum, with the duplicate
// table of the group they came from.
type insertOp struct {
	ConfigNum int
	Data      map[int]map[string]string
	LastSeq   map[int64]int64
}

// deleteOp drops this group's frozen copies of shards that the group which
// gained them in config ConfigNum has installed.
type deleteOp struct {
	ConfigNum int
	Shards    []int
}

// receivedOp records that the previous owner of shards received in config
// ConfigNum has deleted its copies.
type receivedOp struct {
	ConfigNum int
	Shards    []int
}

// Apply executes one committed command (rsm.StateMachine).
func (kv *ShardKV) Apply(cmd interface{}) interface{} {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	switch op := cmd.(type) {
	case clientOp:
		return kv.applyClientOp(op)
	case configOp:
		kv.applyConfig(op.Config)
	case insertOp:
		kv.applyInsert(op)
	case deleteOp:
		return kv.applyDelete(op)
	case receivedOp:
		kv.applyReceived(op)
	default:
		panic(fmt.Sprintf("shardkv: G%d S%d: committed command of type %T", kv.gid, kv.me, cmd))
	}
	return nil
}

// applyClientOp executes a client operation once. The ownership check is
// made here, at apply time, because the config may have changed since the
// handler looked. A Put or Append whose Seq is not newer than the last one
// applied for its client is a retry of one that already took effect.
// Caller holds kv.mu.
func (kv *ShardKV) applyClientOp(op clientOp) clientResult {
	s := key2shard(op.Key)
	if !kv.canServe(s) {
		return clientResult{Err: ErrWrongGroup}
	}
	data := kv.shards[s].Data
	if op.Kind == opGet {
		v, ok := data[op.Key]
		if !ok {
			return clientResult{Err: ErrNoKey}
		}
		return clientResult{Err: OK, Value: v}
	}
	if op.Seq <= kv.lastSeq[op.ClientId] {
		return clientResult{Err: OK}
	}
	kv.lastSeq[op.ClientId] = op.Seq
	if op.Kind == opPut {
		data[op.Key] = op.Value
	} else {
		data[op.Key] += op.Value
	}
	return clientResult{Err: OK}
}

// settled reports whether every migration of the current config is done,
// so the next config may be applied. Caller holds kv.mu.
func (kv *ShardKV) settled() bool {
	for s := range kv.shards {
		if st := kv.shards[s].Status; st != absent && st != serving {
			return false
		}
	}
	return true
}

// applyConfig moves to next if it is the config after the current one and
// the current one's migrations are done; configs are applied one at a
// time, in order, never skipped. Shards gained from no group (config 0's
// gid 0) start empty; shards gained from a group are pulled; shards lost
// are kept, frozen, until their new owner has them. Caller holds kv.mu.
func (kv *ShardKV) applyConfig(next shardctrler.Config) {
	if next.Num != kv.config.Num+1 || !kv.settled() {
		return
	}
	for s := range kv.shards {
		had, has := kv.config.Shards[s] == kv.gid, next.Shards[s] == kv.gid
		switch {
		case has && !had && kv.config.Shards[s] == 0:
			kv.shards[s] = shard{Status: serving, Data: map[string]string{}}
		case has && !had:
			kv.shards[s] = shard{Status: pulling}
		case had && !has && next.Shards[s] == 0:
			// Every group left: nobody will ever pull the shard.
			kv.shards[s] = shard{Status: absent}
		case had && !has:
			kv.shards[s].Status = bePulled
		}
	}
	kv.prev, kv.config = kv.config, next
	kv.debugf(topicConfig, "applied config %d: %s", next.Num, kv.shardsSummary())
}

// applyInsert installs pulled shards that this group is still waiting for
// in the same config, and merges the duplicate table (clerks run one
// operation at a time, so the higher Seq of a client is the one that
// completed last). Caller holds kv.mu.
func (kv *ShardKV) applyInsert(op insertOp) {
	if op.ConfigNum != kv.config.Num {
		return
	}
	for s, data := range op.Data {
		if kv.shards[s].Status != pulling {
			continue
		}
		copied := make(map[string]string, len(data))
		for k, v := range data {
			copied[k] = v
		}
		kv.shards[s] = shard{Status: received, Data: copied}
		kv.debugf(topicShard, "installed shard %d of config %d (%d keys)", s, op.ConfigNum, len(copied))
	}
	for client, seq := range op.LastSeq {
		if seq > kv.lastSeq[client] {
			kv.lastSeq[client] = seq
		}
	}
}

// applyDelete drops the frozen copies of shards their new owner has, and
// answers OK once none of them is held any more: also when this group has
// moved past ConfigNum, which it can only do after deleting them. Caller
// holds kv.mu.
func (kv *ShardKV) applyDelete(op deleteOp) Err {
	if op.ConfigNum > kv.config.Num {
		return ErrNotReady
	}
	if op.ConfigNum < kv.config.Num {
		return OK
	}
	for _, s := range op.Shards {
		if kv.shards[s].Status == bePulled {
			kv.shards[s] = shard{Status: absent}
			kv.debugf(topicShard, "deleted shard %d: its owner in config %d has it", s, op.ConfigNum)
		}
	}
	return OK
}

// applyReceived marks received shards as plain serving ones once their
// previous owner has deleted its copies. Caller holds kv.mu.
func (kv *ShardKV) applyReceived(op receivedOp) {
	if op.ConfigNum != kv.config.Num {
		return
	}
	for _, s := range op.Shards {
		if kv.shards[s].Status == received {
			kv.shards[s].Status = serving
			kv.debugf(topicShard, "shard %d serving: its previous owner deleted its copy", s)
		}
	}
}
