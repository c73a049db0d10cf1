package labtcp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// The wire format. Every message is a frame: a 4-byte big-endian length,
// then that many bytes of body. The body's first byte is its kind:
//
//	hello     kind, magic "MRKV", version, token bytes (the rest)
//	helloOK   kind
//	refused   kind, why the server refuses the connection (text)
//	request   kind, id (8 bytes), method length (2 bytes), method, args
//	reply     kind, id (8 bytes), status (ok or error), reply or error text
//
// A client opens a connection with a hello and waits for helloOK (or
// refused, after which the server closes the connection); then it
// sends requests, each with an id of its choosing, and the server answers
// each with a reply carrying the same id, in any order. The args and reply
// bytes are labgob-encoded, exactly as labrpc's simulator carries them.

// Message kinds.
const (
	kindHello   = 1
	kindHelloOK = 2
	kindRequest = 3
	kindReply   = 4
	kindRefused = 5
)

var kindNames = map[byte]string{kindHello: "a hello", kindHelloOK: "a helloOK", kindRequest: "a request", kindReply: "a reply", kindRefused: "a refusal"}

// unexpected is the error for a message of kind got where want belongs.
func unexpected(got, want byte) error {
	return fmt.Errorf("%s where %s was expected", kindNames[got], kindNames[want])
}

// Reply statuses.
const (
	statusOK    = 0
	statusError = 1
)

// helloMagic and protocolVersion open every connection, so a stray
// protocol (an HTTP client, a port scanner) is told apart at once.
const (
	helloMagic      = "MRKV"
	protocolVersion = 1
)

const (
	frameHeaderLen = 4
	idLen          = 8
	maxMethodLen   = 1<<16 - 1
)

// message is one decoded frame body. Which fields mean something depends
// on kind: payload is the token of a hello, the args of a request, and the
// reply or error text of a reply.
type message struct {
	kind    byte
	id      uint64
	method  string
	status  byte
	payload []byte
}

// errFrameTooLarge is wrapped by readFrame's error for a frame above the limit.
var errFrameTooLarge = errors.New("frame too large")

// readFrame reads one frame and returns its body. It checks the length
// against maxSize before allocating, so a peer cannot make it allocate
// more than maxSize bytes whatever it sends. A stream that ends inside a
// frame gives io.ErrUnexpectedEOF; one that ends between frames, io.EOF.
func readFrame(r io.Reader, maxSize int) ([]byte, error) {
	var header [frameHeaderLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(header[:])
	if n == 0 {
		return nil, errors.New("empty frame")
	}
	if uint64(n) > uint64(maxSize) {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", errFrameTooLarge, n, maxSize)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

// appendFrame appends m, framed, to dst. It grows dst once, to the
// frame's whole size: appending field by field to a nil slice (as every
// request and reply does) reallocated and copied it four times, the
// payload included.
func appendFrame(dst []byte, m message) []byte {
	start := len(dst)
	dst = slices.Grow(dst, frameHeaderLen+frameSize(m))
	dst = append(dst, 0, 0, 0, 0, m.kind)
	switch m.kind {
	case kindHello:
		dst = append(dst, helloMagic...)
		dst = append(dst, protocolVersion)
	case kindRequest:
		dst = binary.BigEndian.AppendUint64(dst, m.id)
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(m.method)))
		dst = append(dst, m.method...)
	case kindReply:
		dst = binary.BigEndian.AppendUint64(dst, m.id)
		dst = append(dst, m.status)
	}
	dst = append(dst, m.payload...)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-frameHeaderLen))
	return dst
}

// frameSize is the size of m's body once framed, to check it against the
// limit before sending.
func frameSize(m message) int {
	n := 1 + len(m.payload) // the kind, the payload
	switch m.kind {
	case kindHello:
		n += len(helloMagic) + 1
	case kindRequest:
		n += idLen + 2 + len(m.method)
	case kindReply:
		n += idLen + 1
	}
	return n
}

// parseMessage decodes a frame body. payload aliases body.
func parseMessage(body []byte) (message, error) {
	if len(body) == 0 {
		return message{}, errors.New("empty frame")
	}
	m := message{kind: body[0]}
	rest := body[1:]
	switch m.kind {
	case kindHello:
		return parseHello(m, rest)
	case kindHelloOK:
		if len(rest) != 0 {
			return message{}, fmt.Errorf("helloOK with %d bytes of payload", len(rest))
		}
		return m, nil
	case kindRequest:
		return parseRequest(m, rest)
	case kindReply:
		return parseReply(m, rest)
	case kindRefused:
		m.payload = rest
		return m, nil
	}
	return message{}, fmt.Errorf("unknown message kind %d", m.kind)
}

func parseHello(m message, rest []byte) (message, error) {
	if len(rest) < len(helloMagic)+1 || string(rest[:len(helloMagic)]) != helloMagic {
		return message{}, errors.New("hello without the protocol's magic bytes")
	}
	if v := rest[len(helloMagic)]; v != protocolVersion {
		return message{}, fmt.Errorf("hello of protocol version %d, want %d", v, protocolVersion)
	}
	m.payload = rest[len(helloMagic)+1:]
	return m, nil
}

func parseRequest(m message, rest []byte) (message, error) {
	if len(rest) < idLen+2 {
		return message{}, fmt.Errorf("request of %d bytes is shorter than its header", len(rest))
	}
	m.id = binary.BigEndian.Uint64(rest)
	n := int(binary.BigEndian.Uint16(rest[idLen:]))
	rest = rest[idLen+2:]
	if n > len(rest) {
		return message{}, fmt.Errorf("request's method name of %d bytes overruns the frame", n)
	}
	m.method, m.payload = string(rest[:n]), rest[n:]
	return m, nil
}

func parseReply(m message, rest []byte) (message, error) {
	if len(rest) < idLen+1 {
		return message{}, fmt.Errorf("reply of %d bytes is shorter than its header", len(rest))
	}
	m.id = binary.BigEndian.Uint64(rest)
	m.status = rest[idLen]
	if m.status != statusOK && m.status != statusError {
		return message{}, fmt.Errorf("reply with unknown status %d", m.status)
	}
	m.payload = rest[idLen+1:]
	return m, nil
}
