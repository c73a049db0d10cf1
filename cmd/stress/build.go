package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// testBinary is a compiled test binary and the directory to run it in.
type testBinary struct {
	path string // the executable
	dir  string // the package's source directory (go test runs tests there)
}

// buildTestBinary compiles pkg's tests once into tmpDir with go test -c.
func buildTestBinary(ctx context.Context, pkg string, race bool, tmpDir string) (testBinary, error) {
	dir, err := goList(ctx, pkg)
	if err != nil {
		return testBinary{}, err
	}
	bin := filepath.Join(tmpDir, filepath.Base(dir)+".test")
	args := []string{"test", "-c", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	args = append(args, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return testBinary{}, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	if _, err := os.Stat(bin); err != nil {
		// go test -c writes nothing for a package without test files.
		return testBinary{}, fmt.Errorf("go test -c %s made no test binary (no test files?)\n%s", pkg, out.String())
	}
	return testBinary{path: bin, dir: dir}, nil
}

// goList finds the source directory of one package.
func goList(ctx context.Context, pkg string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", pkg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list %s: %v\n%s", pkg, err, stderr.String())
	}
	dirs := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(dirs) != 1 {
		return "", fmt.Errorf("%q names %d packages; stress runs exactly one", pkg, len(dirs))
	}
	return dirs[0], nil
}
