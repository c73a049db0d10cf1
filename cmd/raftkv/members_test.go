package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"miniraftkv/internal/kvnode"
	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
)

// fakeMembers is a server's membership as the Node service sees it: a
// configuration that AddServer and RemoveServer edit, or refusals given
// by the test.
type fakeMembers struct {
	mu      sync.Mutex
	config  kvnode.Configuration
	refuse  error // returned by every change, if set
	changes int
}

func (f *fakeMembers) AddServer(m kvnode.Member) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes++
	if f.refuse != nil {
		return f.refuse
	}
	f.config.Voters = append(f.config.Voters, m)
	f.config.Index++
	return nil
}

func (f *fakeMembers) RemoveServer(id int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes++
	if f.refuse != nil {
		return f.refuse
	}
	var kept []kvnode.Member
	for _, m := range f.config.Voters {
		if m.Id != id {
			kept = append(kept, m)
		}
	}
	f.config.Voters = kept
	f.config.Index++
	return nil
}

func (f *fakeMembers) Configuration() kvnode.Configuration {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.config
	c.Voters = append([]kvnode.Member{}, c.Voters...)
	return c
}

// node serves a Node with id, leadership and membership on a loopback
// port and returns its address.
func node(t *testing.T, id int, leader bool, members kvnode.Membership) string {
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(&kvnode.Node{
		Report:     func(r *kvnode.StatusReply) { r.Id, r.Term, r.IsLeader = id, 4, leader },
		Membership: members,
	}))
	return serve(t, rpcs, labtcp.Options{})
}

// TestMembershipCommands runs members, add-server and remove-server
// against a leader and a follower that share one configuration.
func TestMembershipCommands(t *testing.T) {
	shared := &fakeMembers{config: kvnode.Configuration{Committed: true}}
	follower := node(t, 0, false, shared)
	leader := node(t, 1, true, shared)
	shared.config.Voters = []kvnode.Member{{Id: 0, Addr: follower}, {Id: 1, Addr: leader}}
	servers := "-servers=" + follower + "," + leader
	steps := []struct {
		args []string
		says string
	}{
		{[]string{servers, "members"}, "leader: server 1 at " + leader},
		{[]string{servers, "add-server", "2", "127.0.0.1:9"}, "server 2 at 127.0.0.1:9 added"},
		{[]string{servers, "members"}, "2 127.0.0.1:9"},
		{[]string{servers, "remove-server", "0"}, "server 0 removed"},
		{[]string{servers, "members"}, "voters:   1 " + leader + ", 2 127.0.0.1:9\n"},
	}
	for _, s := range steps {
		code, out, errOut := invoke(s.args, "")
		if code != exitOK || !strings.Contains(out, s.says) {
			t.Fatalf("raftkv %q: exit %d, stdout %q, stderr %q; want exit 0 saying %q", s.args, code, out, errOut, s.says)
		}
	}
}

// TestMembershipErrors checks the exit status and message of each way a
// membership command fails, and that each comes within its deadline.
func TestMembershipErrors(t *testing.T) {
	busy := node(t, 0, true, &fakeMembers{refuse: kvnode.Refuse(kvnode.ErrChangeInProgress, "another membership change is in progress")})
	slow := node(t, 0, true, &fakeMembers{refuse: kvnode.Refuse(kvnode.ErrCatchUp, "server 5 at 127.0.0.1:9 did not catch up")})
	fixed := node(t, 0, true, nil)
	headless := node(t, 0, false, &fakeMembers{})
	cases := []struct {
		args  []string
		code  int
		says  string
		limit time.Duration
	}{
		{[]string{"-servers=" + busy, "add-server", "5"}, exitUsage, "add-server takes 2 arguments", time.Second},
		{[]string{"-servers=" + busy, "add-server", "x", "127.0.0.1:9"}, exitUsage, `server id "x": want a number >= 0`, time.Second},
		{[]string{"-servers=" + busy, "add-server", "5", "nohost"}, exitUsage, "not host:port", time.Second},
		{[]string{"-servers=" + busy, "remove-server", "-1"}, exitUsage, `server id "-1"`, time.Second},
		{[]string{"-servers=" + busy, "members", "x"}, exitUsage, "members takes no arguments", time.Second},
		{[]string{"-servers=" + busy, "-timeout=300ms", "add-server", "5", "127.0.0.1:9"}, exitError,
			"another membership change is in progress (ErrChangeInProgress)", 2 * time.Second},
		{[]string{"-servers=" + slow, "add-server", "5", "127.0.0.1:9"}, exitError, "did not catch up (ErrCatchUp)", time.Second},
		{[]string{"-servers=" + fixed, "remove-server", "1"}, exitError, "no membership changes", time.Second},
		{[]string{"-servers=" + fixed, "members"}, exitError, "no membership changes", time.Second},
		{[]string{"-servers=127.0.0.1:1", "members"}, exitError, "no server answered", time.Second},
		{[]string{"-servers=" + headless, "-timeout=300ms", "remove-server", "1"}, exitTimeout, "no leader answered", 2 * time.Second},
	}
	for _, c := range cases {
		start := time.Now()
		code, _, errOut := invoke(c.args, "")
		if took := time.Since(start); code != c.code || !strings.Contains(errOut, c.says) || took > c.limit {
			t.Errorf("raftkv %q: exit %d after %v, stderr %q; want exit %d within %v saying %q",
				c.args, code, took.Round(time.Millisecond), errOut, c.code, c.limit, c.says)
		}
	}
}

// TestStaleServerList: a client given only a server that was there before
// another was added still reaches the added one, which it learns from the
// configuration.
func TestStaleServerList(t *testing.T) {
	shared := &fakeMembers{config: kvnode.Configuration{Committed: true, Index: 9}}
	old := node(t, 0, false, shared)
	added := node(t, 3, true, shared)
	shared.config.Voters = []kvnode.Member{{Id: 0, Addr: old}, {Id: 3, Addr: added}}
	code, out, errOut := invoke([]string{"-servers=" + old, "status"}, "")
	if code != exitOK || !strings.Contains(out, "3 "+added+": term 4 leader") ||
		!strings.Contains(out, "configuration: voters 0 "+old+", 3 "+added+";") {
		t.Fatalf("status: exit %d, stdout %q, stderr %q; want the added server 3 and the configuration", code, out, errOut)
	}
}
