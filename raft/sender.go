package raft

import (
	"runtime"
	"sync"
	"time"
)

// How a leader makes its calls to a follower, AppendEntries and
// InstallSnapshot alike: one mechanism. replicateTo decides that a call is
// due (sendDue), marks it in flight and hands it to the follower's senders
// (dispatch). A sender builds the arguments when it takes the call, so they
// carry every entry proposed until then, makes the call, and handles the
// reply, which may hand it the next call at once.
//
// A follower normally has one sender, reused call after call: a goroutine
// per call would grow a fresh stack to encode each one. A second sender
// starts only when a call is due while every sender of the follower is
// inside a Call: a follower that stopped answering (a call to a cut-off
// peer can take seconds to fail) still gets its probes, and a slow one its
// heartbeats on time. A sender that finds another one free exits, so a
// follower has at most one waiting. The senders belong to the leader state
// of one term: stepping down and Kill wake the waiting ones, which exit; one
// inside a Call exits when the Call returns. rf.mu is never held across a
// Call; the senders wait on a condition variable, so nothing is sent on a
// channel either.

// senders is the state of one follower's senders, part of the leader state.
type senders struct {
	wake   *sync.Cond // signalled when a call is handed over; broadcast when the leadership ends
	handed uint64     // seq of the call handed over and not yet taken, or 0
	free   int        // senders not inside a Call: each looks at handed before it waits
}

// dispatch hands the call numbered seq, just marked in flight, to peer's
// senders, and starts a sender if none is free. A call handed over earlier
// and not yet taken is superseded: only the latest call to a follower is
// ever made (makeCall). Caller holds rf.mu and is the leader.
func (rf *Raft) dispatch(peer int, seq uint64) {
	s := rf.lead.senders[peer]
	s.handed = seq
	if s.free > 0 {
		s.wake.Signal()
		return
	}
	s.free++
	go rf.sender(peer, s)
}

// sender is one of a follower's senders: it makes the calls handed over to
// s, one after another, while s belongs to the current leadership.
func (rf *Raft) sender(peer int, s *senders) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	for rf.sendsFor(peer, s) {
		switch {
		case s.handed != 0:
			seq := s.handed
			s.handed = 0
			s.free--
			rf.makeCall(peer, seq, s)
		case s.free > 1:
			s.free--
			return // another free sender takes the next call
		default:
			s.wake.Wait()
		}
	}
}

// sendsFor reports whether s is the current leadership's senders of peer.
// Caller holds rf.mu.
func (rf *Raft) sendsFor(peer int, s *senders) bool {
	return !rf.killed() && rf.role == leader && rf.lead.senders[peer] == s
}

// makeCall makes call seq to peer, unless the leadership ended or a later
// call superseded it meanwhile, and handles the reply. The follower gets the
// snapshot if it needs entries the snapshot has replaced (§7). Caller holds
// rf.mu, which is released during the Call; the sender counts as free again
// once the Call returns.
func (rf *Raft) makeCall(peer int, seq uint64, s *senders) {
	rf.yieldForBurst()
	if !rf.sendsFor(peer, s) || rf.lead.progress[peer].seq != seq {
		s.free++
		return
	}
	if rf.lead.progress[peer].nextIndex <= rf.log.snapshotIndex() {
		rf.installSnapshotOn(peer, rf.snapshotArgs(peer), seq, s)
		return
	}
	rf.appendEntriesTo(peer, rf.appendEntriesArgs(peer), seq, s)
}

// callOutsideLock makes one of peer's senders' calls, s's, with rf.mu
// released, and returns when it was sent and whether it returned a reply.
// The sender counts as free again on return, so that the next call, handed
// over while the reply is handled, goes to it. Caller holds rf.mu.
func (rf *Raft) callOutsideLock(peer int, s *senders, method string, args, reply interface{}) (time.Time, bool) {
	sent := time.Now() // before the call leaves: the lease must not start later (lease.go)
	end := rf.endOf(peer)
	rf.mu.Unlock()
	ok := end != nil && end.Call(method, args, reply) // nil: a member that could not be dialled
	rf.mu.Lock()
	s.free++
	return sent, ok
}

// yieldForBurst yields the processor once before a call is built, so that
// the commands other goroutines are just proposing (a burst of Starts, as
// from a service's many clients) join the call instead of each taking a
// call of its own: on the simulated network a round trip is shorter than
// the gap between two goroutines' Starts, and the sender, woken by the
// first Start, would otherwise run before the others. A lone command pays
// one yield. Caller holds rf.mu, which is released while yielding, as a
// condition wait releases it.
//
// Without it, a commit under many proposers costs several RPCs instead of a
// fraction of one, and commits/s and KV ops/s fall; yielding again while
// entries keep arriving gains little over the one yield. The figures and
// the commands are in docs/raft-measurements.md ("The sender's yield").
// Batching without a yield, on the saver's group-commit boundary, would
// put the leader's own save before every send, which §10.2.1 overlaps.
func (rf *Raft) yieldForBurst() {
	rf.mu.Unlock()
	runtime.Gosched()
	rf.mu.Lock()
}

// wakeLeadershipWaiters is called when the peer stops leading or is
// killed: it wakes every follower's waiting senders, which then see that
// the leadership they send for is over, and ends the reads waiting for a
// round (readindex.go). Caller holds rf.mu.
func (rf *Raft) wakeLeadershipWaiters() {
	for i := range rf.lead.senders {
		rf.lead.senders[i].wake.Broadcast()
	}
	rf.abandonReadRounds()
}
