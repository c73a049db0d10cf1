package kvnode

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSplitAddrs(t *testing.T) {
	got, err := SplitAddrs(" 127.0.0.1:1, :2")
	if err != nil || !reflect.DeepEqual(got, []string{"127.0.0.1:1", ":2"}) {
		t.Fatalf("SplitAddrs = %q, %v; want [127.0.0.1:1 :2], nil", got, err)
	}
	cases := []struct{ list, says string }{
		{"", "empty"},
		{" , ", "empty"},
		{"a:1,,c:3", "server address 2 of 3"},
		{"a:1,b:2,", "server address 3 of 3"},
		{"localhost", "not host:port"},
		{"a:1,b:99999", "port \"99999\" is not a number from 1 to 65535"},
		{"a:0", "from 1 to 65535"},
		{"a:http", "from 1 to 65535"},
		{"a:1,b:2,a:1", "server addresses 1 and 3"},
		{"127.0.0.1:7,localhost:7", "are the same"},
		{":7,127.0.0.1:7", "are the same"},
	}
	for _, c := range cases {
		if _, err := SplitAddrs(c.list); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("SplitAddrs(%q) = %v; want an error saying %q", c.list, err, c.says)
		}
	}
}

func view(id, term int, leader bool, index int, committed bool) *MembersReply {
	return &MembersReply{Id: id, Term: term, IsLeader: leader, Supported: true,
		Config: Configuration{Voters: []Member{{Id: id, Addr: "a:1"}}, Index: index, Committed: committed}}
}

// TestNewestAndLeader: the newest configuration is the highest index (a
// committed one wins a tie); the leader is the one with the highest term.
func TestNewestAndLeader(t *testing.T) {
	views := []*MembersReply{view(0, 3, true, 5, true), nil, view(2, 4, true, 7, false), view(3, 4, false, 7, true)}
	if _, from := Newest(views); from != 3 {
		t.Errorf("Newest = view %d; want 3 (index 7, committed)", from)
	}
	if l := Leader(views); l != 2 {
		t.Errorf("Leader = %d; want 2 (term 4)", l)
	}
	unsupported := []*MembersReply{{Id: 0}, nil}
	if _, from := Newest(unsupported); from != -1 || NoMembership(unsupported) != ErrNoChangeKit {
		t.Errorf("a server without membership changes gave a configuration, or the wrong reason")
	}
	if NoMembership([]*MembersReply{nil}) != ErrNoServer || Leader(nil) != -1 {
		t.Errorf("no answer: want ErrNoServer and no leader")
	}
}

func TestUnion(t *testing.T) {
	got := Union([]string{"127.0.0.1:1", "b:2"}, []string{"localhost:1", "c:3", "b:2"})
	if !reflect.DeepEqual(got, []string{"127.0.0.1:1", "b:2", "c:3"}) {
		t.Errorf("Union = %q; want [127.0.0.1:1 b:2 c:3]", got)
	}
}

type refusing struct{ err error }

func (r refusing) AddServer(Member) error       { return r.err }
func (r refusing) RemoveServer(int) error       { return r.err }
func (r refusing) Configuration() Configuration { return Configuration{} }

// TestNodeChangeOutcomes: a refusal reaches the reply with its code, any
// other error as ErrFailed, and a Node without membership says so.
func TestNodeChangeOutcomes(t *testing.T) {
	add := &AddServerArgs{Member: Member{Id: 4, Addr: "127.0.0.1:9"}}
	cases := []struct {
		node *Node
		args *AddServerArgs
		want Err
	}{
		{&Node{Membership: refusing{nil}}, add, OK},
		{&Node{Membership: refusing{Refuse(ErrCatchUp, "slow")}}, add, ErrCatchUp},
		{&Node{Membership: refusing{errors.New("disk on fire")}}, add, ErrFailed},
		{&Node{}, add, ErrUnsupported},
		{&Node{Membership: refusing{nil}}, &AddServerArgs{Member: Member{Id: -1, Addr: "127.0.0.1:9"}}, ErrInvalid},
		{&Node{Membership: refusing{nil}}, &AddServerArgs{Member: Member{Id: 4, Addr: "nohost"}}, ErrInvalid},
	}
	for _, c := range cases {
		var reply ChangeReply
		c.node.AddServer(c.args, &reply)
		if reply.Err != c.want {
			t.Errorf("AddServer(%+v) = %q (%s); want %q", c.args.Member, reply.Err, reply.Msg, c.want)
		}
	}
}
