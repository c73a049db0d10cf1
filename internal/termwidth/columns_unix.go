//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package termwidth

import (
	"os"
	"syscall"
	"unsafe"
)

// winsize is the kernel's struct winsize, filled by the TIOCGWINSZ ioctl.
type winsize struct {
	rows, cols, xpixels, ypixels uint16
}

// columns asks the terminal behind f for its width; 0 when f is not a
// terminal.
func columns(f *os.File) int {
	conn, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	var ws winsize
	var errno syscall.Errno
	err = conn.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	})
	if err != nil || errno != 0 {
		return 0
	}
	return int(ws.cols)
}
