package linearizability

import (
	"fmt"
	"testing"
	"time"
)

// timeoutSlack is how late a check may return after its timeout: 10% of
// it, or 100 ms if that is more.
func timeoutSlack(timeout time.Duration) time.Duration {
	if timeout/10 > 100*time.Millisecond {
		return timeout / 10
	}
	return 100 * time.Millisecond
}

// pathologicalHistory has 8 keys, each a long sequential prefix (a deep
// stack) followed by concurrent appends that no order explains: every
// partition searches far longer than any test waits.
func pathologicalHistory() []Operation {
	var ops []Operation
	for k := 0; k < 8; k++ {
		key := fmt.Sprintf("k%d", k)
		for i := 0; i < 5000; i++ {
			ops = append(ops, put(100, key, "v", int64(2*i), int64(2*i+1)))
		}
		for _, op := range hardIllegalHistory(key, 24) {
			op.Call += 10000
			op.Return += 10000
			ops = append(ops, op)
		}
	}
	return ops
}

// slowStepModel is KvModel with a Step that takes about 0.2 ms.
func slowStepModel() Model {
	m := KvModel()
	step := m.Step
	m.Step = func(state, input, output interface{}) (bool, interface{}) {
		for t0 := time.Now(); time.Since(t0) < 200*time.Microsecond; {
		}
		return step(state, input, output)
	}
	return m
}

// TestTimeoutIsKept checks that a check with a 200 ms timeout on a
// pathological history returns Unknown no earlier than the timeout and no
// later than timeoutSlack after it, with a fast model on eight hard
// partitions and with a slow model (1024 of its steps take 200 ms).
func TestTimeoutIsKept(t *testing.T) {
	const timeout = 200 * time.Millisecond
	cases := []struct {
		name string
		m    Model
		ops  []Operation
	}{
		{"hard partitions", KvModel(), pathologicalHistory()},
		{"slow steps", slowStepModel(), hardIllegalHistory("k", 24)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			res, _ := CheckOperationsVerbose(c.m, c.ops, timeout)
			took := time.Since(start)
			t.Logf("%v timeout returned %s after %v", timeout, res, took)
			if res != Unknown {
				t.Fatalf("got %s, want Unknown", res)
			}
			if took < timeout || took > timeout+timeoutSlack(timeout) {
				t.Fatalf("a %v timeout returned after %v: want between %v and %v", timeout, took, timeout, timeout+timeoutSlack(timeout))
			}
		})
	}
}
