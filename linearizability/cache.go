package linearizability

import "sync/atomic"

// linCache is Lowe's cache of configurations already explored: pairs of
// (set of linearized operations, model state). It is an open-addressing
// hash table (linear probing, power-of-two size, at most half full) of
// 64-bit hashes of the pair; a slot whose hash matches is checked for real
// equality of set and state, so a hash collision never prunes a new
// configuration. States and sets are kept in fixed-size chunks, so the
// cache grows without copying what it holds.
//
// A set is not stored whole: that would cost a bitset of the whole
// partition per entry, quadratic in a long history with little
// concurrency (100k sequential operations made 1.5 GB of copies). It is
// stored as its window (see linSet): the lowest operation not in it, below
// which every operation is in it, and the words of the bitset from there
// to its highest member. Searches explore sets that are a full prefix plus
// a few operations near the front of the history, so the window is a word
// or two. Small partitions (up to cacheFixedMaxWords words of bitset) keep
// the whole bitset instead, in fixed-size slots: no windows to locate,
// which is faster when the bitset is that small anyway.
type linCache struct {
	hashes []uint64 // slot -> hash of the entry in it
	slots  []int32  // slot -> entry index + 1; 0 means empty
	count  int      // entries stored
	states [][]interface{}
	fixed  int           // words per stored bitset for a small partition; 0: windows
	bits   [][]uint64    // fixed: the bitsets, chunked like states
	sets   [][]cachedSet // windows: where each entry's window is
	words  [][]uint64    // windows: blocks holding their words
	cancel *atomic.Bool
}

// cachedSet locates the stored window of one entry's set.
type cachedSet struct {
	lowest int32 // the lowest operation not in the set
	block  int32 // index into linCache.words
	off    int32 // offset of the window's first word in the block
	n      int32 // words in the window
}

// linSet is the set of linearized operations as the cache sees it: the
// bitset, the lowest operation not in it (every one below is in it) and
// its highest member (-1 for the empty set). Two sets are equal exactly
// when their lowest and the words from lowest's word to highest's word
// are.
type linSet struct {
	bits    bitset
	lowest  int32
	highest int32
}

// window returns the words of s that the cache stores and compares.
func (s linSet) window() []uint64 {
	if s.highest < s.lowest {
		return nil // the set is exactly the operations below lowest
	}
	return s.bits[s.lowest/64 : s.highest/64+1]
}

const (
	cacheChunkShift = 12 // entries per chunk: 4096
	cacheChunkSize  = 1 << cacheChunkShift
	cacheChunkMask  = cacheChunkSize - 1
	cacheInitSlots  = 1 << 6
	cacheBlockWords = 1 << 14 // words per block of windows: 128 KiB
)

// cacheFixedMaxWords is the largest bitset (in words) stored whole. It is
// a variable so that tests can send small histories through windows.
var cacheFixedMaxWords = 4

// newLinCache returns an empty cache for sets of bitset words words, for
// a search stopped by cancel.
func newLinCache(words int, cancel *atomic.Bool) linCache {
	c := linCache{hashes: make([]uint64, cacheInitSlots), slots: make([]int32, cacheInitSlots), cancel: cancel}
	if words <= cacheFixedMaxWords {
		c.fixed = words
	}
	return c
}

// add remembers (set, state) under hash h and reports whether it was new.
func (c *linCache) add(h uint64, set linSet, state interface{}, equal func(a, b interface{}) bool) bool {
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := c.slots[i]
		if e == 0 {
			c.insert(i, h, set, state)
			return true
		}
		if c.hashes[i] == h && c.sameEntry(int(e-1), set, state, equal) {
			return false
		}
	}
}

// sameEntry reports whether entry e holds exactly (set, state).
func (c *linCache) sameEntry(e int, set linSet, state interface{}, equal func(a, b interface{}) bool) bool {
	if c.fixed > 0 {
		off := (e & cacheChunkMask) * c.fixed
		return set.bits.equal(c.bits[e>>cacheChunkShift][off:off+c.fixed]) && equal(c.states[e>>cacheChunkShift][e&cacheChunkMask], state)
	}
	stored := c.sets[e>>cacheChunkShift][e&cacheChunkMask]
	win := set.window()
	if stored.lowest != set.lowest || int(stored.n) != len(win) {
		return false
	}
	return bitset(win).equal(c.words[stored.block][stored.off:]) && equal(c.states[e>>cacheChunkShift][e&cacheChunkMask], state)
}

// insert stores a new entry in empty slot i, growing the table when it
// gets half full.
func (c *linCache) insert(i uint64, h uint64, set linSet, state interface{}) {
	e := c.count
	if e&cacheChunkMask == 0 {
		// The first chunk starts small and grows by append (most searches
		// are small); later ones are allocated at full size.
		size := cacheChunkSize
		if e == 0 {
			size = cacheInitSlots
		}
		c.states = append(c.states, make([]interface{}, 0, size))
		if c.fixed > 0 {
			c.bits = append(c.bits, make([]uint64, 0, size*c.fixed))
		} else {
			c.sets = append(c.sets, make([]cachedSet, 0, size))
		}
	}
	chunk := e >> cacheChunkShift
	c.states[chunk] = append(c.states[chunk], state)
	if c.fixed > 0 {
		c.bits[chunk] = append(c.bits[chunk], set.bits...)
	} else {
		c.sets[chunk] = append(c.sets[chunk], c.storeWindow(set))
	}
	c.count++
	c.hashes[i], c.slots[i] = h, int32(c.count)
	if 2*c.count > len(c.slots) {
		c.grow()
	}
}

// storeWindow copies set's window into the current block of words,
// starting a new block when it does not fit, and says where it went.
func (c *linCache) storeWindow(set linSet) cachedSet {
	win := set.window()
	last := len(c.words) - 1
	if last < 0 || cap(c.words[last])-len(c.words[last]) < len(win) {
		// Blocks double up to cacheBlockWords: most searches are small.
		size := cacheInitSlots
		if last >= 0 {
			size = min(2*cap(c.words[last]), cacheBlockWords)
		}
		size = max(size, len(win))
		c.words = append(c.words, make([]uint64, 0, size))
		last++
	}
	off := len(c.words[last])
	c.words[last] = append(c.words[last], win...)
	return cachedSet{lowest: set.lowest, block: int32(last), off: int32(off), n: int32(len(win))}
}

// grow doubles the table and re-places every entry. Re-placing tens of
// millions of entries takes a good part of a second, so it stops early
// when the search is cancelled: the entries not re-placed are forgotten,
// which can only cost repeated work, never a wrong verdict, and the
// search is stopping anyway.
func (c *linCache) grow() {
	oldHashes, oldSlots := c.hashes, c.slots
	c.hashes = make([]uint64, 2*len(oldSlots))
	c.slots = make([]int32, 2*len(oldSlots))
	mask := uint64(len(c.slots) - 1)
	for j, e := range oldSlots {
		if j&(1<<16-1) == 0 && c.cancel.Load() {
			return
		}
		if e == 0 {
			continue
		}
		i := oldHashes[j] & mask
		for c.slots[i] != 0 {
			i = (i + 1) & mask
		}
		c.hashes[i], c.slots[i] = oldHashes[j], e
	}
}
