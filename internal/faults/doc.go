// Package faults puts failures under the project's transport and disk code
// exactly when a test says so, instead of at random: a net.Conn that drops,
// fails, writes only part of a frame or stalls on cue (Conn, Listener), and
// a file layer that records every operation and makes one of them, and all
// after it, fail as a crash would, after writing part of its bytes (Disk).
//
// Random fault injection almost never lands in the windows that matter (a
// reply half written, a crash between a write and its fsync); a test that
// cues the fault there checks the window every run. The package is for
// tests and test tools (labtcp, diskpersist, cluster tests); nothing in a
// server imports it.
package faults
