package shardkv

import (
	"sort"
	"sync"
	"time"

	"miniraftkv/shardctrler"
)

// migrationInterval is how often a group's leader looks for a newer config
// and pushes its migrations on: pulling shards it gained and telling
// previous owners that their copies may go.
const migrationInterval = 50 * time.Millisecond

// ErrNotReady is answered to a group pulling shards, or asking for their
// deletion, that is ahead of this group's config.
const ErrNotReady = "ErrNotReady"

// PullShardsArgs is the argument of ShardKV.PullShards: a group that gained
// Shards in config ConfigNum asks the group that held them before for
// their data.
type PullShardsArgs struct {
	ConfigNum int
	Shards    []int
}

// PullShardsReply carries the shards' data and the sender's duplicate
// table, which must travel with the data: a retried request for a moved
// key must still be recognised by its new group.
type PullShardsReply struct {
	Err     Err
	Data    map[int]map[string]string // shard -> key -> value
	LastSeq map[int64]int64
}

// DeleteShardsArgs is the argument of ShardKV.DeleteShards: the group that
// gained Shards in config ConfigNum has installed them, so the previous
// owner may delete its copy.
type DeleteShardsArgs struct {
	ConfigNum int
	Shards    []int
}

// DeleteShardsReply is the reply of ShardKV.DeleteShards.
type DeleteShardsReply struct {
	Err Err
}

// migrationLoop runs until Kill. Only the leader acts; everything it
// learns goes through the log, so a new leader picks up where an old one
// stopped.
func (kv *ShardKV) migrationLoop() {
	ticker := time.NewTicker(migrationInterval)
	defer ticker.Stop()
	for {
		select {
		case <-kv.killed:
			return
		case <-ticker.C:
		}
		if !kv.rsm.IsLeader() {
			continue
		}
		kv.pullShards()
		kv.confirmReceived()
		kv.pollConfig()
	}
}

// pollConfig asks the controller for the config after the current one once
// the current one's migrations are done, and puts it in the log.
func (kv *ShardKV) pollConfig() {
	kv.mu.Lock()
	settled, num := kv.settled(), kv.config.Num
	kv.mu.Unlock()
	if !settled {
		return
	}
	if next, ok := kv.queryConfig(num + 1); ok && next.Num == num+1 {
		kv.rsm.Submit(configOp{Config: next})
	}
}

// queryConfig asks each controller server once for config num. Unlike a
// controller Clerk it gives up, so that a Kill is never stuck behind an
// unreachable controller.
func (kv *ShardKV) queryConfig(num int) (shardctrler.Config, bool) {
	args := shardctrler.QueryArgs{Num: num}
	for _, end := range kv.ctrlers {
		var reply shardctrler.QueryReply
		if end.Call("ShardCtrler.Query", &args, &reply) && reply.Err == shardctrler.OK {
			return reply.Config, true
		}
		if kv.isKilled() {
			break
		}
	}
	return shardctrler.Config{}, false
}

// transfer is the shards of one migration step that involve one other
// group, and that group's servers.
type transfer struct {
	configNum int
	shards    []int
	servers   []string
}

// transfersOf groups the shards of status st by the group that held them
// in the previous config. Caller holds kv.mu.
func (kv *ShardKV) transfersOf(st shardStatus) map[int]*transfer {
	byGroup := map[int]*transfer{}
	for s := range kv.shards {
		if kv.shards[s].Status != st {
			continue
		}
		gid := kv.prev.Shards[s]
		if byGroup[gid] == nil {
			byGroup[gid] = &transfer{configNum: kv.config.Num, servers: kv.prev.Groups[gid]}
		}
		byGroup[gid].shards = append(byGroup[gid].shards, s)
	}
	return byGroup
}

// eachTransfer runs do for every transfer of shards of status st, one
// goroutine per other group, and waits for them all.
func (kv *ShardKV) eachTransfer(st shardStatus, do func(tr *transfer)) {
	kv.mu.Lock()
	byGroup := kv.transfersOf(st)
	kv.mu.Unlock()
	var wg sync.WaitGroup
	for _, tr := range byGroup {
		wg.Add(1)
		go func(tr *transfer) {
			defer wg.Done()
			do(tr)
		}(tr)
	}
	wg.Wait()
}

// pullShards fetches the shards this group is waiting for from their
// previous owners and puts them in the log.
func (kv *ShardKV) pullShards() {
	kv.eachTransfer(pulling, func(tr *transfer) {
		args := PullShardsArgs{ConfigNum: tr.configNum, Shards: tr.shards}
		for _, name := range tr.servers {
			var reply PullShardsReply
			if kv.end(name).Call("ShardKV.PullShards", &args, &reply) && reply.Err == OK {
				kv.rsm.Submit(insertOp{ConfigNum: tr.configNum, Data: reply.Data, LastSeq: reply.LastSeq})
				return
			}
		}
	})
}

// confirmReceived tells the previous owners of received shards that they
// may delete their copies, and records it once they have.
func (kv *ShardKV) confirmReceived() {
	kv.eachTransfer(received, func(tr *transfer) {
		args := DeleteShardsArgs{ConfigNum: tr.configNum, Shards: tr.shards}
		for _, name := range tr.servers {
			var reply DeleteShardsReply
			if kv.end(name).Call("ShardKV.DeleteShards", &args, &reply) && reply.Err == OK {
				kv.rsm.Submit(receivedOp{ConfigNum: tr.configNum, Shards: tr.shards})
				return
			}
		}
	})
}

// PullShards is the ShardKV.PullShards RPC handler. Any replica may answer
// once it has applied the config the puller is in: the shards it lost then
// are frozen (no client operation applies to them), so every replica that
// still holds them holds the same data.
func (kv *ShardKV) PullShards(args *PullShardsArgs, reply *PullShardsReply) {
	kv.mu.Lock()
	defer kv.mu.Unlock()
	if kv.config.Num != args.ConfigNum {
		reply.Err = ErrNotReady
		return
	}
	reply.Data = make(map[int]map[string]string, len(args.Shards))
	for _, s := range args.Shards {
		if s < 0 || s >= shardctrler.NShards || kv.shards[s].Status != bePulled {
			reply.Err, reply.Data = ErrNotReady, nil
			return
		}
		data := make(map[string]string, len(kv.shards[s].Data))
		for k, v := range kv.shards[s].Data {
			data[k] = v
		}
		reply.Data[s] = data
	}
	reply.LastSeq = make(map[int64]int64, len(kv.lastSeq))
	for c, seq := range kv.lastSeq {
		reply.LastSeq[c] = seq
	}
	reply.Err = OK
}

// DeleteShards is the ShardKV.DeleteShards RPC handler: it puts the
// deletion in the log and answers OK once this group no longer holds the
// shards.
func (kv *ShardKV) DeleteShards(args *DeleteShardsArgs, reply *DeleteShardsReply) {
	shards := append([]int(nil), args.Shards...)
	sort.Ints(shards)
	res, ok := kv.rsm.Submit(deleteOp{ConfigNum: args.ConfigNum, Shards: shards})
	if !ok {
		reply.Err = ErrWrongLeader
		return
	}
	reply.Err = res.(Err)
}
