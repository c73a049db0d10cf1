package raft

import (
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"miniraftkv/labrpc"
)

// ApplyMsg is what a peer sends on its applyCh: either a newly committed log
// entry (CommandValid) or a snapshot the service must install
// (SnapshotValid). Exactly one of the two flags is set.
type ApplyMsg struct {
	CommandValid bool        // a newly committed log entry
	Command      interface{} // the command passed to Start
	CommandIndex int         // its log index (indices start at 1)
	CommandTerm  int         // the term of that entry

	SnapshotValid bool   // a snapshot for the service to install
	Snapshot      []byte // the service's snapshot; the receiver must not modify it
	SnapshotTerm  int    // term of the last entry the snapshot covers
	SnapshotIndex int    // index of the last entry the snapshot covers
}

// role is what a peer currently is (§5.1). Only becomeFollower,
// becomeCandidate and becomeLeader change it.
type role int

const (
	follower role = iota
	candidate
	leader
)

func (r role) String() string {
	switch r {
	case follower:
		return "follower"
	case candidate:
		return "candidate"
	case leader:
		return "leader"
	}
	return "unknown"
}

// noVote is votedFor's "null" of Figure 2.
const noVote = -1

// Raft is one Raft peer. Create it with Make or MakeWithOptions; every
// exported method is safe to call from many goroutines at once.
type Raft struct {
	// mu protects every field below that is not marked otherwise. It is
	// never held across a labrpc Call, a channel send or service code.
	mu sync.Mutex

	// peers is indexed by member id. Set by Make and never changed with
	// fixed membership; with MembershipOptions it grows as members are
	// added (memberends.go). Read with mu held.
	peers []*labrpc.ClientEnd

	// Set by Make and never changed; read without mu.
	persister *Persister
	// chunkSaver is persister's faster save path, or nil when it has none
	// (a course's own persister.go); see statestream.go.
	chunkSaver chunkSaver
	me         int
	applyCh    chan ApplyMsg
	done       chan struct{} // closed by Kill; wakes the ticker and a blocked applier
	dead       int32         // 1 after Kill; accessed atomically

	// Persistent state on all servers (Figure 2). Updated on stable storage
	// before responding to RPCs.
	currentTerm int     // latest term this peer has seen
	votedFor    int     // candidate that received our vote in currentTerm, or noVote
	log         raftLog // the entries, with the snapshot's last index and term as its base

	// Volatile state on all servers (Figure 2).
	commitIndex int // highest log index known to be committed
	lastApplied int // highest log index handed to the service (entry or snapshot)

	// Volatile state on leaders (Figure 2: nextIndex and matchIndex, in
	// lead.progress) and everything else only a leader keeps. Reset in one
	// place, resetLeaderState, on becoming leader and on stepping down.
	lead leaderState

	role     role
	settings settings // given at construction (options.go)

	// Beyond Figure 2, grouped by feature.
	election     electionState   // the election timer and the campaign in progress (election.go)
	preVoteRound preVoteRound    // follower or candidate: the pre-vote in progress, if any (prevote.go)
	heard        leaderHeard     // when a leader was last heard from (pre-vote, lease reads)
	members      membershipState // the configurations in the log and the one in use (configuration.go)

	// Snapshots and applying (snapshot.go, apply.go).
	snapshot        []byte     // the service's latest snapshot; never modified in place
	snapshotPending bool       // snapshot must be handed to the service before more entries
	applyCond       *sync.Cond // signalled when commitIndex moves or a snapshot arrives

	// Persistence (statestream.go, groupcommit.go, flowcontrol.go).
	stream    persistStream // the append-only encoding of the persistent state
	saver     saver         // the goroutine that saves new entries
	saveOrder sync.Mutex    // held from encoding a save to its write; see groupcommit.go
	compacted *sync.Cond    // broadcast when a snapshot compacts the log (see flowcontrol.go)
}

// leaderState is what a peer keeps only while it leads. becomeLeader starts
// it afresh and stepping down discards it, both through resetLeaderState,
// so nothing in it outlives the term it was built in: no field needs a
// term beside it to tell whether it is current.
type leaderState struct {
	progress         []peerProgress     // per peer: nextIndex, matchIndex and what is in flight (replication.go)
	senders          []*senders         // per peer: the goroutines that make the calls (sender.go)
	commitAdvancedAt time.Time          // when commitIndex last moved
	reads            readRounds         // read rounds awaiting a majority (readindex.go)
	transfer         leadershipTransfer // the leadership transfer in progress, if any (transfer.go)
	leaseEnded       bool               // TimeoutNow was sent: no lease for the rest of the term (transfer.go, lease.go)
}

// electionState is a follower's or candidate's election timer and the
// campaign in progress (election.go).
type electionState struct {
	deadline        time.Time  // when a follower or candidate starts an election
	votesGranted    int        // candidate: votes received in currentTerm, our own included
	heardInElection bool       // candidate: some peer answered a RequestVote this term
	quietElections  int        // consecutive campaigns (pre-vote rounds or elections) no peer answered
	pauseDiscounted time.Time  // when discountPause last took a late tick for a pause
	rand            *rand.Rand // per-peer randomness for election timeouts
}

// leaderHeard is when this peer last heard from a leader (acceptLeader).
type leaderHeard struct {
	at time.Time // kept across terms: the vote refusal of lease reads counts from it (lease.go)
	// inTerm says the leader heard from at `at` leads currentTerm; a new
	// term clears it. The pre-vote's stickiness applies only then (prevote.go).
	inTerm bool
}

// recently reports whether the leader of currentTerm was heard from less
// than electionTimeoutMin ago: the leader stickiness of pre-votes (§9.6,
// §4.2.3). Caller holds rf.mu.
func (h leaderHeard) recently() bool {
	return h.inTerm && time.Since(h.at) < electionTimeoutMin
}

// Make creates a Raft peer. peers holds an end for every peer of the cluster
// (peers[me] is this peer's own and is never used); persister holds the state
// of a previous incarnation, if any, and receives every change; committed
// entries and snapshots are delivered on applyCh in log order. Make returns
// at once: elections and replication run in goroutines that Kill stops.
//
// Make panics, naming the peer, if the persisted state is corrupt: starting
// afresh would silently forget votes and log entries. It panics at once,
// naming the argument, if persister or applyCh is nil or me is not an index
// of peers: the API has no error result, and a later nil dereference or a
// peer blocked forever on a nil channel would hide the cause.
func Make(peers []*labrpc.ClientEnd, me int, persister *Persister, applyCh chan ApplyMsg) *Raft {
	if err := makeArgsError(len(peers), me, persister, applyCh); err != nil {
		panic("raft.Make: " + err.Error())
	}
	rf := newRaft(peers, me, persister, applyCh)
	rf.start()
	return rf
}

// start starts the peer's goroutines.
func (rf *Raft) start() {
	rf.saver.running = true // no other goroutine of the peer exists yet
	go rf.ticker()
	go rf.applier()
	go rf.saveLoop()
}

// newRaft builds a peer from its persisted state without starting its
// goroutines (unit tests use it directly).
func newRaft(peers []*labrpc.ClientEnd, me int, persister *Persister, applyCh chan ApplyMsg) *Raft {
	return buildRaft(peers, me, persister, applyCh, nil)
}

// buildRaft is newRaft with the membership options of MakeWithOptions (nil:
// fixed membership).
func buildRaft(peers []*labrpc.ClientEnd, me int, persister *Persister, applyCh chan ApplyMsg,
	membership *MembershipOptions) *Raft {
	rf := &Raft{
		peers:     peers,
		persister: persister,
		me:        me,
		applyCh:   applyCh,
		done:      make(chan struct{}),
		votedFor:  noVote,
		log:       newRaftLog(),
		role:      follower,
		settings:  Options{}.settings(),
		// Seeded from math/rand's global source rather than the clock: the
		// tester seeds that source for a replayable run (see config.go),
		// and under virtual time every peer would read the same clock.
		election: electionState{rand: rand.New(rand.NewSource(rand.Int63()))},
	}
	rf.chunkSaver, _ = interface{}(persister).(chunkSaver)
	rf.applyCond = sync.NewCond(&rf.mu)
	rf.compacted = sync.NewCond(&rf.mu)
	rf.saver.init(&rf.mu)
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.initMembership(membership)
	rf.restoreFromPersister()
	rf.loadConfigurations()
	rf.lead = rf.freshLeaderState()
	rf.startElectionTimer()
	rf.dlog(topicTimer, "started: log %s, commit %d", rf.log.describe(), rf.commitIndex)
	return rf
}

// SetMaxAppendBytes bounds what one AppendEntries carries to about n bytes
// of entries (as persisted; at least one entry per call). It goes beyond
// the lab API: a service that bounds its persisted Raft state, as raftkv
// bounds it by maxraftstate, sets it so that a follower that fell behind
// never has to save more at once than the bound leaves room for, before it
// can apply and compact what it received. n <= 0 removes the bound.
// Options.MaxAppendBytes, given to MakeWithOptions, sets it at
// construction, validated against Options.MaxStateBytes.
func (rf *Raft) SetMaxAppendBytes(n int) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.settings.maxAppendBytes = n
}

// SetLogf gives the peer a logger for the few events an operator must
// hear of even with debugging off, such as a follower found to have lost
// entries it had acknowledged (it restarted without its last saved
// records). It goes beyond the lab API; logf is called without rf.mu
// held, from the peer's own goroutines. nil, the default, drops them.
// Options.Logf, given to MakeWithOptions, sets it at construction.
func (rf *Raft) SetLogf(logf func(format string, args ...interface{})) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	rf.settings.logf = logf
}

// GetState returns currentTerm and whether this peer believes it is the
// leader. A killed peer never claims to be the leader.
func (rf *Raft) GetState() (int, bool) {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return rf.currentTerm, rf.role == leader && !rf.killed()
}

// Start proposes command for the replicated log. If this peer is the leader
// it appends the command, starts replicating it at once, has it saved and
// returns the index it will have if it is ever committed, the current term
// and true. Otherwise (or after Kill) it returns isLeader == false, and so
// it does on a leader transferring its leadership (TransferLeadership,
// dissertation §3.10): the entry would only delay the transfer. Start
// never waits for the command to commit; watch applyCh for that.
func (rf *Raft) Start(command interface{}) (int, int, bool) {
	if rf.killed() {
		return -1, -1, false
	}
	rf.mu.Lock()
	defer rf.mu.Unlock()
	if rf.role != leader || rf.transferring() {
		return -1, rf.currentTerm, false
	}
	if _, ok := command.(ConfigChange); ok {
		// Only AddServer and RemoveServer may change the membership:
		// they keep to one change at a time (§4.1).
		return -1, rf.currentTerm, false
	}
	// Figure 2, Rules for Servers, Leaders: "If command received from
	// client: append entry to local log, respond after entry applied to
	// state machine".
	rf.log.append(LogEntry{Term: rf.currentTerm, Command: command})
	index := rf.log.lastIndex()
	rf.dlog(topicLog, "Start: appended entry %d", index)
	// The leader counts its own copy (matchIndex[me]) once it is saved,
	// which the saver does while the entry is on its way to the followers.
	rf.requestSave()
	rf.replicateToAll(time.Now())
	return index, rf.currentTerm, true
}

// Kill stops the peer: its ticker, applier, saver and replication
// goroutines exit promptly (a goroutine waiting in labrpc.Call exits as
// soon as the call returns) and it stops answering RPCs, persisting and
// applying. Kill is idempotent.
func (rf *Raft) Kill() {
	if !atomic.CompareAndSwapInt32(&rf.dead, 0, 1) {
		return
	}
	close(rf.done)
	rf.mu.Lock()
	rf.dlog(topicTimer, "killed")
	rf.applyCond.Broadcast()
	rf.compacted.Broadcast()
	rf.saver.wakeAll()
	rf.wakeLeadershipWaiters()
	rf.members.changed.Broadcast()
	rf.mu.Unlock()
	rf.awaitWrite() // nothing reaches the persister after Kill returns
}

func (rf *Raft) killed() bool {
	return atomic.LoadInt32(&rf.dead) == 1
}

// ticker is the peer's clock: every tickInterval it starts an election if
// the election timeout has passed, and as leader sends the heartbeats and
// retries that are due. It exits when the peer is killed.
//
// Its first tick comes at a random point of the first interval. Peers
// started together would otherwise tick in step, and two election timeouts
// falling in the same 10 ms would fire at the same instant: a split vote
// (§5.2 randomises timeouts precisely to avoid that).
func (rf *Raft) ticker() {
	rf.mu.Lock()
	phase := time.Duration(rf.election.rand.Int63n(int64(tickInterval)))
	rf.mu.Unlock()
	wait := time.NewTimer(phase)
	select {
	case <-rf.done:
		wait.Stop()
		return
	case <-wait.C:
	}
	t := time.NewTicker(tickInterval)
	defer t.Stop()
	lastTick := time.Now()
	for {
		select {
		case <-rf.done:
			return
		case <-t.C:
			// The time of reading, not the tick's: a tick waits in the
			// channel while this goroutine is not running.
			now := time.Now()
			rf.mu.Lock()
			rf.discountPause(now, now.Sub(lastTick))
			if rf.role == leader {
				rf.tickLeader(now)
			} else {
				rf.tickElection(now)
			}
			rf.mu.Unlock()
			lastTick = now
		}
	}
}

// majority is the number of voters of the configuration in use that form
// a quorum (§4.1). Caller holds rf.mu.
func (rf *Raft) majority() int {
	return majorityOf(len(rf.members.conf.voterIDs))
}

// voters returns the ids of the voters of the configuration in use, whose
// majority every quorum needs (§4.1). Caller holds rf.mu.
func (rf *Raft) voters() []int {
	return rf.members.conf.voterIDs
}
