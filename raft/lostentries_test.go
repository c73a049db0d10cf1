package raft

import (
	"strings"
	"testing"
	"testing/quick"
	"time"
)

// leaderOf20 returns an idle peer (no goroutines) leading term 2 with
// entries 1..20 of term 2, whose follower 1 has acknowledged entries
// through 20 and is due the next one.
func leaderOf20() *Raft {
	rf := idlePeer(MakePersister())
	rf.currentTerm = 2
	for i := 0; i < 20; i++ {
		rf.log.append(LogEntry{Term: 2, Command: i})
	}
	rf.role = leader
	for i := range rf.peers {
		rf.lead.progress[i].nextIndex, rf.lead.progress[i].matchIndex = 21, 20
	}
	return rf
}

// TestBug_FollowerThatLostAcknowledgedEntriesNeverCaughtUp: a follower
// that acknowledged entries through 20 restarts without its last saved
// record (its log now ends at 19) and rejects the heartbeat built on entry
// 20. The leader must resend from 20 or earlier, forget the acknowledged
// match, say so, and wait a backoff before sending, rather than resend the
// same call at once for ever, as it did when nextIndex never fell to or
// below matchIndex.
func TestBug_FollowerThatLostAcknowledgedEntriesNeverCaughtUp(t *testing.T) {
	rf := leaderOf20()
	args := AppendEntriesArgs{Term: 2, LeaderId: 0, PrevLogIndex: 20, PrevLogTerm: 2}
	reply := AppendEntriesReply{Term: 2, ConflictTerm: 0, ConflictIndex: 20, FollowerCommit: 15}
	notice := rf.handleAppendRejection(1, args, reply, true)
	if rf.lead.progress[1].nextIndex > 20 || rf.lead.progress[1].nextIndex <= rf.lead.progress[1].matchIndex {
		t.Fatalf("after the rejection nextIndex %d, matchIndex %d; want nextIndex <= 20 and above matchIndex",
			rf.lead.progress[1].nextIndex, rf.lead.progress[1].matchIndex)
	}
	if !strings.Contains(notice, "lost saved state") {
		t.Fatalf("notice %q; want one saying the follower lost saved state", notice)
	}
	now := time.Now()
	p := rf.lead.progress[1]
	p.sentAt = now
	if sendDue(p, true, now) {
		t.Fatalf("a call is due at once after a rejection that went backwards past matchIndex; want a short backoff")
	}
	if !sendDue(p, true, now.Add(heartbeatInterval)) {
		t.Fatalf("no call due a heartbeat interval after the rejection")
	}
	rf.handleAppendSuccess(1, 20)
	if rf.lead.progress[1].matchIndex != 20 || rf.lead.progress[1].nextIndex != 21 || rf.lead.progress[1].fruitless != 0 {
		t.Fatalf("after the follower caught up: nextIndex %d, matchIndex %d, fruitless %d; want 21, 20, 0",
			rf.lead.progress[1].nextIndex, rf.lead.progress[1].matchIndex, rf.lead.progress[1].fruitless)
	}
}

// TestStaleRejectionKeepsMatch: the same rejection arriving late, as the
// reply to an older call, is what the follower said before it caught up:
// nextIndex stays above matchIndex and nothing is reported.
func TestStaleRejectionKeepsMatch(t *testing.T) {
	rf := leaderOf20()
	args := AppendEntriesArgs{Term: 2, LeaderId: 0, PrevLogIndex: 20, PrevLogTerm: 2}
	reply := AppendEntriesReply{Term: 2, ConflictTerm: 0, ConflictIndex: 20, FollowerCommit: 15}
	if notice := rf.handleAppendRejection(1, args, reply, false); notice != "" {
		t.Fatalf("a stale rejection gave the notice %q", notice)
	}
	if rf.lead.progress[1].nextIndex != 21 || rf.lead.progress[1].matchIndex != 20 {
		t.Fatalf("after a stale rejection nextIndex %d, matchIndex %d; want 21, 20", rf.lead.progress[1].nextIndex, rf.lead.progress[1].matchIndex)
	}
}

// TestNoTightResendLoop: whatever a follower answers, a leader never keeps
// resending at once: every rejection of the latest call either moves
// nextIndex below the index the call built on (there are only so many
// entries to go back over) or makes the next call wait a backoff. And
// nextIndex always stays in [matchIndex+1, lastIndex+1].
func TestNoTightResendLoop(t *testing.T) {
	check := func(prev uint8, conflictTerm, conflictIndex, followerCommit uint8, match uint8) bool {
		rf := leaderOf20()
		rf.lead.progress[1].matchIndex = int(match) % 21
		rf.lead.progress[1].nextIndex = rf.lead.progress[1].matchIndex + 1 + int(prev)%(21-rf.lead.progress[1].matchIndex)
		args := AppendEntriesArgs{Term: 2, PrevLogIndex: rf.lead.progress[1].nextIndex - 1, PrevLogTerm: 2}
		reply := AppendEntriesReply{Term: 2, ConflictTerm: int(conflictTerm) % 4,
			ConflictIndex: int(conflictIndex) % 25, FollowerCommit: int(followerCommit) % 25}
		rf.handleAppendRejection(1, args, reply, true)
		next, p := rf.lead.progress[1].nextIndex, rf.lead.progress[1]
		if next <= rf.lead.progress[1].matchIndex || next > rf.log.lastIndex()+1 || next < 1 {
			t.Logf("%+v: nextIndex %d, matchIndex %d", reply, next, rf.lead.progress[1].matchIndex)
			return false
		}
		now := time.Now()
		p.sentAt = now
		wentBack := next <= args.PrevLogIndex
		return wentBack || !sendDue(p, true, now)
	}
	if err := quick.Check(check, &quick.Config{MaxCount: 2000}); err != nil {
		t.Fatal(err)
	}
}

// TestRepeatedNonsenseBacksOff: a follower that rejects every call the
// same way, whatever it builds on, gets calls at most about four times a
// second once the backoff has grown.
func TestRepeatedNonsenseBacksOff(t *testing.T) {
	rf := leaderOf20()
	reply := AppendEntriesReply{Term: 2, ConflictTerm: 2, ConflictIndex: 1} // "conflict" in the leader's own term
	for i := 0; i < 10; i++ {
		prev := rf.lead.progress[1].nextIndex - 1
		args := AppendEntriesArgs{Term: 2, PrevLogIndex: prev, PrevLogTerm: 2}
		rf.handleAppendRejection(1, args, reply, true)
	}
	p := rf.lead.progress[1]
	now := time.Now()
	p.sentAt = now
	if sendDue(p, true, now.Add(heartbeatInterval-time.Millisecond)) {
		t.Fatalf("after 10 fruitless rejections (fruitless %d) a call is due within a heartbeat interval", p.fruitless)
	}
}
