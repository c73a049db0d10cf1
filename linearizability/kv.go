package linearizability

import "fmt"

// KvInput is the input of one operation on a key/value store.
type KvInput struct {
	Op    uint8 // KvGet, KvPut or KvAppend
	Key   string
	Value string // the value put or appended; unused by get
}

// KvOutput is the output of one key/value operation: the value a get
// returned (unused for put and append).
type KvOutput struct {
	Value string
}

// The operations of KvInput.Op.
const (
	KvGet    uint8 = 0
	KvPut    uint8 = 1
	KvAppend uint8 = 2
)

// KvModel returns the model of the lab key/value service: every key holds
// a string, initially ""; get returns it, put replaces it, append adds to
// its end. Inputs are KvInput and outputs KvOutput. Keys are independent,
// so the model partitions a history by key and its state is the string of
// one key. An operation that never returned may be any of its possible
// outcomes.
func KvModel() Model {
	return Model{
		Partition:         partitionByKey,
		PartitionEvent:    partitionEventsByKey,
		Init:              func() interface{} { return "" },
		Step:              kvStep,
		Equal:             func(a, b interface{}) bool { return a.(string) == b.(string) },
		Hash:              func(s interface{}) uint64 { return HashString(s.(string)) },
		ReadOnly:          func(input, _ interface{}) bool { return input.(KvInput).Op == KvGet },
		DescribeOperation: describeKvOperation,
		DescribeState:     func(s interface{}) string { return fmt.Sprintf("%q", s) },
		DescribePartition: describeKvPartition,
	}
}

// kvStep is KvModel's Step: state is the value of the partition's key.
func kvStep(state, input, output interface{}) (bool, interface{}) {
	in := input.(KvInput)
	st := state.(string)
	switch in.Op {
	case KvGet:
		if _, unreturned := output.(Unreturned); unreturned {
			return true, state
		}
		return output.(KvOutput).Value == st, state
	case KvPut:
		return true, in.Value
	case KvAppend:
		return true, st + in.Value
	}
	panic(fmt.Sprintf("linearizability: KvModel: unknown KvInput.Op %d", in.Op))
}

// partitionByKey splits a KV history into one sub-history per key, keys
// in order of first appearance.
func partitionByKey(history []Operation) [][]Operation {
	index := map[string]int{}
	var parts [][]Operation
	for _, op := range history {
		key := op.Input.(KvInput).Key
		p, ok := index[key]
		if !ok {
			p = len(parts)
			index[key] = p
			parts = append(parts, nil)
		}
		parts[p] = append(parts[p], op)
	}
	return parts
}

// partitionEventsByKey is partitionByKey for events: a return event goes
// where its call went. A return whose call is missing is kept in a
// partition of its own, so that validation reports it.
func partitionEventsByKey(history []Event) [][]Event {
	index := map[string]int{}
	partOfId := map[uint]int{}
	var parts [][]Event
	for _, e := range history {
		p, ok := partOfId[e.Id]
		if e.Kind == CallEvent {
			key := e.Value.(KvInput).Key
			if p, ok = index[key]; !ok {
				p = len(parts)
				index[key] = p
				parts = append(parts, nil)
			}
			partOfId[e.Id] = p
		} else if !ok {
			p = len(parts)
			parts = append(parts, nil)
		}
		parts[p] = append(parts[p], e)
	}
	return parts
}

// describeKvOperation renders a KV operation for the timeline.
func describeKvOperation(input, output interface{}) string {
	in := input.(KvInput)
	switch in.Op {
	case KvGet:
		if out, ok := output.(KvOutput); ok {
			return fmt.Sprintf("get(%q) -> %q", in.Key, out.Value)
		}
		return fmt.Sprintf("get(%q) -> ?", in.Key)
	case KvPut:
		return fmt.Sprintf("put(%q, %q)", in.Key, in.Value)
	case KvAppend:
		return fmt.Sprintf("append(%q, %q)", in.Key, in.Value)
	}
	return fmt.Sprintf("op%d(%q, %q)", in.Op, in.Key, in.Value)
}

// describeKvPartition names a KV partition by its key.
func describeKvPartition(history []Operation) string {
	if len(history) == 0 {
		return "no operations"
	}
	return fmt.Sprintf("key %q", history[0].Input.(KvInput).Key)
}
