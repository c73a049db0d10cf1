package shardkv

import (
	"fmt"
	"os"
	"sync"
	"time"

	"miniraftkv/internal/debugline"
)

// Debug lines of the sharded service, in the layout raft and raftkv print
// (internal/debugline), so cmd/raftlog lays them out beside the Raft
// peers' lines. The peer column is the replica's index in its group; the
// group is the message's first word, G<gid>.

// roleShardKV is the role column of a replica's lines.
const roleShardKV = debugline.RoleShardKV

// Topics of this package's lines.
const (
	topicConfig  = debugline.SKConfig  // a config applied
	topicShard   = debugline.SKShard   // shards installed, deleted, released
	topicRestore = debugline.SKRestore // state restored from a snapshot
)

// SHARDKV_DEBUG (anything but "" or "0") switches the lines on. It is read
// at the first line rather than at package init, so that go test, which
// keys its cache on the variables a test reads once it runs, never answers
// a debug run from the cache of a plain one.
var (
	debugOnce  sync.Once
	debugOn    bool
	debugStart = time.Now()
)

func debugWanted() bool {
	debugOnce.Do(func() {
		v := os.Getenv("SHARDKV_DEBUG")
		debugOn = v != "" && v != "0"
	})
	return debugOn
}

// debugMillis returns the milliseconds of a line's first column: since the
// process started or, in virtual time (whose clock starts at 2000-01-01
// UTC in each test's bubble), since the test started.
func debugMillis() int64 {
	now := time.Now().Round(0)
	if now.Before(debugStart.Round(0)) {
		return now.Sub(time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)).Milliseconds()
	}
	return now.Sub(debugStart.Round(0)).Milliseconds()
}

// debugf writes one line for this replica when SHARDKV_DEBUG is on.
func (kv *ShardKV) debugf(topic, format string, args ...interface{}) {
	if !debugWanted() {
		return
	}
	msg := fmt.Sprintf("G%d ", kv.gid) + fmt.Sprintf(format, args...)
	fmt.Fprint(os.Stderr, debugline.Format(debugMillis(), kv.me, debugline.UnknownTerm, roleShardKV, topic, msg))
}

// String names a status as the migration protocol does (server.go).
func (st shardStatus) String() string {
	switch st {
	case absent:
		return "absent"
	case serving:
		return "serving"
	case pulling:
		return "pulling"
	case bePulled:
		return "bePulled"
	case received:
		return "received"
	}
	return fmt.Sprintf("status(%d)", uint8(st))
}

// shardsSummary lists the shards of each status but absent, for a debug
// line: "serving [0 1] pulling [5]". Caller holds kv.mu.
func (kv *ShardKV) shardsSummary() string {
	var byStatus [received + 1][]int
	for s := range kv.shards {
		if st := kv.shards[s].Status; st <= received {
			byStatus[st] = append(byStatus[st], s)
		}
	}
	out := ""
	for st := serving; st <= received; st++ {
		if len(byStatus[st]) > 0 {
			out += fmt.Sprintf(" %v %v", st, byStatus[st])
		}
	}
	if out == "" {
		return "no shards"
	}
	return out[1:]
}
