package linearizability

import (
	"math/bits"
	"runtime"
	"sort"
	"sync/atomic"
)

// The search is Wing & Gong's backtracking search for a linearization
// ("Testing and verifying concurrent objects", 1993) with Lowe's
// memoisation ("Testing for linearizability", 2017):
//
//   - The history is a list of call and return entries in time order. The
//     search walks it from the front. At a call entry it tries to
//     linearize that operation next: if the model accepts it, the call and
//     its return are lifted out of the list and the walk restarts from the
//     front. Reaching a return entry means that operation should have been
//     linearized already, so the search backtracks: it undoes the last
//     choice and moves on to the entry after that operation's call.
//   - Lowe's cache remembers every (set of linearized operations, model
//     state) configuration reached; reaching one again cannot lead anywhere
//     new, so it is skipped. This turns an exponential search into one that
//     is fast on the histories real systems produce.
//
// Operations that never returned have no return entry, so nothing ever
// forces them to be linearized; the search succeeds as soon as every
// operation that did return is linearized.
//
// Beyond the published algorithm, three pruning rules (prune.go): an
// unreturned operation is skipped where it would not change the state,
// identical unreturned operations are tried in call order only, and a
// read-only operation (Model.ReadOnly) that may go next and is accepted is
// not a choice: it goes next. On the Jepsen etcd histories, full of
// timed-out writes and cas, the first two cut the search by one to two
// orders of magnitude; the third helps read-heavy histories.
//
// Implementation notes, all for speed: the list is a doubly linked list in
// two int32 slices (dancing links: lift and unlift are O(1)); the set of
// linearized operations is a bitset whose hash is kept incrementally as the
// xor of a random key per operation; a state's hash is computed once, when
// the state is reached, and reused when a step leaves the state unchanged;
// the cache (cache.go) is an open-addressing table keyed by a hash of
// (bitset, state hash) that checks real equality on a hash match; the
// stack is explicit, so depth is limited only by memory; inputs and
// outputs are unpacked once, before the search; and the search yields the
// processor every cancelCheckInterval steps, so that partitions share the
// cores fairly.

// yieldInterval is how many search steps pass between two yields of the
// processor (see cancelled).
const yieldInterval = 1 << 10

// searcher holds the state of the search over one partition.
type searcher struct {
	step    func(state, input, output interface{}) (bool, interface{})
	equal   func(a, b interface{}) bool
	hash    func(state interface{}) uint64
	inputs  []interface{}
	outputs []interface{}
	// returned[i] is false for an operation that never returned.
	returned []bool
	// earlierTwin[i] is the latest unreturned operation called before i
	// with the same input, or -1; only set for unreturned operations.
	earlierTwin []int32
	// forced[i] says operation i returned and the model's ReadOnly says it
	// never changes the state. Such an operation, once it may go next and
	// the model accepts it, goes next: if any linearization of the rest
	// exists, one with it first does (it can be moved forward to here: it
	// must follow nothing that is not linearized yet, and it changes no
	// state on the way). So it is not a choice, and the search does not
	// try the alternatives to it.
	forced      []bool
	numReturned int
	next, prev  []int32 // the entry list; node 0 is the sentinel
	keys        []uint64
	bits        bitset
	cache       linCache
	stack       []frame
	cur         config // the configuration reached
	linearized  int    // returned operations currently linearized
	longest     []int  // longest partial linearization so far
	// agree is how many frames at the bottom of the stack are the start
	// of longest, so that recording a longer one copies only the rest:
	// copying the whole stack each time made a long sequential history
	// quadratic.
	agree          int
	cancel         *atomic.Bool
	stepsTillYield int
	// ops is the partition; atOp is the operation being worked on (-1
	// if none) and calling the model function running (callNone if none), to
	// name them if the model panics.
	ops     []Operation
	atOp    int32
	calling modelCall
}

// modelCall names the model function the search is running. It is a
// number, not a string, because it is stored several times per step: a
// string holds a pointer, and storing a pointer costs a write barrier
// while the garbage collector runs.
type modelCall uint8

const (
	callNone modelCall = iota
	callInit
	callStep
	callEqual
	callHash
	callReadOnly
)

// String returns the name of the Model field.
func (c modelCall) String() string {
	return [...]string{"none", "Init", "Step", "Equal", "Hash", "ReadOnly"}[c]
}

// frame records one linearized operation and the configuration before it.
type frame struct {
	op     int32
	forced bool
	before config
}

// callNode and returnNode name the list nodes of operation i.
func callNode(i int32) int32   { return 2*i + 1 }
func returnNode(i int32) int32 { return 2*i + 2 }

// opOfNode returns the operation a list node belongs to, and whether the
// node is its call.
func opOfNode(n int32) (int32, bool) { return (n - 1) / 2, n%2 == 1 }

// newSearcher allocates the search over ops (one partition); prepare,
// which calls the model, completes it.
func newSearcher(m Model, ops []Operation, cancel *atomic.Bool) *searcher {
	n := len(ops)
	s := &searcher{
		step:     m.Step,
		equal:    m.Equal,
		hash:     stateHasher(m),
		inputs:   make([]interface{}, n),
		outputs:  make([]interface{}, n),
		returned: make([]bool, n),
		keys:     make([]uint64, n),
		bits:     newBitset(n),
		cancel:   cancel,
		ops:      ops,
		atOp:     -1,
	}
	if s.equal == nil {
		s.equal = defaultEqual
	}
	s.cache = newLinCache(len(s.bits), cancel)
	s.stepsTillYield = yieldInterval
	return s
}

// prepare completes the searcher over ops with what the model says about
// them. It records which model function runs on which operation, so that
// a panic can be reported (see checkPartition).
func (s *searcher) prepare(m Model, ops []Operation) {
	for i, op := range ops {
		s.inputs[i] = op.Input
		s.outputs[i] = op.Output
		s.returned[i] = op.Return != NeverReturned
		if s.returned[i] {
			s.numReturned++
		}
		s.keys[i] = splitmix64(uint64(i) + 0x9e3779b97f4a7c15)
	}
	s.calling = callInit
	init := m.Init()
	s.calling = callHash
	s.cur = config{state: init, stateHash: s.hash(init), highest: -1}
	s.calling = callNone
	s.earlierTwin = findEarlierTwins(ops, m.KeepUnreturnedOutput)
	s.findForced(m, ops)
	s.buildList(ops)
}

// buildList links the call and return entries of ops in time order. At
// equal times calls come first, so that operations touching at one instant
// count as concurrent.
func (s *searcher) buildList(ops []Operation) {
	nodes := make([]int32, 0, 2*len(ops))
	for i, op := range ops {
		nodes = append(nodes, callNode(int32(i)))
		if op.Return != NeverReturned {
			nodes = append(nodes, returnNode(int32(i)))
		}
	}
	timeOf := func(n int32) int64 {
		i, isCall := opOfNode(n)
		if isCall {
			return ops[i].Call
		}
		return ops[i].Return
	}
	sort.SliceStable(nodes, func(a, b int) bool {
		ta, tb := timeOf(nodes[a]), timeOf(nodes[b])
		if ta != tb {
			return ta < tb
		}
		return nodes[a]%2 == 1 && nodes[b]%2 == 0 // call before return
	})
	s.next = make([]int32, 2*len(ops)+1)
	s.prev = make([]int32, 2*len(ops)+1)
	last := int32(0)
	for _, n := range nodes {
		s.next[last] = n
		s.prev[n] = last
		last = n
	}
	s.next[last] = 0
	s.prev[0] = last
}

// lift removes operation i's entries from the list (dancing links).
func (s *searcher) lift(i int32) {
	c := callNode(i)
	s.next[s.prev[c]] = s.next[c]
	s.prev[s.next[c]] = s.prev[c]
	if s.returned[i] {
		r := returnNode(i)
		s.next[s.prev[r]] = s.next[r]
		s.prev[s.next[r]] = s.prev[r]
	}
}

// unlift puts operation i's entries back, undoing lift(i); lifts must be
// undone in reverse order.
func (s *searcher) unlift(i int32) {
	if s.returned[i] {
		r := returnNode(i)
		s.next[s.prev[r]] = r
		s.prev[s.next[r]] = r
	}
	c := callNode(i)
	s.next[s.prev[c]] = c
	s.prev[s.next[c]] = c
}

// cancelled reports whether the search must stop. It reads the flag at
// every step (an atomic load costs about as much as a plain one), so the
// search stops one step after a timeout however slow the steps are: it
// used to look every 1024 steps, and a slow step made a 10 s timeout
// return at 11.1 s. Every yieldInterval steps it also yields the
// processor.
func (s *searcher) cancelled() bool {
	s.stepsTillYield--
	if s.stepsTillYield <= 0 {
		s.stepsTillYield = yieldInterval
		// Let the searches of other partitions run: the Go scheduler would
		// only preempt this one after 10ms, and a small Illegal partition
		// should not wait that long behind large legal ones.
		runtime.Gosched()
	}
	return s.cancel.Load()
}

// run searches for a linearization: Ok if one exists, Illegal if none,
// Unknown if cancelled first.
func (s *searcher) run() CheckResult {
	if s.numReturned == 0 {
		return Ok
	}
	cur := s.next[0]
	for {
		if s.cancelled() {
			return Unknown
		}
		if cur == 0 {
			panic("linearizability: internal error: walked off the end of the history")
		}
		op, isCall := opOfNode(cur)
		if !isCall {
			// The return of an operation not yet linearized: backtrack.
			var more bool
			if cur, more = s.backtrack(); !more {
				return Illegal
			}
			continue
		}
		ok, next := s.stepOp(op)
		if !ok {
			cur = s.next[cur]
			continue
		}
		if !s.tryLinearize(op, next) {
			if !s.forced[op] {
				cur = s.next[cur]
				continue
			}
			// A forced operation leads to an explored configuration:
			// this one has no linearization either.
			var more bool
			if cur, more = s.backtrack(); !more {
				return Illegal
			}
			continue
		}
		if s.linearized == s.numReturned {
			s.recordLongest()
			return Ok
		}
		if len(s.stack) > len(s.longest) {
			s.recordLongest()
		}
		cur = s.next[0]
	}
}

// stepOp asks the model whether op may go next from the current state,
// and to what state. The model functions that follow on op (Equal, Hash)
// are then named as working on it too if they panic.
func (s *searcher) stepOp(op int32) (bool, interface{}) {
	s.atOp, s.calling = op, callStep
	ok, next := s.step(s.cur.state, s.inputs[op], s.outputs[op])
	s.calling = callNone
	return ok, next
}

// backtrack undoes linearized operations up to the last choice that has
// alternatives left and returns the list node to go on from; false means
// there is none: no linearization exists. A forced operation was not a
// choice (see forced), so undoing it undoes the step before it too.
func (s *searcher) backtrack() (int32, bool) {
	for len(s.stack) > 0 {
		op, wasForced := s.undoLast()
		if !wasForced {
			return s.next[callNode(op)], true
		}
	}
	return 0, false
}

// config is a configuration of the search: the model state reached, the
// hashes of the state and of the set of linearized operations, and the
// lowest operation not linearized and highest linearized (-1 if none),
// which bound the set's window in the cache (see linSet).
type config struct {
	state     interface{}
	stateHash uint64
	bitsHash  uint64
	lowest    int32
	highest   int32
}

// tryLinearize linearizes op next, moving to state next, unless the move
// is pruned or leads to a configuration already explored; it reports
// whether it did.
func (s *searcher) tryLinearize(op int32, next interface{}) bool {
	s.calling = callEqual
	same := s.equal(s.cur.state, next)
	s.calling = callNone
	if !s.returned[op] && !s.worthLinearizingUnreturned(op, same) {
		return false
	}
	if s.forced[op] && !same {
		s.calling = callReadOnly
		panic("ReadOnly says this operation never changes the state, but Step changed it")
	}
	nextHash := s.cur.stateHash
	if !same {
		s.calling = callHash
		nextHash = s.hash(next)
	}
	bitsHash := s.cur.bitsHash ^ s.keys[op]
	s.bits.set(int(op))
	set := s.setWith(op)
	s.calling = callEqual // the cache compares states on a hash match
	isNew := s.cache.add(mix64(bitsHash)^nextHash, set, next, s.equal)
	s.calling = callNone
	if !isNew {
		s.bits.clear(int(op))
		return false
	}
	s.stack = append(s.stack, frame{op: op, forced: s.forced[op], before: s.cur})
	s.cur = config{state: next, stateHash: nextHash, bitsHash: bitsHash, lowest: set.lowest, highest: set.highest}
	s.notePush(op)
	s.lift(op)
	if s.returned[op] {
		s.linearized++
	}
	return true
}

// undoLast takes back the last linearized operation and returns it, and
// whether it was forced.
func (s *searcher) undoLast() (int32, bool) {
	top := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	if s.agree > len(s.stack) {
		s.agree = len(s.stack)
	}
	s.cur = top.before
	s.bits.clear(int(top.op))
	s.unlift(top.op)
	if s.returned[top.op] {
		s.linearized--
	}
	return top.op, top.forced
}

// setWith returns the set of linearized operations once op, just added
// to s.bits, is in it.
func (s *searcher) setWith(op int32) linSet {
	set := linSet{bits: s.bits, lowest: s.cur.lowest, highest: s.cur.highest}
	if op > set.highest {
		set.highest = op
	}
	if op == set.lowest {
		set.lowest = int32(s.bits.firstClear(int(op)))
		if n := int32(len(s.keys)); set.lowest > n {
			set.lowest = n
		}
	}
	return set
}

// notePush keeps agree up to date when op has just been pushed.
func (s *searcher) notePush(op int32) {
	depth := len(s.stack) - 1
	if s.agree == depth && depth < len(s.longest) && s.longest[depth] == int(op) {
		s.agree++
	}
}

// recordLongest makes the current stack the longest partial
// linearization, copying only the frames past the part that agrees. Each
// frame is copied at most once per push, so recording is linear overall.
func (s *searcher) recordLongest() {
	s.longest = s.longest[:s.agree]
	for _, f := range s.stack[s.agree:] {
		s.longest = append(s.longest, int(f.op))
	}
	s.agree = len(s.stack)
}

// bitset is a set of operation indices.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) set(i int)      { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) clear(i int)    { b[i/64] &^= 1 << (uint(i) % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(uint(i)%64)) != 0 }

// firstClear returns the lowest index >= from that is not in b; it is
// 64*len(b) or more when there is none.
func (b bitset) firstClear(from int) int {
	w := from / 64
	if w >= len(b) {
		return from
	}
	free := ^b[w] >> (uint(from) % 64) << (uint(from) % 64) // ignore bits below from
	for free == 0 {
		w++
		if w == len(b) {
			return 64 * w
		}
		free = ^b[w]
	}
	return 64*w + bits.TrailingZeros64(free)
}

// equal reports whether b's words are the first len(b) words of o.
func (b bitset) equal(o []uint64) bool {
	for i, w := range b {
		if o[i] != w {
			return false
		}
	}
	return true
}
