package kvnode

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"miniraftkv/labrpc"
)

// Member is one server of a cluster's configuration: its id, never reused
// for another server, and the address the other servers reach it at.
type Member struct {
	Id   int
	Addr string
}

// Configuration is a server's latest configuration: the voters, who elect
// leaders and count toward the majority, and the learners, new servers
// that receive the log but do not count until they have caught up and
// are promoted. Index is the log index of the entry that set it (0: the
// servers' initial list); Committed says whether that entry is committed.
type Configuration struct {
	Voters    []Member
	Learners  []Member
	Index     int
	Committed bool
}

// Addrs is the address of every voter and learner, voters first.
func (c Configuration) Addrs() []string {
	var out []string
	for _, m := range append(append([]Member{}, c.Voters...), c.Learners...) {
		out = append(out, m.Addr)
	}
	return out
}

// String is the configuration on one line, as status and the logs print
// it.
func (c Configuration) String() string {
	state := "not yet committed"
	if c.Committed {
		state = "committed"
	}
	return fmt.Sprintf("voters %s; learners %s (index %d, %s)", MemberList(c.Voters), MemberList(c.Learners), c.Index, state)
}

// MemberList is "id addr" of each member by id, comma-separated; "none"
// for no member.
func MemberList(ms []Member) string {
	if len(ms) == 0 {
		return "none"
	}
	sorted := append([]Member{}, ms...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Id < sorted[j].Id })
	parts := make([]string, len(sorted))
	for i, m := range sorted {
		parts[i] = fmt.Sprintf("%d %s", m.Id, m.Addr)
	}
	return strings.Join(parts, ", ")
}

// Membership is what a server does for Node's membership calls. AddServer
// and RemoveServer run on the leader and return once the change is
// committed, or with an error: a *ChangeError for a refusal the operator
// can act on.
type Membership interface {
	AddServer(m Member) error
	RemoveServer(id int) error
	Configuration() Configuration
}

// Err is the outcome of a membership change as a Node reply carries it.
type Err string

// The outcomes of a membership change.
const (
	OK                  Err = ""
	ErrWrongLeader      Err = "ErrWrongLeader"      // this server does not lead; ask another
	ErrUnsupported      Err = "ErrUnsupported"      // this server's Raft has no membership changes
	ErrNoSuchMember     Err = "ErrNoSuchMember"     // remove: no voter or learner has that id
	ErrAlreadyMember    Err = "ErrAlreadyMember"    // add: the id or address is taken (by a member, or the id by -servers)
	ErrChangeInProgress Err = "ErrChangeInProgress" // an earlier change (or a leadership transfer) is not over yet; retry
	ErrCatchUp          Err = "ErrCatchUp"          // add: the new server is unreachable or too slow to catch up
	ErrOutcomeUnknown   Err = "ErrOutcomeUnknown"   // leadership changed before the change committed
	ErrInvalid          Err = "ErrInvalid"          // the request itself is wrong (a negative id, a bad address)
	ErrFailed           Err = "ErrFailed"           // anything else; the message says what
)

// ChangeError is a refused membership change: its outcome and a sentence
// for the operator.
type ChangeError struct {
	Code Err
	Msg  string
}

func (e *ChangeError) Error() string { return e.Msg }

// Refuse returns a *ChangeError.
func Refuse(code Err, format string, args ...interface{}) error {
	return &ChangeError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// AddServerArgs asks the leader to add a server.
type AddServerArgs struct{ Member Member }

// RemoveServerArgs asks the leader to remove a server.
type RemoveServerArgs struct{ Id int }

// ChangeReply is the outcome of AddServer or RemoveServer.
type ChangeReply struct {
	Err Err
	Msg string
}

// MembersArgs is the (empty) request of Node.Members.
type MembersArgs struct{}

// MembersReply is one server's view of the configuration.
type MembersReply struct {
	Id        int
	Term      int
	IsLeader  bool
	Supported bool // false: this server's Raft has no membership changes
	Config    Configuration
}

// AddServer answers Node.AddServer.
func (n *Node) AddServer(args *AddServerArgs, reply *ChangeReply) {
	if n.Membership == nil {
		reply.Err, reply.Msg = unsupported()
		return
	}
	if err := checkAddr(args.Member.Addr); err != nil || args.Member.Id < 0 {
		reply.Err, reply.Msg = ErrInvalid, fmt.Sprintf("server %d at %q: want an id >= 0 and a host:port address", args.Member.Id, args.Member.Addr)
		return
	}
	reply.Err, reply.Msg = outcome(n.Membership.AddServer(args.Member))
}

// RemoveServer answers Node.RemoveServer.
func (n *Node) RemoveServer(args *RemoveServerArgs, reply *ChangeReply) {
	if n.Membership == nil {
		reply.Err, reply.Msg = unsupported()
		return
	}
	reply.Err, reply.Msg = outcome(n.Membership.RemoveServer(args.Id))
}

// Members answers Node.Members.
func (n *Node) Members(args *MembersArgs, reply *MembersReply) {
	var st StatusReply
	n.Report(&st)
	reply.Id, reply.Term, reply.IsLeader = st.Id, st.Term, st.IsLeader
	if n.Membership != nil {
		reply.Supported, reply.Config = true, n.Membership.Configuration()
	}
}

func unsupported() (Err, string) {
	return ErrUnsupported, "this server's Raft has no membership changes"
}

// outcome is the reply form of a membership call's error.
func outcome(err error) (Err, string) {
	var ce *ChangeError
	switch {
	case err == nil:
		return OK, ""
	case errors.As(err, &ce):
		return ce.Code, ce.Msg
	}
	return ErrFailed, err.Error()
}

// QueryMembers asks the server behind end for its configuration; false if
// it did not answer.
func QueryMembers(end *labrpc.ClientEnd) (MembersReply, bool) {
	var reply MembersReply
	ok := end.Call("Node.Members", &MembersArgs{}, &reply)
	return reply, ok
}
