package latency

import (
	"testing"
	"time"
)

func TestMergeAndPercentile(t *testing.T) {
	all := Merge([][]time.Duration{{5, 1}, {3}, nil, {4, 2}})
	for i, d := range all {
		if d != time.Duration(i+1) {
			t.Fatalf("Merge = %v, want 1..5 in order", all)
		}
	}
	cases := []struct {
		p    float64
		want time.Duration
	}{{0, 1}, {0.5, 3}, {0.99, 4}, {1, 5}}
	for _, c := range cases {
		if got := Percentile(all, c.p); got != c.want {
			t.Errorf("Percentile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if Percentile(nil, 0.5) != 0 {
		t.Error("Percentile of no samples is not 0")
	}
}
