package raftkv

import "miniraftkv/internal/debugline"

// Debug output is off unless the environment variable KV_DEBUG is set to
// something other than "" or "0". Lines have the layout of package
// internal/debugline, shared with the raft package, whose topics (KVGET,
// KVPUT, KVAPL, KVSNP, CLERK) and roles (kvserver, clerk) they use:
//
//	000123 S1 T4 kvserver  KVAPL applied Append k=0 at 17
//
// A line whose term is debugline.UnknownTerm prints "T-".

// debug is KV_DEBUG.
var debug = debugline.NewSwitch("KV_DEBUG")

// debugf prints one debug line about server (or, for a clerk, the server it
// talks to) peer.
func debugf(peer, term int, role, topic, format string, args ...interface{}) {
	if !debug.On() {
		return
	}
	debugline.Print(peer, term, role, topic, format, args...)
}
