package raft

import (
	"errors"
	"testing"
	"time"

	"miniraftkv/labrpc"
)

// stuckLearner answers every call in the leader's term and never stores
// anything: a new server whose disk writes fail, say.
type stuckLearner struct{}

func (stuckLearner) AppendEntries(args *AppendEntriesArgs, reply *AppendEntriesReply) {
	reply.Term, reply.ConflictIndex = args.Term, 1 // answers, never stores
}

func (stuckLearner) InstallSnapshot(args *InstallSnapshotArgs, reply *InstallSnapshotReply) {
	reply.Term = args.Term - 1
}

// §4.2.1: "if the new server is unavailable or is so slow that it will
// never catch up, the leader aborts the change". A learner that answers
// but never advances must not hold AddServer, and every later change,
// for ever: AddServer fails with ErrCatchUpTooSlow and takes it out.
func TestAddServerGivesUpOnLearnerThatAnswersButNeverCatchesUp(t *testing.T) {
	c := newMemberCluster(t, 0, Options{})
	c.bootstrap(0, 1, 2)
	c.commit("x", 0, 1, 2)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeNamedService("Raft", stuckLearner{}))
	c.net.AddServer(7, srv)
	l := c.leader()
	done := make(chan error, 1)
	go func() { done <- c.raft(l).AddServer(members(7)[0]) }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrCatchUpTooSlow) {
			t.Fatalf("AddServer of a learner that never catches up = %v; want ErrCatchUpTooSlow", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("AddServer of a learner that answers but never catches up still waiting after 20 s")
	}
	c.awaitConfig([]int{0, 1, 2}, 0, 1, 2)
}

// slowSnapshots is a server whose InstallSnapshot takes longer than
// catchUpStallLimit, as a large snapshot over a slow link would.
type slowSnapshots struct{ *Raft }

func (s slowSnapshots) InstallSnapshot(args *InstallSnapshotArgs, reply *InstallSnapshotReply) {
	time.Sleep(catchUpStallLimit + time.Second)
	s.Raft.InstallSnapshot(args, reply)
}

// A new server's matchIndex stays put while its snapshot is on the way;
// the catch-up must not give up on it before the snapshot had its time.
func TestAddServerWaitsForSlowSnapshot(t *testing.T) {
	c := newMemberCluster(t, 5, Options{})
	c.bootstrap(0, 1, 2)
	for i := 0; i < 12; i++ {
		c.commit(i, 0, 1, 2)
	}
	c.start(3, nil)
	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeNamedService("Raft", slowSnapshots{c.raft(3)}))
	c.net.AddServer(3, srv)
	if err := c.raft(c.leader()).AddServer(members(3)[0]); err != nil {
		t.Fatalf("AddServer(3) with a slow snapshot = %v; want nil", err)
	}
	c.awaitConfig([]int{0, 1, 2, 3}, 0, 1, 2, 3)
}
