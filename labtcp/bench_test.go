package labtcp

import (
	"testing"

	"miniraftkv/labrpc"
)

// BenchmarkCall is one Echo call over loopback TCP, one caller at a time.
func BenchmarkCall(b *testing.B) {
	e, _ := benchEnd(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := say(e, "x"); !ok {
			b.Fatal("call failed")
		}
	}
}

// BenchmarkCallConcurrent is Echo calls from many goroutines sharing one
// connection.
func BenchmarkCallConcurrent(b *testing.B) {
	e, _ := benchEnd(b)
	b.SetParallelism(50)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := say(e, "x"); !ok {
				b.Error("call failed")
				return
			}
		}
	})
}

func benchEnd(b *testing.B) (*labrpc.ClientEnd, *fixture) {
	f := serveEcho(b, ":0", Options{})
	e, _ := end(b, f.addr, Options{})
	return e, f
}
