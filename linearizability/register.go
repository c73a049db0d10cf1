package linearizability

import "fmt"

// RegisterOpKind is the kind of an operation on a compare-and-set register.
type RegisterOpKind uint8

// The operations of a compare-and-set register.
const (
	RegisterRead  RegisterOpKind = iota // read the value
	RegisterWrite                       // set the value to Value
	RegisterCas                         // if the value is Expected, set it to Value
)

// RegisterInput is the input of one operation on a compare-and-set
// register. Read uses no field, Write uses Value, Cas uses Expected and
// Value.
type RegisterInput struct {
	Kind     RegisterOpKind
	Expected int
	Value    int
}

// RegisterOutput is the output of one register operation. A read returns
// the value, or Nil when the register was never written. A cas reports in
// Ok whether the comparison succeeded (and so the write happened); a cas
// with Ok false asserts that the value was not Expected. Writes use no
// field.
type RegisterOutput struct {
	Value int
	Nil   bool
	Ok    bool
}

// RegisterModel returns the model of one compare-and-set register, the
// object of the Jepsen etcd tests. Inputs are RegisterInput, outputs
// RegisterOutput. The state is nil until the first write, then the int
// value. An operation that never returned may be any of its possible
// outcomes: a cas that never returned sets the value exactly when the
// value is Expected at the moment it takes effect.
func RegisterModel() Model {
	return Model{
		Init:              func() interface{} { return nil },
		Step:              registerStep,
		ReadOnly:          registerReadOnly,
		DescribeOperation: describeRegisterOperation,
		DescribeState:     describeRegisterState,
		DescribePartition: func([]Operation) string { return "register" },
	}
}

// registerStep is RegisterModel's Step.
func registerStep(state, input, output interface{}) (bool, interface{}) {
	in := input.(RegisterInput)
	out, returned := output.(RegisterOutput)
	switch in.Kind {
	case RegisterRead:
		if !returned {
			return true, state
		}
		if out.Nil {
			return state == nil, state
		}
		return state != nil && state.(int) == out.Value, state
	case RegisterWrite:
		return true, in.Value
	case RegisterCas:
		matches := state != nil && state.(int) == in.Expected
		if !returned {
			if matches {
				return true, in.Value
			}
			return true, state
		}
		if out.Ok {
			return matches, in.Value
		}
		return !matches, state
	}
	panic(fmt.Sprintf("linearizability: RegisterModel: unknown RegisterInput.Kind %d", in.Kind))
}

// registerReadOnly reports the operations that never change the register:
// reads, and compare-and-sets whose comparison failed.
func registerReadOnly(input, output interface{}) bool {
	in := input.(RegisterInput)
	out, returned := output.(RegisterOutput)
	return in.Kind == RegisterRead || in.Kind == RegisterCas && returned && !out.Ok
}

// describeRegisterOperation renders a register operation for the timeline.
func describeRegisterOperation(input, output interface{}) string {
	in := input.(RegisterInput)
	out, returned := output.(RegisterOutput)
	switch in.Kind {
	case RegisterRead:
		switch {
		case !returned:
			return "read() -> ?"
		case out.Nil:
			return "read() -> nil"
		}
		return fmt.Sprintf("read() -> %d", out.Value)
	case RegisterWrite:
		return fmt.Sprintf("write(%d)", in.Value)
	case RegisterCas:
		switch {
		case !returned:
			return fmt.Sprintf("cas(%d, %d) -> ?", in.Expected, in.Value)
		case out.Ok:
			return fmt.Sprintf("cas(%d, %d) -> ok", in.Expected, in.Value)
		}
		return fmt.Sprintf("cas(%d, %d) -> failed", in.Expected, in.Value)
	}
	return fmt.Sprintf("op%d", in.Kind)
}

// describeRegisterState renders a register state.
func describeRegisterState(state interface{}) string {
	if state == nil {
		return "nil"
	}
	return fmt.Sprintf("%d", state.(int))
}
