// Package latency holds what the load generators share to summarise the
// latencies they measured: merging per-client samples and percentiles.
package latency

import (
	"sort"
	"time"
)

// Merge returns every sample of every client, sorted.
func Merge(samples [][]time.Duration) []time.Duration {
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return all
}

// Percentile returns the sample at fraction p (0 to 1) of sorted, the
// nearest-rank way; 0 for no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(p*float64(len(sorted)-1))]
}
