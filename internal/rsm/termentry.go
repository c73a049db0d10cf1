package rsm

// A Raft leader learns which entries of earlier terms are committed only
// once an entry of its own term commits (§5.4.2; dissertation §6.4 has each
// new leader commit a blank entry at the start of its term for this). Until
// then nothing after its commit index is applied. After a whole group
// restarts, every entry past the last snapshot waits like this; a service
// whose own progress depends on that state (a shard group that will not put
// anything in its log until a migration it cannot see has finished) would
// wait forever. So the RSM's leader starts one blank entry per term when
// nothing of that term has been applied.

// blankEntry is the entry startTermEntry puts in the log: it carries no
// command and changes nothing when applied.
func blankEntry() entry {
	return entry{}
}

// isBlank reports whether e is a blank entry.
func isBlank(e entry) bool {
	return e.Id == 0 && e.Cmd == nil
}

// startTermEntry starts a blank entry if this replica leads in term, has
// applied no entry of term, and has not started one in term already.
func (r *RSM) startTermEntry(term int, isLeader bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !isLeader || r.lastAppliedTerm >= term || r.blankTerm >= term {
		return
	}
	if _, t, ok := r.rf.Start(blankEntry()); ok {
		r.blankTerm = t
	}
}
