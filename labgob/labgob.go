package labgob

import (
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"unicode"
	"unicode/utf8"
)

// warnings is where mistakes are reported; tests replace it.
var warnings io.Writer = os.Stderr

// checker remembers which types have been walked and counts the mistakes found.
// mu protects every field.
var checker = struct {
	mu               sync.Mutex
	errorCount       int
	checked          map[reflect.Type]bool
	warnedNonDefault bool
}{checked: map[reflect.Type]bool{}}

// LabEncoder wraps a gob.Encoder and checks every type it encodes for
// unexported fields.
type LabEncoder struct {
	gob *gob.Encoder
}

// NewEncoder returns a LabEncoder that writes to w.
func NewEncoder(w io.Writer) *LabEncoder {
	return &LabEncoder{gob: gob.NewEncoder(w)}
}

// Encode checks v's type and then gob-encodes v.
func (e *LabEncoder) Encode(v interface{}) error {
	checkValue(v)
	return e.gob.Encode(v)
}

// EncodeValue checks v's type and then gob-encodes v.
func (e *LabEncoder) EncodeValue(v reflect.Value) error {
	if v.IsValid() {
		checkType(v.Type())
	}
	return e.gob.EncodeValue(v)
}

// LabDecoder wraps a gob.Decoder and checks every destination it decodes
// into, both for unexported fields and for non-zero values.
type LabDecoder struct {
	gob *gob.Decoder
}

// NewDecoder returns a LabDecoder that reads from r.
func NewDecoder(r io.Reader) *LabDecoder {
	return &LabDecoder{gob: gob.NewDecoder(r)}
}

// Decode checks v and then gob-decodes the next value into it.
func (d *LabDecoder) Decode(v interface{}) error {
	checkValue(v)
	checkDefault(v)
	return d.gob.Decode(v)
}

// Register records v's concrete type for use inside interface values, after
// checking it like Encode does.
func Register(v interface{}) {
	checkValue(v)
	gob.Register(v)
}

// RegisterName is Register with an explicit name for the type.
func RegisterName(name string, v interface{}) {
	checkValue(v)
	gob.RegisterName(name, v)
}

// ErrorCount reports how many mistakes (unexported fields, decoding into
// non-default values) the package has found so far in this process.
func ErrorCount() int {
	checker.mu.Lock()
	defer checker.mu.Unlock()
	return checker.errorCount
}

func checkValue(v interface{}) {
	if v == nil {
		return
	}
	checkType(reflect.TypeOf(v))
}

// checkType walks t once per process. gob silently ignores unexported
// struct fields, so a field a student forgot to capitalise simply never
// reaches the other peer or the disk: say so loudly instead.
func checkType(t reflect.Type) {
	if _, done := walked.Load(t); done {
		return // the common case, on every RPC: no lock
	}
	checker.mu.Lock()
	defer checker.mu.Unlock()
	walkType(t)
	walked.Store(t, true)
}

// walked holds the top-level types checkType has finished with, so that
// checking them again costs one lock-free lookup.
var walked sync.Map

// walkType expects checker.mu to be held.
func walkType(t reflect.Type) {
	if checker.checked[t] {
		return
	}
	checker.checked[t] = true
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			r, _ := utf8.DecodeRuneInString(f.Name)
			if !unicode.IsUpper(r) {
				fmt.Fprintf(warnings, "labgob error: lower-case field %v of %v in RPC or persist/snapshot will break your Raft\n",
					f.Name, t.String())
				checker.errorCount++
			}
			walkType(f.Type)
		}
	case reflect.Slice, reflect.Array, reflect.Ptr:
		walkType(t.Elem())
	case reflect.Map:
		walkType(t.Key())
		walkType(t.Elem())
	}
}

// checkDefault warns when a decode destination already holds non-zero
// values: gob does not overwrite a field whose encoded value is the zero
// value, so decoding into a reused variable can silently keep stale data.
func checkDefault(v interface{}) {
	if v == nil {
		return
	}
	found := nonDefault(reflect.ValueOf(v), 1)
	if !found {
		return
	}
	checker.mu.Lock()
	defer checker.mu.Unlock()
	checker.errorCount++
	if !checker.warnedNonDefault {
		checker.warnedNonDefault = true
		fmt.Fprintf(warnings, "labgob warning: Decoding into a non-default variable/field may not work\n")
	}
}

// nonDefault reports whether value holds a non-zero basic value within three
// levels of struct fields and non-nil pointers.
func nonDefault(value reflect.Value, depth int) bool {
	if depth > 3 {
		return false
	}
	switch value.Kind() {
	case reflect.Struct:
		found := false
		for i := 0; i < value.NumField(); i++ {
			if nonDefault(value.Field(i), depth+1) {
				found = true
			}
		}
		return found
	case reflect.Ptr:
		if value.IsNil() {
			return false
		}
		return nonDefault(value.Elem(), depth+1)
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return !value.IsZero()
	}
	return false
}
