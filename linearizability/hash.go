package linearizability

import (
	"hash/maphash"
	"math"
)

// stringSeed seeds every string hash of the process, so equal strings hash
// equally across partitions and goroutines.
var stringSeed = maphash.MakeSeed()

// HashString returns a fast hash of s, for use in a Model's Hash function.
func HashString(s string) uint64 {
	return maphash.String(stringSeed, s)
}

// stateHasher returns the function used to hash states of m into the cache
// key. A model's own Hash wins. Without one, states compared with the
// default == are hashed when they are of a common basic type; otherwise
// (a custom Equal without Hash, or an unusual type) every state hashes to
// zero and the cache tells states apart by Equal alone: slower, still right.
func stateHasher(m Model) func(interface{}) uint64 {
	if m.Hash != nil {
		return m.Hash
	}
	if m.Equal != nil {
		return func(interface{}) uint64 { return 0 }
	}
	return basicHash
}

// basicHash hashes the basic types a state is commonly made of.
func basicHash(state interface{}) uint64 {
	switch v := state.(type) {
	case nil:
		return 0
	case string:
		return HashString(v)
	case int:
		return mix64(uint64(v))
	case int64:
		return mix64(uint64(v))
	case int32:
		return mix64(uint64(v))
	case uint:
		return mix64(uint64(v))
	case uint64:
		return mix64(v)
	case uint32:
		return mix64(uint64(v))
	case bool:
		if v {
			return 1
		}
		return 2
	case float64:
		return mix64(math.Float64bits(v))
	default:
		return 0
	}
}

// defaultEqual is the == comparison a Model without Equal gets.
func defaultEqual(a, b interface{}) bool { return a == b }

// mix64 scrambles the bits of x (the finaliser of MurmurHash3), so that
// nearby inputs give unrelated hashes.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// splitmix64 is a good deterministic generator of per-operation hash keys.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
