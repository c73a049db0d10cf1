package raft

import (
	"strings"
	"testing"

	"miniraftkv/labrpc"
)

// MakeWithOptions names the first argument or option that cannot work in
// its error, and starts no peer.
func TestMakeWithOptionsRejectsBadOptions(t *testing.T) {
	peers := make([]*labrpc.ClientEnd, 3)
	applyCh := make(chan ApplyMsg)
	cases := []struct {
		name      string
		me        int
		persister *Persister
		opts      Options
		want      string
	}{
		{"negative MaxStateBytes", 0, MakePersister(), Options{MaxStateBytes: -1}, "Options.MaxStateBytes = -1"},
		{"negative MaxAppendBytes", 0, MakePersister(), Options{MaxAppendBytes: -5}, "Options.MaxAppendBytes = -5"},
		{"a call larger than the state bound", 0, MakePersister(), Options{MaxStateBytes: 100, MaxAppendBytes: 100},
			"Options.MaxAppendBytes = 100 is not below Options.MaxStateBytes = 100"},
		{"me past the end", 3, MakePersister(), Options{}, "me = 3 is not an index of peers"},
		{"nil persister", 0, nil, Options{}, "persister is nil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rf, err := MakeWithOptions(peers, c.me, c.persister, applyCh, c.opts)
			if rf != nil || err == nil || !strings.HasPrefix(err.Error(), "raft.MakeWithOptions: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("MakeWithOptions = %v, %v; want nil and an error raft.MakeWithOptions: ...%s...", rf, err, c.want)
			}
		})
	}
}

// The zero Options are Make's defaults, and given options reach the peer
// before it runs.
func TestMakeWithOptionsSettings(t *testing.T) {
	if got, want := (Options{}).settings(), newRaft(nil, 0, MakePersister(), nil).settings; got.preVote != want.preVote ||
		got.leaseReads != want.leaseReads || got.maxStateBytes != want.maxStateBytes || got.maxAppendBytes != want.maxAppendBytes {
		t.Fatalf("zero Options give %+v; Make gives %+v", got, want)
	}
	opts := Options{DisablePreVote: true, LeaseReads: true, MaxStateBytes: 1000, MaxAppendBytes: 250}
	rf, err := MakeWithOptions(make([]*labrpc.ClientEnd, 1), 0, MakePersister(), make(chan ApplyMsg, 10), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Kill()
	rf.mu.Lock()
	got := rf.settings
	rf.mu.Unlock()
	if got.preVote || !got.leaseReads || got.maxStateBytes != 1000 || got.maxAppendBytes != 250 {
		t.Fatalf("peer made with %+v has settings %+v", opts, got)
	}
}
