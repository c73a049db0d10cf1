package main

import "syscall"

// childAttr puts a server in its own process group, and has Linux kill it
// should this program die without cleaning up (say, by SIGKILL).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
