package diskpersist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// The state file: a magic header, then records, then zeros.
//
//	file    magic "MRKVDSK1", snapshot record, state record, state records..., zeros
//	record  kind (1 byte), payload length (4), payload CRC (4), header CRC (4), payload
//
// The zeros are room for the appends to come (store.go, preallocBytes):
// the records end where only zeros are left, and no record starts with a
// zero byte. A file without them (one an older version wrote) reads the
// same.
//
// The CRCs are CRC-32C; the header CRC covers the 9 bytes before it, so a
// damaged length is caught before it is believed. A file is written whole
// (temporary file, fsync, rename, fsync of the folder) with the snapshot
// and the whole Raft state; later saves that only extend the state write
// one state record each after the last one, over the zeros, fsynced. A crash can therefore damage only the
// last record, whose append had not finished: that one is dropped on
// restart. Damage anywhere else is corruption, reported with the file and
// offset.

const fileMagic = "MRKVDSK1"

// Record kinds.
const (
	recordSnapshot = 1 // the snapshot, whole
	recordState    = 2 // bytes of the Raft state, appended to those before
)

const (
	recordHeaderLen = 13
	maxPayload      = 1<<31 - 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordHeader returns the header of a record of kind whose payload is
// the chunks, joined.
func recordHeader(kind byte, chunks [][]byte) ([]byte, error) {
	n, crc := 0, uint32(0)
	for _, c := range chunks {
		n += len(c)
		crc = crc32.Update(crc, castagnoli, c)
	}
	if n > maxPayload {
		return nil, fmt.Errorf("a record of %d bytes is over the limit of %d", n, maxPayload)
	}
	h := make([]byte, recordHeaderLen)
	h[0] = kind
	binary.BigEndian.PutUint32(h[1:], uint32(n))
	binary.BigEndian.PutUint32(h[5:], crc)
	binary.BigEndian.PutUint32(h[9:], crc32.Checksum(h[:9], castagnoli))
	return h, nil
}

// contents is what a state file holds.
type contents struct {
	state    []byte
	snapshot []byte
	torn     int // bytes of a torn last record dropped, 0 if none
}

// errTorn marks a record that a crash may have cut short or damaged.
var errTorn = errors.New("torn record")

// parseFile decodes a state file's data; name is for error messages.
func parseFile(name string, data []byte) (contents, error) {
	var c contents
	if len(data) < len(fileMagic) || string(data[:len(fileMagic)]) != fileMagic {
		return c, fmt.Errorf("diskpersist: %s: offset 0: not a state file (no %q header)", name, fileMagic)
	}
	off, n := len(fileMagic), 0
	for ; off < len(data) && !allZero(data[off:]); n++ {
		kind, payload, err := readRecord(data[off:])
		if errors.Is(err, errTorn) && n >= 2 && !validRecordAfter(data[off+1:]) {
			c.torn = len(data) - off
			break
		}
		if err == nil && kind != wantKind(n) {
			err = fmt.Errorf("record of kind %d where kind %d belongs", kind, wantKind(n))
		}
		if err != nil {
			return c, fmt.Errorf("diskpersist: %s: corrupt record %d at offset %d: %v", name, n, off, err)
		}
		if kind == recordSnapshot {
			c.snapshot = payload
		} else {
			c.state = append(c.state, payload...)
		}
		off += recordHeaderLen + len(payload)
	}
	if n < 2 {
		return c, fmt.Errorf("diskpersist: %s: offset %d: the file ends after %d records, before its state record", name, off, n)
	}
	return c, nil
}

// allZero reports whether b holds only zeros: the file's room for the
// records to come. No record starts with a zero byte.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// wantKind is the kind record n must have.
func wantKind(n int) byte {
	if n == 0 {
		return recordSnapshot
	}
	return recordState
}

// readRecord decodes the record at the start of b. A record that is
// incomplete, or whose checksums fail, is errTorn: whether that is a crash's
// doing or corruption depends on where it lies.
func readRecord(b []byte) (kind byte, payload []byte, err error) {
	if len(b) < recordHeaderLen {
		return 0, nil, fmt.Errorf("%w: %d bytes, shorter than a record header", errTorn, len(b))
	}
	if crc32.Checksum(b[:9], castagnoli) != binary.BigEndian.Uint32(b[9:]) {
		return 0, nil, fmt.Errorf("%w: header checksum mismatch", errTorn)
	}
	n := int64(binary.BigEndian.Uint32(b[1:]))
	if n > int64(len(b)-recordHeaderLen) {
		return 0, nil, fmt.Errorf("%w: a payload of %d bytes runs past the end of the file", errTorn, n)
	}
	payload = b[recordHeaderLen : recordHeaderLen+int(n)]
	if crc32.Checksum(payload, castagnoli) != binary.BigEndian.Uint32(b[5:]) {
		return 0, nil, fmt.Errorf("%w: payload checksum mismatch", errTorn)
	}
	return b[0], payload, nil
}

// validRecordAfter reports whether a whole, valid record starts anywhere in
// b. A crash damages only the last record, so a damaged record followed by
// a valid one is corruption, not a torn tail. The search runs only when a
// file is damaged.
func validRecordAfter(b []byte) bool {
	for i := 0; i+recordHeaderLen <= len(b); i++ {
		if b[i] != recordSnapshot && b[i] != recordState {
			continue
		}
		if _, _, err := readRecord(b[i:]); err == nil {
			return true
		}
	}
	return false
}
