package raft

// Bounding the bytes of one AppendEntries. With SetMaxAppendBytes set, a
// batch holds about that many bytes of entries: by count, at the average
// persisted size of an entry (appendBatchLimit), and then by the sizes of
// the entries themselves where their commands tell them (CommandSizer), so
// that a few large commands among many small ones do not make one call of
// many megabytes. A call that large would hold up the heartbeats queued
// behind it on a real network, and one over the transport's message limit
// could never be delivered at all.

// CommandSizer may be implemented by a service's command type: Size
// returns about how many bytes the command takes once encoded. It goes
// beyond the lab API; commands without it count at the average size of the
// entries persisted so far.
type CommandSizer interface {
	Size() int
}

// appendBatchLimit is how many entries one AppendEntries may carry: at
// most maxEntriesPerAppend and, with a byte bound set (SetMaxAppendBytes),
// about that many bytes at the average persisted size of an entry, but
// always at least one. Caller holds rf.mu.
func (rf *Raft) appendBatchLimit() int {
	perEntry := rf.stream.bytesPerEntry()
	if rf.settings.maxAppendBytes <= 0 || perEntry == 0 {
		return maxEntriesPerAppend
	}
	return min(maxEntriesPerAppend, max(rf.settings.maxAppendBytes/perEntry, 1))
}

// boundBatchBytes cuts entries, a batch for one AppendEntries, to the
// longest prefix within SetMaxAppendBytes's bound by the entries' own
// sizes, keeping at least one entry. Caller holds rf.mu.
func (rf *Raft) boundBatchBytes(entries []LogEntry) []LogEntry {
	if rf.settings.maxAppendBytes <= 0 {
		return entries
	}
	return prefixWithin(entries, rf.settings.maxAppendBytes, rf.stream.bytesPerEntry())
}

// prefixWithin returns the longest prefix of entries whose sizes add up
// to at most limit bytes, and at least the first entry. An entry's size is
// its command's Size if it is a CommandSizer, else perEntry.
func prefixWithin(entries []LogEntry, limit, perEntry int) []LogEntry {
	total := 0
	for i, e := range entries {
		size := perEntry
		if s, ok := e.Command.(CommandSizer); ok {
			size = s.Size()
		}
		total += size
		if i > 0 && total > limit {
			return entries[:i]
		}
	}
	return entries
}
