package raft

import (
	"testing"
	"time"
)

// TestFirstElectionTimeout checks which range a starting peer draws its
// first election timeout from: the short one only in a brand-new cluster
// (term 0, empty log), the normal one after a restart with persisted state.
func TestFirstElectionTimeout(t *testing.T) {
	for i := 0; i < 50; i++ {
		before := time.Now()
		rf := newRaft(nil, 0, MakePersister(), nil)
		wait := rf.electionDeadline.Sub(before)
		if wait < firstTimeoutMin || wait > firstTimeoutMax+50*time.Millisecond {
			t.Fatalf("fresh peer: first timeout %v, want %v-%v", wait, firstTimeoutMin, firstTimeoutMax)
		}
	}
	p := MakePersister()
	rf := newRaft(nil, 0, p, nil)
	rf.mu.Lock()
	rf.currentTerm = 3
	rf.persist()
	rf.mu.Unlock()
	for i := 0; i < 50; i++ {
		before := time.Now()
		restarted := newRaft(nil, 0, p.Copy(), nil)
		wait := restarted.electionDeadline.Sub(before)
		if wait < electionTimeoutMin || wait > electionTimeoutMax+50*time.Millisecond {
			t.Fatalf("restarted peer (term 3): first timeout %v, want %v-%v", wait, electionTimeoutMin, electionTimeoutMax)
		}
	}
}

// TestLeaderStepsDownWithoutQuorum cuts a leader off from both followers:
// it must step down (Raft dissertation §6.2) and then refuse Start, while
// the followers elect a new leader among themselves.
func TestLeaderStepsDownWithoutQuorum(t *testing.T) {
	c := newMiniCluster(t, 3, 0)
	defer c.shutdown()
	old := c.leader()
	c.setConnected(old, false)
	cut := time.Now()
	for {
		if _, isLeader := c.rafts[old].GetState(); !isLeader {
			break
		}
		if time.Since(cut) > quorumTimeout+2*time.Second {
			t.Fatalf("S%d still leads %v after losing both followers", old, time.Since(cut))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, _, ok := c.rafts[old].Start("lost"); ok {
		t.Fatalf("S%d accepted Start after stepping down", old)
	}
	for time.Since(cut) < 10*time.Second {
		for i, rf := range c.rafts {
			if _, isLeader := rf.GetState(); isLeader && i != old {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the two connected peers elected no leader in 10 s")
}
