package linearizability

import (
	"reflect"
	"sort"
)

// Pruning rules the search adds to Wing & Gong's algorithm and Lowe's
// cache. Each removes choices that cannot lead to a linearization the
// search would not find another way, and each depends only on the
// configuration (set of linearized operations and state), so they are
// compatible with the cache. The differential tests against a brute-force
// checker (differential_test.go) are their judge.

// worthLinearizingUnreturned prunes choices of an operation that never
// returned which cannot lead to a linearization the search would not find
// otherwise (such an operation may be left out entirely):
//   - If it would not change the state (same), leave it out: any
//     linearization using it here is still one without it.
//   - If an identical unreturned operation (same input) was called earlier
//     and is not yet linearized, use that one instead: the earlier one can
//     take effect anywhere the later one can, with the same effect, so
//     identical unreturned operations need only be tried in call order.
//
// Both rules depend only on the configuration (linearized set and state),
// so they are compatible with the cache.
func (s *searcher) worthLinearizingUnreturned(op int32, same bool) bool {
	if twin := s.earlierTwin[op]; twin >= 0 && !s.bits.has(int(twin)) {
		return false
	}
	return !same
}

// findForced computes searcher.forced: the operations that returned and
// that the model's ReadOnly says never change the state.
func (s *searcher) findForced(m Model, ops []Operation) {
	s.forced = make([]bool, len(ops))
	if m.ReadOnly == nil {
		return
	}
	s.calling = callReadOnly
	for i, op := range ops {
		s.atOp = int32(i)
		s.forced[i] = op.Return != NeverReturned && m.ReadOnly(op.Input, op.Output)
	}
	s.calling, s.atOp = callNone, -1
}

// findEarlierTwins computes searcher.earlierTwin. Twins have the same
// input, and the same output too when the model sees the recorded output
// of unreturned operations (withOutput). Inputs or outputs whose type is
// not comparable have no twins.
func findEarlierTwins(ops []Operation, withOutput bool) []int32 {
	twinKey := func(op Operation) interface{} {
		if withOutput {
			return [2]interface{}{op.Input, op.Output}
		}
		return op.Input
	}
	twins := make([]int32, len(ops))
	order := make([]int, 0, len(ops))
	for i, op := range ops {
		twins[i] = -1
		if op.Return == NeverReturned && isComparable(op.Input) && (!withOutput || isComparable(op.Output)) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return ops[order[a]].Call < ops[order[b]].Call })
	latest := make(map[interface{}]int32, len(order))
	for _, i := range order {
		key := twinKey(ops[i])
		if prev, ok := latest[key]; ok {
			twins[i] = prev
		}
		latest[key] = int32(i)
	}
	return twins
}

// isComparable reports whether v can be a map key without panicking.
func isComparable(v interface{}) bool {
	return v == nil || reflect.ValueOf(v).Comparable()
}
