package main

import (
	"log"
	"os"
	"time"

	"miniraftkv/diskpersist"
	"miniraftkv/internal/kvnode"
	"miniraftkv/raftkv"
)

// pollEvery is how often the server looks at its Raft state and store for
// events to log. Raft has no event callbacks, and a tenth of a second is
// well under an election timeout.
const pollEvery = 100 * time.Millisecond

// watch logs leadership changes, snapshots and configuration changes
// (members may be nil: fixed membership) until a signal arrives on stop,
// and returns that signal. With statsEvery > 0 it also logs the store's
// counts that often.
func watch(kv *raftkv.KVServer, store *diskpersist.Store, members kvnode.Membership, stop <-chan os.Signal,
	statsEvery time.Duration) os.Signal {
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	var statsTick <-chan time.Time
	if statsEvery > 0 {
		t := time.NewTicker(statsEvery)
		defer t.Stop()
		statsTick = t.C
	}
	wasLeader, lastTerm := false, 0
	rewrites := store.Stats().Rewrites // those of Open and of starting up are not news
	config := ""
	for {
		select {
		case sig := <-stop:
			return sig
		case <-statsTick:
			logStats("so far", store.Stats())
		case <-tick.C:
			term, leader := kv.Raft().GetState()
			if leader != wasLeader || (leader && term != lastTerm) {
				logLeadership(leader, term)
			}
			wasLeader, lastTerm = leader, term
			if n := store.Stats().Rewrites; n != rewrites {
				log.Printf("snapshot or compaction: state file rewritten (%d times so far)", n)
				rewrites = n
			}
			config = logConfig(members, config)
		}
	}
}

// logConfig logs the configuration if it differs from last, and returns
// it.
func logConfig(members kvnode.Membership, last string) string {
	if members == nil {
		return last
	}
	config := members.Configuration()
	now := config.String()
	switch {
	case now == last:
	case len(config.Voters) == 0:
		log.Printf("configuration: none yet; waiting to be added")
	default:
		log.Printf("configuration: %s", now)
	}
	return now
}

func logLeadership(leader bool, term int) {
	if leader {
		log.Printf("became leader in term %d", term)
	} else {
		log.Printf("no longer leader (term %d)", term)
	}
}

func logStats(when string, st diskpersist.Stats) {
	log.Printf("disk %s: %d appends, %d rewrites, %d fsyncs, %d bytes written",
		when, st.Appends, st.Rewrites, st.Fsyncs, st.Bytes)
}
