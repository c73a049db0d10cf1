package raft

// Persistence (2C): Figure 2's "Persistent state on all servers" must reach
// stable storage (here the Persister) before the peer answers an RPC or
// acts on a change of it, so that a crashed and restarted peer never breaks
// a promise it made: a vote, or an entry it told the leader it stored.

import (
	"bytes"
	"fmt"

	"miniraftkv/labgob"
)

// persistentFields lists pointers to the fields that make up the persistent
// state, in a fixed order. persist encodes them and readPersist decodes
// into them, so keeping one list keeps the two in step. Caller holds rf.mu.
func (rf *Raft) persistentFields() []interface{} {
	return []interface{}{
		// TODO(2C): the three fields of Figure 2's persistent state,
		// e.g. &rf.currentTerm, &rf.votedFor, &rf.log; in 2D also the
		// snapshot's last included index and term.
	}
}

// persist saves the persistent state. Call it, with rf.mu held, after every
// change to that state and before replying to the RPC that caused it.
// Caller holds rf.mu.
func (rf *Raft) persist() {
	var buf bytes.Buffer
	enc := labgob.NewEncoder(&buf)
	for _, field := range rf.persistentFields() {
		if err := enc.Encode(field); err != nil {
			panic(fmt.Sprintf("raft S%d: cannot encode the persistent state: %v", rf.me, err))
		}
	}
	// Save writes the state and the snapshot as one step, so a crash
	// cannot fall between the two. Until 2D there is no snapshot: this
	// keeps whatever the persister holds. In 2D, when the snapshot changes
	// too, pass the new one here instead.
	rf.persister.Save(buf.Bytes(), rf.persister.ReadSnapshot())
}

// readPersist restores the state persist saved; Make calls it with what a
// previous incarnation of this peer left behind. Caller holds rf.mu.
//
// labgob warns when it decodes into a field that is not at its zero value,
// because gob leaves such a field unchanged where the saved value is zero:
// give fields their starting values after this, for a peer with nothing
// saved, not before.
func (rf *Raft) readPersist(data []byte) {
	if len(data) == 0 {
		return // nothing saved yet: a peer's first start
	}
	dec := labgob.NewDecoder(bytes.NewReader(data))
	for _, field := range rf.persistentFields() {
		if err := dec.Decode(field); err != nil {
			// Starting afresh would silently forget votes and entries.
			panic(fmt.Sprintf("raft S%d: the saved state is corrupt or has other fields: %v", rf.me, err))
		}
	}
}
