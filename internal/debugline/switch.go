package debugline

import (
	"os"
	"sync"
)

// Switch is the environment variable that turns a package's debug lines
// on: anything but "" or "0". It is read at the first line rather than at
// package init: go test records the variables a test reads only once the
// test has started, and keys its cache on them, so a run with the variable
// set is never answered from the cache of a plain run.
type Switch struct {
	name string
	once sync.Once
	on   bool
}

// NewSwitch returns the switch read from the environment variable name.
func NewSwitch(name string) *Switch {
	return &Switch{name: name}
}

// On reports whether the switch's variable asks for debug lines.
func (s *Switch) On() bool {
	s.once.Do(func() { s.on = Enabled(os.Getenv(s.name)) })
	return s.on
}

// Enabled reports whether v, the value of a switch's variable, turns debug
// lines on.
func Enabled(v string) bool {
	return v != "" && v != "0"
}
