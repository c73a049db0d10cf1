package labgob

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"sync"
)

// EncodeMessage encodes v as one self-contained message, type definitions
// included, so that DecodeMessage (or a fresh Decoder) can decode it on its
// own. labrpc sends every argument and reply this way. It reuses encoders
// that have already built the definitions (message_encoder.go): the bytes
// are those of a fresh Encoder, except that the definitions of types held in
// interface values come before the value instead of inside it.
func EncodeMessage(v interface{}) ([]byte, error) {
	checkValue(v)
	if msg, primed, err := encodeWithPrimed(v); primed {
		return msg, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeMessage decodes one message made by EncodeMessage into v, with the
// same checks as Decode. It gives the result a fresh Decoder would give, but
// faster: a fresh gob Decoder compiles a decoding engine for every type
// definition it receives, which costs far more than decoding a small value.
// So DecodeMessage keeps decoders that have already received a given
// sequence of type definitions and feeds them only the value that follows
// the same sequence in a later message. Gob assigns type ids once per
// process, so equal definition bytes mean equal types.
func DecodeMessage(data []byte, v interface{}) error {
	checkValue(v)
	checkDefault(v)
	n, ok := typeDefinitionsLen(data)
	if !ok || n == 0 {
		return gob.NewDecoder(bytes.NewReader(data)).Decode(v)
	}
	pool := primedPool(data[:n])
	if pd, _ := pool.Get().(*primedDecoder); pd != nil {
		saved := saveValue(v)
		pd.src.Reset(data[n:])
		if err := pd.dec.Decode(v); err == nil && pd.src.Len() == 0 {
			pool.Put(pd)
			return nil
		}
		// Not what we expected (it should not happen): forget this decoder
		// and decode from scratch what the caller gave us.
		restoreValue(v, saved)
	}
	pd := &primedDecoder{}
	pd.src.Reset(data)
	pd.dec = gob.NewDecoder(&pd.src)
	err := pd.dec.Decode(v)
	if err == nil && pd.src.Len() == 0 {
		pool.Put(pd)
	}
	return err
}

// primedDecoder is a gob Decoder that has received some type definitions,
// reading from a source that can be pointed at the next message. bytes.Reader
// is an io.ByteReader, so the Decoder reads from it without buffering ahead.
type primedDecoder struct {
	src bytes.Reader
	dec *gob.Decoder
}

// maxPrimedPools bounds the cache; real programs send a handful of
// distinct type-definition sequences.
const maxPrimedPools = 4096

var primed = struct {
	mu    sync.Mutex // protects pools
	pools map[string]*sync.Pool
}{pools: map[string]*sync.Pool{}}

// primedPool returns the pool of decoders primed with definitions defs.
func primedPool(defs []byte) *sync.Pool {
	primed.mu.Lock()
	defer primed.mu.Unlock()
	if p, ok := primed.pools[string(defs)]; ok {
		return p
	}
	if len(primed.pools) >= maxPrimedPools {
		primed.pools = map[string]*sync.Pool{}
	}
	p := &sync.Pool{}
	primed.pools[string(defs)] = p
	return p
}

// typeDefinitionsLen returns the length of the type-definition messages at
// the start of a gob stream. Each gob message is a byte count followed by
// that many bytes, which start with a signed type id: negative for a type
// definition, positive for a value.
func typeDefinitionsLen(data []byte) (int, bool) {
	pos := 0
	for pos < len(data) {
		count, n, ok := gobUint(data[pos:])
		if !ok || count > uint64(len(data)-pos-n) {
			return 0, false
		}
		id, _, ok := gobUint(data[pos+n:])
		if !ok {
			return 0, false
		}
		if id&1 == 0 { // a non-negative id: the value begins here
			return pos, true
		}
		pos += n + int(count)
	}
	return 0, false
}

// gobUint decodes gob's unsigned integer: one byte below 128, else a byte
// holding minus the length of the big-endian number that follows.
func gobUint(b []byte) (uint64, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] < 0x80 {
		return uint64(b[0]), 1, true
	}
	n := -int(int8(b[0]))
	if n <= 0 || n > 8 || len(b) < 1+n {
		return 0, 0, false
	}
	var x uint64
	for _, c := range b[1 : 1+n] {
		x = x<<8 | uint64(c)
	}
	return x, 1 + n, true
}

// saveValue and restoreValue keep a shallow copy of what v points to.
func saveValue(v interface{}) reflect.Value {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Ptr || rv.IsNil() {
		return reflect.Value{}
	}
	saved := reflect.New(rv.Elem().Type()).Elem()
	saved.Set(rv.Elem())
	return saved
}

func restoreValue(v interface{}, saved reflect.Value) {
	if saved.IsValid() {
		reflect.ValueOf(v).Elem().Set(saved)
	}
}
