// Package clientid gives each clerk of the key/value services (raftkv,
// shardctrler, shardkv) the id that its requests carry, so that servers
// can tell its retries from new requests in their duplicate tables.
package clientid

import (
	"crypto/rand"
	"encoding/binary"
)

// New returns a random non-negative id. Clerks start independently, in
// many processes, with nothing to coordinate them: 63 random bits make two
// clerks with the same id too unlikely to matter.
func New() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("clientid: crypto/rand failed: " + err.Error())
	}
	return int64(binary.LittleEndian.Uint64(b[:]) >> 1)
}
