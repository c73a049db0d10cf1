package raft

import (
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// TestFirstElectionTimeout checks which range a starting peer draws its
// first election timeout from: the short one only in a brand-new cluster
// (term 0, empty log), the normal one after a restart with persisted state.
func TestFirstElectionTimeout(t *testing.T) {
	for i := 0; i < 50; i++ {
		before := time.Now()
		rf := newRaft(nil, 0, MakePersister(), nil)
		wait := rf.election.deadline.Sub(before)
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
		wait := restarted.election.deadline.Sub(before)
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

// TestResetLeaderState checks that the leader state starts afresh in one
// place: nothing a leader kept in an earlier term (a transfer, a lease given
// up, read rounds, a follower's progress) survives into the next.
func TestResetLeaderState(t *testing.T) {
	rf := newRaft(make([]*labrpc.ClientEnd, 3), 0, MakePersister(), nil)
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.log.append(LogEntry{Term: 1}, LogEntry{Term: 1})
	rf.role = leader
	round := rf.joinReadRoundForTest()
	rf.lead.leaseEnded = true
	rf.lead.transfer = leadershipTransfer{active: true, target: 1}
	rf.lead.progress[1] = peerProgress{nextIndex: 1, matchIndex: 0, seq: 9}
	rf.resetLeaderState()
	select {
	case <-round.done:
	default:
		t.Fatal("a pending read round survived resetLeaderState")
	}
	if rf.lead.leaseEnded || rf.lead.transfer.active || len(rf.lead.reads.pending) != 0 {
		t.Fatalf("leader state kept %+v", rf.lead)
	}
	for peer, p := range rf.lead.progress {
		wantMatch := 0
		if peer == rf.me {
			wantMatch = 2
		}
		if p.nextIndex != 3 || p.matchIndex != wantMatch || p.seq != 0 {
			t.Errorf("peer %d: progress %+v; want nextIndex 3, matchIndex %d, seq 0", peer, p, wantMatch)
		}
	}
}

// joinReadRoundForTest adds a pending read round without sending anything.
func (rf *Raft) joinReadRoundForTest() *readRound {
	round := &readRound{after: make([]uint64, len(rf.peers)), done: make(chan struct{})}
	rf.lead.reads.pending = append(rf.lead.reads.pending, round)
	return round
}
