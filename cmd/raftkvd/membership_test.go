package main

import (
	"testing"
	"time"

	"miniraftkv/internal/kvnode"
	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
	"miniraftkv/raft"
	"miniraftkv/raftkv"
)

// testServer is one raftkvd server run inside the test: its listener,
// its dialer and the services startKV built.
type testServer struct {
	srv     *labtcp.Server
	rpcs    *labrpc.Server
	dialer  *dialer
	kv      *raftkv.KVServer
	members kvnode.Membership
}

func quiet() labtcp.Options { return labtcp.Options{Logf: func(string, ...interface{}) {}} }

// listen opens n loopback listeners, so that their addresses are known
// before any server starts.
func listen(t *testing.T, n int) ([]*testServer, []string) {
	t.Helper()
	var servers []*testServer
	var addrs []string
	for i := 0; i < n; i++ {
		rpcs := labrpc.MakeServer()
		srv, err := labtcp.Listen("127.0.0.1:0", rpcs, quiet())
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, &testServer{srv: srv, rpcs: rpcs, dialer: newDialer(quiet())})
		addrs = append(addrs, srv.Addr().String())
	}
	return servers, addrs
}

// start builds server s as raftkvd does for cfg, and serves it.
func (s *testServer) start(t *testing.T, cfg config) {
	t.Helper()
	cfg.maxRaftState = -1
	kv, members, err := startKV(cfg, raft.MakePersister(), s.dialer)
	if err != nil {
		t.Fatalf("server %d: %v", cfg.id, err)
	}
	s.kv, s.members = kv, members
	s.rpcs.AddService(labrpc.MakeService(kv))
	s.rpcs.AddService(labrpc.MakeService(kv.Raft()))
	s.rpcs.AddService(labrpc.MakeService(&kvnode.Node{Report: func(r *kvnode.StatusReply) {
		r.Id = cfg.id
		r.Term, r.IsLeader = kv.Raft().GetState()
	}, Membership: members}))
}

func (s *testServer) stop() {
	s.srv.Close()
	if s.kv != nil {
		s.kv.Kill()
	}
	s.dialer.close()
}

// change makes a membership change through whichever server leads.
func change(t *testing.T, addrs []string, call string, args interface{}) {
	t.Helper()
	reply, err := kvnode.ChangeMembership(addrs, quiet(), call, args, time.Now().Add(20*time.Second))
	if err != nil || reply.Err != kvnode.OK {
		t.Fatalf("%s %+v: %v %s %s", call, args, err, reply.Err, reply.Msg)
	}
}

// TestReplaceServer replaces a server of a three-server cluster, over TCP,
// with one started as raftkvd -join starts it: added, then the old one,
// the leader, removed; a value written before is read after through the
// new majority.
func TestReplaceServer(t *testing.T) {
	servers, addrs := listen(t, 4)
	for _, s := range servers {
		defer s.stop()
	}
	for i := 0; i < 3; i++ {
		servers[i].start(t, config{id: i, addrs: addrs[:3]})
	}
	if servers[0].members == nil {
		t.Skip("this raftkvd's Raft has no membership changes")
	}
	servers[3].start(t, config{id: 3, join: addrs[3]})
	ends, clients := kvnode.Dial(addrs, quiet())
	defer kvnode.CloseAll(clients)
	ck := raftkv.MakeClerk(ends)
	ck.Put("k", "before")

	change(t, addrs, "Node.AddServer", &kvnode.AddServerArgs{Member: kvnode.Member{Id: 3, Addr: addrs[3]}})
	leader := kvnode.Leader(kvnode.Views(addrs, quiet(), time.Second))
	change(t, addrs, "Node.RemoveServer", &kvnode.RemoveServerArgs{Id: leader})
	servers[leader].stop()

	ck.Append("k", "+after")
	if got := ck.Get("k"); got != "before+after" {
		t.Fatalf("Get(k) = %q after the replacement; want %q", got, "before+after")
	}
	config, from := kvnode.Newest(kvnode.Views(addrs, quiet(), time.Second))
	if from < 0 || len(config.Voters) != 3 || len(config.Learners) != 0 || hasMember(config, leader) || !hasMember(config, 3) {
		t.Fatalf("configuration %s; want three voters: 3 and the two that were not removed (%d)", config, leader)
	}
}

func hasMember(c kvnode.Configuration, id int) bool {
	for _, m := range append(append([]kvnode.Member{}, c.Voters...), c.Learners...) {
		if m.Id == id {
			return true
		}
	}
	return false
}
