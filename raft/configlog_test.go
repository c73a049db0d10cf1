package raft

// The configuration a peer uses follows its log (configlog.go): these
// tests drive one idle peer's handlers and persisted state directly.

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"miniraftkv/labgob"
	"miniraftkv/labrpc"
)

// idleMember builds peer self, with changeable membership and initial
// voters, from p without starting its goroutines (saves are synchronous).
func idleMember(p *Persister, self int, initial ...int) *Raft {
	opts := &MembershipOptions{Self: self, Initial: members(initial...), Dial: func(Member) *labrpc.ClientEnd { return nil }}
	return buildRaft(nil, self, p, make(chan ApplyMsg, 100), opts)
}

// voterIDsOf returns the voters rf uses.
func voterIDsOf(rf *Raft) string {
	v, _, _, _ := rf.Configuration()
	return fmt.Sprint(memberIDs(v))
}

// §4.1: the latest configuration in the log is used even uncommitted, and
// when a new leader's entries replace it the peer falls back to the one
// before: here the initial one, as no later configuration arrives.
func TestTruncatedConfigurationIsForgotten(t *testing.T) {
	rf := idleMember(MakePersister(), 1, 0, 1, 2)
	var reply AppendEntriesReply
	rf.AppendEntries(&AppendEntriesArgs{Term: 1, LeaderId: 0, Entries: []LogEntry{
		{Term: 1, Command: "a"}, {Term: 1, Command: ConfigChange{Voters: members(0, 1)}}}}, &reply)
	if got := voterIDsOf(rf); !reply.Success || got != "[0 1]" {
		t.Fatalf("after an uncommitted configuration entry: success %v, voters %s; want true, [0 1]", reply.Success, got)
	}
	rf.AppendEntries(&AppendEntriesArgs{Term: 2, LeaderId: 2, PrevLogIndex: 1, PrevLogTerm: 1,
		Entries: []LogEntry{{Term: 2, Command: "b"}}}, &reply)
	if got := voterIDsOf(rf); !reply.Success || got != "[0 1 2]" {
		t.Fatalf("after a leader replaced the configuration entry: success %v, voters %s; want true, [0 1 2]", reply.Success, got)
	}
}

// §4.1 with log compaction: a snapshot carries the configuration as of
// its last index, and a restart from it uses that, not the initial one.
func TestSnapshotCarriesConfiguration(t *testing.T) {
	p := MakePersister()
	rf := idleMember(p, 1, 0, 1, 2)
	var reply AppendEntriesReply
	rf.AppendEntries(&AppendEntriesArgs{Term: 1, LeaderId: 0, LeaderCommit: 3, Entries: []LogEntry{
		{Term: 1, Command: ConfigChange{Voters: members(0, 1, 2), Learners: members(3)}},
		{Term: 1, Command: ConfigChange{Voters: members(0, 1, 2, 3)}}, {Term: 1, Command: "x"}}}, &reply)
	rf.Snapshot(3, []byte("state"))
	restarted := idleMember(p.Copy(), 1, 0, 1, 2)
	if got := voterIDsOf(restarted); got != "[0 1 2 3]" {
		t.Fatalf("restarted from a snapshot covering the configuration entries: voters %s; want [0 1 2 3]", got)
	}
	if restarted.log.snapshotIndex() != 3 || restarted.log.length() != 0 {
		t.Fatalf("restarted log %s; want everything in the snapshot", restarted.log.describe())
	}
	// And the snapshot sent to a follower carries it too.
	rf.mu.Lock()
	args := rf.snapshotArgs(2)
	rf.mu.Unlock()
	follower := idleMember(MakePersister(), 2) // joining: no configuration of its own
	var sreply InstallSnapshotReply
	follower.InstallSnapshot(&args, &sreply)
	if got := voterIDsOf(follower); got != "[0 1 2 3]" {
		t.Fatalf("a follower that installed the snapshot uses voters %s; want [0 1 2 3]", got)
	}
}

// A state written by a peer with fixed membership (the format every
// earlier version wrote) loads into a peer with changeable membership,
// which then uses its initial configuration; and a vote for an id beyond
// len(peers) is valid there.
func TestMemberLoadsStateOfFixedPeer(t *testing.T) {
	p := MakePersister()
	fixed := idlePeer(p)
	fixed.currentTerm, fixed.votedFor = 3, 2
	fixed.log.append(LogEntry{Term: 2, Command: "a"}, LogEntry{Term: 3, Command: "b"})
	fixed.persist()
	q := p.Copy()
	rf := idleMember(q, 0, 0, 1, 2)
	sameState(t, fixed, rf)
	if got := voterIDsOf(rf); got != "[0 1 2]" {
		t.Fatalf("voters %s; want the initial [0 1 2]", got)
	}
	rf.votedFor = 9
	rf.persist()
	if again := idleMember(q.Copy(), 0, 0, 1, 2); again.votedFor != 9 {
		t.Fatalf("votedFor %d after restart; want 9", again.votedFor)
	}
}

// A snapshot configuration record that makes no sense is a clear error.
func TestRestoreRejectsBadConfigurationRecord(t *testing.T) {
	encode := func(recs ...persistRecord) []byte { return encodeRecords(t, recs...) }
	base := persistRecord{Kind: recordSnapshotBase, SnapshotIndex: 4, SnapshotTerm: 1}
	conf := func(c interface{}, index int) persistRecord {
		return persistRecord{Kind: recordSnapshotConf, From: index, Entries: []LogEntry{{Command: c}}}
	}
	cases := []struct {
		name  string
		state []byte
	}{
		{"not right after the base", encode(base, persistRecord{Kind: recordHardState, Term: 1}, conf(ConfigChange{Voters: members(0)}, 2))},
		{"no configuration in it", encode(base, conf("not a configuration", 2))},
		{"no voters", encode(base, conf(ConfigChange{Learners: members(1)}, 2))},
		{"a member twice", encode(base, conf(ConfigChange{Voters: members(0, 1, 1)}, 2))},
		{"beyond the snapshot", encode(base, conf(ConfigChange{Voters: members(0)}, 5))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				p := MakePersister()
				p.Save(c.state, []byte("snap"))
				idleMember(p, 0, 0)
				return ""
			}()
			if !strings.Contains(msg, "S0") || !strings.Contains(msg, "configuration") {
				t.Fatalf("corrupt configuration record: got %q; want an error naming the peer and the configuration", msg)
			}
		})
	}
}

// encodeRecords encodes records as a persisted state stream holds them.
func encodeRecords(t *testing.T, recs ...persistRecord) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := labgob.NewEncoder(&buf)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// Member ids index the leader's per-member slices, so they are bounded:
// ids up to maxMemberID work, a larger one gets a clear error, both from
// AddServer and in MembershipOptions.
func TestMemberIDsAreBounded(t *testing.T) {
	if err := validateMembers(members(0, maxMemberID)); err != nil {
		t.Fatalf("validateMembers with id %d = %v; want nil", maxMemberID, err)
	}
	if err := validateMembers(members(0, maxMemberID+1)); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("validateMembers with id %d = %v; want out of range", maxMemberID+1, err)
	}
	rf := idleMember(MakePersister(), 0, 0)
	if err := rf.AddServer(Member{ID: maxMemberID + 1, Addr: "x"}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("AddServer of id %d = %v; want out of range", maxMemberID+1, err)
	}
	o := MembershipOptions{Self: maxMemberID + 1}
	if err := o.validate(); err == nil {
		t.Fatalf("MembershipOptions with Self %d validated", maxMemberID+1)
	}
}
