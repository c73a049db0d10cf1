package faults

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// pipe returns a Conn wrapping one end of a loopback TCP connection, and
// the other end.
func pipe(t *testing.T) (*Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	other := <-accepted
	t.Cleanup(func() { nc.Close(); other.Close() })
	return NewConn(nc), other
}

func TestConnShortWriteDrops(t *testing.T) {
	c, other := pipe(t)
	c.ShortWrite(3)
	if n, err := c.Write([]byte("hello")); n != 3 || !errors.Is(err, ErrInjected) {
		t.Fatalf("short write = %d, %v; want 3, ErrInjected", n, err)
	}
	got, _ := io.ReadAll(other)
	if string(got) != "hel" {
		t.Fatalf("the peer read %q; want %q and then the end", got, "hel")
	}
}

func TestConnFailWrites(t *testing.T) {
	c, _ := pipe(t)
	c.FailWrites()
	if n, err := c.Write([]byte("x")); n != 0 || !errors.Is(err, ErrInjected) {
		t.Fatalf("write = %d, %v; want 0, ErrInjected", n, err)
	}
}

func TestConnStallHonoursDeadlineAndResume(t *testing.T) {
	c, other := pipe(t)
	c.Stall()
	c.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := c.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a stalled write past its deadline returned %v; want os.ErrDeadlineExceeded", err)
	}
	c.SetWriteDeadline(time.Time{})
	done := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte("y"))
		done <- err
	}()
	c.Resume()
	if err := <-done; err != nil {
		t.Fatalf("a resumed write failed: %v", err)
	}
	buf := make([]byte, 1)
	if _, err := io.ReadFull(other, buf); err != nil || buf[0] != 'y' {
		t.Fatalf("the peer read %q, %v; want %q", buf, err, "y")
	}
}

func TestDiskCrashKeepsPrefixAndFailsLater(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	d := &Disk{}
	f, err := d.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	d.CrashAt(func(o Op) bool { return o.Kind == "write" }, 2)
	if _, err := f.Write([]byte("abcdef")); !errors.Is(err, ErrCrashed) {
		t.Fatalf("the cued write returned %v; want ErrCrashed", err)
	}
	if err := f.Sync(); !errors.Is(err, ErrCrashed) {
		t.Fatalf("a sync after the crash returned %v; want ErrCrashed", err)
	}
	f.Close()
	if got, _ := os.ReadFile(path); string(got) != "ab" {
		t.Fatalf("the file holds %q after the crash; want %q", got, "ab")
	}
	trace := d.Trace()
	if len(trace) != 4 || trace[1].Kind != "write" || trace[1].N != 6 || trace[2].Kind != "sync" {
		t.Fatalf("trace %v; want open, write 6 bytes, sync, close", trace)
	}
}
