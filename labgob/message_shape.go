package labgob

import (
	"encoding"
	"encoding/gob"
	"reflect"
	"sync"
)

// shapeOf returns v's encoderKey: its type and the concrete types held in
// its interface values, wherever gob would encode them. It reports false for
// a nil v and for a value with more than maxConcreteTypes of them.
func shapeOf(v interface{}) (encoderKey, bool) {
	var key encoderKey
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return key, false
	}
	key[0] = rv.Type()
	w := shapeWalk{key: &key, n: 1}
	return key, w.walk(rv)
}

// shapeWalk collects the concrete types of interface values into key[1:n].
type shapeWalk struct {
	key *encoderKey
	n   int
}

// walk visits what gob encodes of v, where an interface value may be.
func (w *shapeWalk) walk(v reflect.Value) bool {
	fields, may := interfacePaths(v.Type())
	if !may {
		return true
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return true
		}
		return w.add(v.Elem().Type()) && w.walk(v.Elem())
	case reflect.Pointer:
		return v.IsNil() || w.walk(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if !w.walk(v.Index(i)) {
				return false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if !w.walk(it.Key()) || !w.walk(it.Value()) {
				return false
			}
		}
	case reflect.Struct:
		for _, i := range fields {
			if !w.walk(v.Field(i)) {
				return false
			}
		}
	}
	return true
}

// add records t unless it is there already; false if the key is full.
func (w *shapeWalk) add(t reflect.Type) bool {
	for _, have := range w.key[1:w.n] {
		if have == t {
			return true
		}
	}
	if w.n == len(w.key) {
		return false
	}
	w.key[w.n] = t
	w.n++
	return true
}

// interfaceInfo says whether a type's values may hold an interface value
// that gob encodes and, for a struct, which fields may.
type interfaceInfo struct {
	may    bool
	fields []int
}

// interfaceInfos caches interfaceInfo by reflect.Type.
var interfaceInfos sync.Map

// interfacePaths returns whether values of t may hold an interface value
// that gob encodes, and for a struct the indices of the fields that may.
func interfacePaths(t reflect.Type) ([]int, bool) {
	if info, ok := interfaceInfos.Load(t); ok {
		return info.(*interfaceInfo).fields, info.(*interfaceInfo).may
	}
	info := computeInterfaceInfo(t, map[reflect.Type]bool{})
	interfaceInfos.Store(t, info)
	return info.fields, info.may
}

var (
	gobEncoderType    = reflect.TypeOf((*gob.GobEncoder)(nil)).Elem()
	binaryMarshalType = reflect.TypeOf((*encoding.BinaryMarshaler)(nil)).Elem()
	textMarshalType   = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// marshalsItself reports whether gob encodes t through its own methods
// rather than field by field.
func marshalsItself(t reflect.Type) bool {
	for _, m := range []reflect.Type{gobEncoderType, binaryMarshalType, textMarshalType} {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	return false
}

// computeInterfaceInfo works out t's interfaceInfo; inProgress guards
// against recursive types (a type met again adds nothing new).
func computeInterfaceInfo(t reflect.Type, inProgress map[reflect.Type]bool) *interfaceInfo {
	info := &interfaceInfo{}
	if inProgress[t] || (t.Kind() != reflect.Interface && marshalsItself(t)) {
		return info
	}
	inProgress[t] = true
	defer delete(inProgress, t)
	switch t.Kind() {
	case reflect.Interface:
		info.may = true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		info.may = computeInterfaceInfo(t.Elem(), inProgress).may
	case reflect.Map:
		info.may = computeInterfaceInfo(t.Key(), inProgress).may || computeInterfaceInfo(t.Elem(), inProgress).may
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && computeInterfaceInfo(f.Type, inProgress).may {
				info.fields = append(info.fields, i)
			}
		}
		info.may = len(info.fields) > 0
	}
	return info
}
