package linearizability

// linCache is Lowe's cache of configurations already explored: pairs of
// (set of linearized operations, model state). It is an open-addressing
// hash table (linear probing, power-of-two size, at most half full) of
// 64-bit hashes of the pair; a slot whose hash matches is checked for real
// equality of bitset and state, so a hash collision never prunes a new
// configuration. Bitsets and states are kept in fixed-size chunks, so the
// cache grows without copying what it holds.
type linCache struct {
	words  int      // uint64 words per bitset
	hashes []uint64 // slot -> hash of the entry in it
	slots  []int32  // slot -> entry index + 1; 0 means empty
	count  int      // entries stored
	states [][]interface{}
	bits   [][]uint64
}

const (
	cacheChunkShift = 12 // entries per chunk: 4096
	cacheChunkSize  = 1 << cacheChunkShift
	cacheChunkMask  = cacheChunkSize - 1
	cacheInitSlots  = 1 << 6
)

func newLinCache(words int) linCache {
	return linCache{words: words, hashes: make([]uint64, cacheInitSlots), slots: make([]int32, cacheInitSlots)}
}

// add remembers (bits, state) under hash h and reports whether it was new.
func (c *linCache) add(h uint64, bits bitset, state interface{}, equal func(a, b interface{}) bool) bool {
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := c.slots[i]
		if e == 0 {
			c.insert(i, h, bits, state)
			return true
		}
		if c.hashes[i] == h && c.sameEntry(int(e-1), bits, state, equal) {
			return false
		}
	}
}

// sameEntry reports whether entry e holds exactly (bits, state).
func (c *linCache) sameEntry(e int, bits bitset, state interface{}, equal func(a, b interface{}) bool) bool {
	off := (e & cacheChunkMask) * c.words
	return bits.equal(c.bits[e>>cacheChunkShift][off:off+c.words]) && equal(c.states[e>>cacheChunkShift][e&cacheChunkMask], state)
}

// insert stores a new entry in empty slot i, growing the table when it
// gets half full.
func (c *linCache) insert(i uint64, h uint64, bits bitset, state interface{}) {
	e := c.count
	if e&cacheChunkMask == 0 {
		// The first chunk starts small and grows by append (most searches
		// are small); later ones are allocated at full size.
		size := cacheChunkSize
		if e == 0 {
			size = cacheInitSlots
		}
		c.states = append(c.states, make([]interface{}, 0, size))
		c.bits = append(c.bits, make([]uint64, 0, size*c.words))
	}
	chunk := e >> cacheChunkShift
	c.states[chunk] = append(c.states[chunk], state)
	c.bits[chunk] = append(c.bits[chunk], bits...)
	c.count++
	c.hashes[i], c.slots[i] = h, int32(c.count)
	if 2*c.count > len(c.slots) {
		c.grow()
	}
}

// grow doubles the table and re-places every entry.
func (c *linCache) grow() {
	oldHashes, oldSlots := c.hashes, c.slots
	c.hashes = make([]uint64, 2*len(oldSlots))
	c.slots = make([]int32, 2*len(oldSlots))
	mask := uint64(len(c.slots) - 1)
	for j, e := range oldSlots {
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
