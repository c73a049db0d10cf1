package linearizability

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestDifferentialWindows repeats the differential tests with every cache
// storing set windows (normally only partitions over 256 operations do),
// and with KV histories behind 70 sequential puts to another key, so that
// the unpartitioned search's windows start past the first word and cross
// word boundaries.
func TestDifferentialWindows(t *testing.T) {
	saved := cacheFixedMaxWords
	cacheFixedMaxWords = 0
	defer func() { cacheFixedMaxWords = saved }()
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 3000; i++ {
		ops := randomKvHistory(r, 8)
		checkAgainstBruteForce(t, fmt.Sprintf("kv history %d", i), KvModel(), kvNoPartitionModel(ops), ops)
		regs := randomRegisterHistory(r, 8)
		checkAgainstBruteForce(t, fmt.Sprintf("register history %d", i), RegisterModel(), RegisterModel(), regs)
	}
	for i := 0; i < 1000; i++ {
		var padded []Operation
		for j := 0; j < 70; j++ {
			padded = append(padded, put(99, "pad", fmt.Sprint(j), int64(j-1000), int64(j-1000)))
		}
		padded = append(padded, randomKvHistory(r, 8)...)
		checkAgainstBruteForce(t, fmt.Sprintf("padded kv history %d", i), KvModel(), kvNoPartitionModel(padded), padded)
	}
}
