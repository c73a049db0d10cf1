package raft

// Read rounds (readindex.go) driven by hand: the test plays the calls'
// answers, so each read arrives exactly where the test puts it. The leader
// has no sender goroutines: a call handed to a sender counts as sent (its
// seq is taken) and goes nowhere, and the test delivers answers with
// finishCall and recordReadAck as appendEntriesTo would. Claims:
//   - a read arriving while no call of the newest round has gone out
//     joins that round (reads share rounds);
//   - a read arriving once the newest round's calls are out starts a round
//     of its own, which answers to those calls do not confirm;
//   - a round is confirmed once a majority, the leader included, answered
//     calls sent after it began: one follower of two with 3 peers, two of
//     four with 5, never one of four.

import (
	"fmt"
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// handLeader is a leader of term 1 among n peers (it is peer 0) with entry
// 1, of its term, committed: ready to serve reads. No goroutine runs.
func handLeader(n int) *Raft {
	rf := newRaft(make([]*labrpc.ClientEnd, n), 0, MakePersister(), make(chan ApplyMsg, 1))
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.currentTerm = 1
	rf.role = leader
	rf.log.append(LogEntry{Term: 1, Command: "x"})
	rf.commitIndex = 1
	for i := range rf.peers {
		rf.lead.progress[i].nextIndex = 2
		rf.lead.progress[i].matchIndex = 1
		rf.lead.senders[i].free = 1 // a sender that never runs: the calls stay handed over
	}
	return rf
}

// answerLatest delivers follower peer's answer, in our term, to its latest call
// and lets the leader go on as after any reply. Caller holds rf.mu.
func (rf *Raft) answerLatest(peer int) {
	seq := rf.lead.progress[peer].seq
	rf.finishCall(peer, seq, true)
	rf.recordReadAck(peer, seq, time.Now())
	rf.replicateTo(peer, time.Now())
}

// confirmed reports whether round is over and confirmed.
func confirmed(round *readRound) bool {
	select {
	case <-round.done:
		return round.confirmed
	default:
		return false
	}
}

func TestReadRoundWindows(t *testing.T) {
	for _, n := range []int{3, 5} {
		t.Run(fmt.Sprintf("%d peers", n), func(t *testing.T) {
			rf := handLeader(n)
			rf.mu.Lock()
			defer rf.mu.Unlock()
			majority := n/2 + 1
			first := rf.joinReadRound() // its calls go out at once: none was in flight
			late := rf.joinReadRound()  // arrives once they are out
			if late == first {
				t.Fatalf("a read arriving after its round's calls went out joined that round")
			}
			if shared := rf.joinReadRound(); shared != late {
				t.Fatalf("a read arriving before any call of the newest round went out did not join it")
			}
			for peer := 1; peer < majority; peer++ {
				rf.answerLatest(peer) // answers to calls sent before the late read
			}
			if !confirmed(first) {
				t.Fatalf("the first round is not confirmed by %d of %d peers answering its calls", majority, n)
			}
			if confirmed(late) {
				t.Fatalf("a read was confirmed by answers to calls sent before it arrived")
			}
			for peer := 1; peer < majority-1; peer++ {
				rf.answerLatest(peer)
			}
			if majority > 2 && confirmed(late) {
				t.Fatalf("a round was confirmed by %d of %d peers, the leader included", majority-1, n)
			}
			rf.answerLatest(majority - 1)
			if !confirmed(late) {
				t.Fatalf("a round answered by %d of %d peers, the leader included, is not confirmed", majority, n)
			}
		})
	}
}
