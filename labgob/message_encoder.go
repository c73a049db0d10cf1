package labgob

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"sync"
	"sync/atomic"
)

// A fresh gob Encoder writes the definitions of a value's types before the
// value, and building them costs far more than encoding a small value; a
// fresh Decoder then compiles an engine for each. EncodeMessage keeps, for
// each top-level type and each set of concrete types found in the value's
// interface fields (a log entry's command), a pool of encoders that have
// already sent the definitions of all of them, and the bytes of those
// definitions. Such an encoder writes only the value; the message is the
// definitions followed by the value, which any Decoder reads on its own.
//
// Without interface values the message is byte for byte what a fresh
// Encoder writes (gob assigns type ids once per process). With them it holds
// the same definitions, but up front rather than inside the value where a
// fresh Encoder puts them: so decoders primed with the definitions
// (DecodeMessage) read any later message of the same shape without a
// definition they already hold, which would be an error.

// encoderKey names a shape of message: the top-level type and, in the order
// first met, the distinct concrete types of its interface values.
type encoderKey [1 + maxConcreteTypes]reflect.Type

// maxConcreteTypes is how many distinct concrete types inside interface
// values a message may hold and still take the primed path.
const maxConcreteTypes = 4

// keyedEncoders holds the primed encoders of one message shape.
type keyedEncoders struct {
	defs []byte // the shape's type definitions, as gob writes them
	pool sync.Pool
}

// primedEncoder is a gob Encoder that has sent one shape's definitions,
// writing into a buffer that is emptied before each message.
type primedEncoder struct {
	out bytes.Buffer
	enc *gob.Encoder
}

// encodersByKey maps an encoderKey to its *keyedEncoders, or to nil when
// priming failed (such shapes take the fresh path). shapes counts its keys:
// past maxPrimedPools (real programs send a handful of shapes), new shapes
// take the fresh path rather than grow it without bound.
var (
	encodersByKey sync.Map
	shapes        atomic.Int64
)

// encodeWithPrimed encodes v with a primed encoder of its shape, and reports
// false if it has none.
func encodeWithPrimed(v interface{}) ([]byte, bool, error) {
	key, ok := shapeOf(v)
	if !ok {
		return nil, false, nil
	}
	ke := encodersFor(key)
	if ke == nil {
		return nil, false, nil
	}
	pe, _ := ke.pool.Get().(*primedEncoder)
	if pe == nil {
		pe, _ = primeEncoder(key)
	}
	pe.out.Reset()
	if err := pe.enc.Encode(v); err != nil {
		return nil, true, err // the encoder's state is unknown: not pooled
	}
	value := pe.out.Bytes()
	msg := make([]byte, len(ke.defs)+len(value))
	copy(msg, ke.defs)
	copy(msg[len(ke.defs):], value)
	ke.pool.Put(pe)
	return msg, true, nil
}

// encodersFor returns the primed encoders of key, priming the first on first
// use.
func encodersFor(key encoderKey) *keyedEncoders {
	if ke, ok := encodersByKey.Load(key); ok {
		return ke.(*keyedEncoders)
	}
	if shapes.Load() >= maxPrimedPools {
		return nil
	}
	var ke *keyedEncoders // nil: the fresh path
	if pe, defs := primeEncoder(key); pe != nil {
		ke = &keyedEncoders{defs: defs}
		ke.pool.Put(pe)
	}
	actual, loaded := encodersByKey.LoadOrStore(key, ke)
	if !loaded {
		shapes.Add(1)
	}
	return actual.(*keyedEncoders)
}

// primeEncoder returns a new encoder that has sent the definitions of every
// type of key, and those definitions; nil if a type's zero value cannot be
// encoded or its definitions cannot be told from the value.
func primeEncoder(key encoderKey) (*primedEncoder, []byte) {
	pe := &primedEncoder{}
	pe.enc = gob.NewEncoder(&pe.out)
	var defs []byte
	for _, t := range key {
		if t == nil {
			break
		}
		zero := reflect.Zero(t)
		if t.Kind() == reflect.Pointer {
			zero = reflect.New(t.Elem()) // gob refuses a nil pointer
		}
		pe.out.Reset()
		if err := pe.enc.EncodeValue(zero); err != nil {
			return nil, nil
		}
		n, ok := typeDefinitionsLen(pe.out.Bytes())
		if !ok {
			return nil, nil
		}
		defs = append(defs, pe.out.Bytes()[:n]...)
	}
	return pe, defs
}
