//go:build unix

package diskpersist

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
)

func childCommand(t *testing.T, dir string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestSaveReadByAnotherProcess$")
	cmd.Env = append(os.Environ(), "DISKPERSIST_CHILD_DIR="+dir)
	return cmd
}

func killSelf() {
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}
