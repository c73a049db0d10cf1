package linearizability

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// historyTimeout bounds each check of a public history in tests: the
// slowest takes well under a second, so a verdict of Unknown here means
// the checker got much slower, and the test says so.
const historyTimeout = 30 * time.Second

// TestHistoriesMatchManifest checks every public history and expects the
// verdict its MANIFEST.txt records.
func TestHistoriesMatchManifest(t *testing.T) {
	dir := historiesDir(t)
	for _, e := range readManifest(t, dir) {
		e := e
		t.Run(strings.TrimSuffix(e.file, ".log"), func(t *testing.T) {
			m, ops := loadHistory(t, dir, e.file)
			res, _ := CheckOperationsVerbose(m, ops, historyTimeout)
			want := Illegal
			if e.linearizable {
				want = Ok
			}
			if res != want {
				t.Fatalf("%s: got %s, manifest says %s", e.file, res, want)
			}
		})
	}
}

// TestHistoriesAsEvents checks the KV histories through the event API too:
// the same verdicts must come out of CheckEvents.
func TestHistoriesAsEvents(t *testing.T) {
	dir := historiesDir(t)
	for _, e := range readManifest(t, dir) {
		if !strings.HasPrefix(e.file, "kv/") {
			continue
		}
		m, ops := loadHistory(t, dir, e.file)
		res, _ := CheckEventsVerbose(m, operationsToEvents(ops), historyTimeout)
		if got := res == Ok; got != e.linearizable || res == Unknown {
			t.Errorf("%s as events: got %s, manifest says linearizable=%v", e.file, res, e.linearizable)
		}
	}
}

// operationsToEvents turns operations into an event history with the same
// real-time order.
func operationsToEvents(ops []Operation) []Event {
	type timed struct {
		t int64
		e Event
	}
	var all []timed
	for i, op := range ops {
		all = append(all, timed{op.Call, Event{op.ClientId, CallEvent, op.Input, uint(i)}})
		if op.Return != NeverReturned {
			all = append(all, timed{op.Return, Event{op.ClientId, ReturnEvent, op.Output, uint(i)}})
		}
	}
	// At equal times calls go first: equal times are concurrent.
	sort.SliceStable(all, func(a, b int) bool {
		if all[a].t != all[b].t {
			return all[a].t < all[b].t
		}
		return all[a].e.Kind == CallEvent && all[b].e.Kind == ReturnEvent
	})
	events := make([]Event, len(all))
	for i, te := range all {
		events[i] = te.e
	}
	return events
}

// kvAllKeys is the state of kvNoPartitionModel: the values of every key,
// indexed like the model's key list. Steps copy it; it is never modified.
type kvAllKeys struct {
	vals []string
	hash uint64
}

// kvNoPartitionModel is a KV model whose state is the whole store, for
// measuring the checker on a history it may not split by key.
func kvNoPartitionModel(ops []Operation) Model {
	index := map[string]int{}
	for _, op := range ops {
		k := op.Input.(KvInput).Key
		if _, ok := index[k]; !ok {
			index[k] = len(index)
		}
	}
	keyHash := func(k int, v string) uint64 { return mix64(HashString(v) + uint64(k)) }
	return Model{
		Init: func() interface{} {
			s := &kvAllKeys{vals: make([]string, len(index))}
			for k := range s.vals {
				s.hash ^= keyHash(k, "")
			}
			return s
		},
		Step: func(state, input, output interface{}) (bool, interface{}) {
			st, in := state.(*kvAllKeys), input.(KvInput)
			k := index[in.Key]
			single, next := kvStep(st.vals[k], input, output)
			if in.Op == KvGet {
				return single, state
			}
			ns := &kvAllKeys{vals: append([]string(nil), st.vals...), hash: st.hash ^ keyHash(k, st.vals[k])}
			ns.vals[k] = next.(string)
			ns.hash ^= keyHash(k, ns.vals[k])
			return true, ns
		},
		Equal: func(a, b interface{}) bool {
			x, y := a.(*kvAllKeys), b.(*kvAllKeys)
			if x.hash != y.hash {
				return false
			}
			for i := range x.vals {
				if x.vals[i] != y.vals[i] {
					return false
				}
			}
			return true
		},
		Hash:     func(s interface{}) uint64 { return s.(*kvAllKeys).hash },
		ReadOnly: KvModel().ReadOnly,
	}
}

// benchmarkCheck measures checking ops (parsed beforehand) and fails if
// the verdict is not want.
func benchmarkCheck(b *testing.B, m Model, ops []Operation, want CheckResult) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res, _ := CheckOperationsVerbose(m, ops, 0); res != want {
			b.Fatalf("got %s, want %s", res, want)
		}
	}
}

// BenchmarkHistories checks each public history, the 50 etcd histories
// together, and c10-ok without partitioning.
func BenchmarkHistories(b *testing.B) {
	dir := historiesDir(b)
	type loaded struct {
		m    Model
		ops  []Operation
		want CheckResult
	}
	var etcd []loaded
	for _, e := range readManifest(b, dir) {
		m, ops := loadHistory(b, dir, e.file)
		want := Illegal
		if e.linearizable {
			want = Ok
		}
		name := strings.TrimSuffix(strings.TrimSuffix(e.file, ".log"), ".txt")
		b.Run(name, func(b *testing.B) { benchmarkCheck(b, m, ops, want) })
		if strings.HasPrefix(e.file, "jepsen/") {
			etcd = append(etcd, loaded{m, ops, want})
		}
		if e.file == "kv/c10-ok.txt" {
			b.Run("kv/c10-ok-nopartition", func(b *testing.B) {
				benchmarkCheck(b, kvNoPartitionModel(ops), ops, Ok)
			})
		}
	}
	b.Run("jepsen/all", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, h := range etcd {
				if res, _ := CheckOperationsVerbose(h.m, h.ops, 0); res != h.want {
					b.Fatalf("got %s, want %s", res, h.want)
				}
			}
		}
	})
}

// TestVisualizePublicHistories renders an Illegal KV history and an
// Illegal etcd history from the public set and checks the pages.
func TestVisualizePublicHistories(t *testing.T) {
	dir := historiesDir(t)
	for _, file := range []string{"kv/c10-bad.txt", "jepsen/etcd_000.log"} {
		m, ops := loadHistory(t, dir, file)
		res, info := CheckOperationsVerbose(m, ops, historyTimeout)
		if res != Illegal {
			t.Fatalf("%s: got %s, want Illegal", file, res)
		}
		name := strings.NewReplacer("/", "-", ".txt", ".html", ".log", ".html").Replace(file)
		checkWellFormed(t, writeTimeline(t, m, info, name))
	}
}
