package testrun

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Binary is a compiled test binary and the directory to run it in.
type Binary struct {
	Path string // the executable
	Dir  string // the package's source directory (go test runs tests there)
}

// BuildOptions say which package's tests to compile, and how.
type BuildOptions struct {
	Pkg    string // one package, as go test takes it ("./raft")
	ModDir string // directory to run the go command in; "" for the current one
	Race   bool   // build with the race detector
	OutDir string // where the binary is written
	// Overlay, if set, is a file for go build's -overlay flag: files added to
	// or replaced in the package for this build only.
	Overlay string
}

// BuildError is a failed go test -c: the command, and what the compiler said.
type BuildError struct {
	Args   []string // the go command's arguments
	Err    error    // usually "exit status 1"
	Output string   // the go command's standard output and error
}

// Error gives the command, its error and the compiler's whole output.
func (e *BuildError) Error() string {
	return fmt.Sprintf("go %s: %v\n%s", strings.Join(e.Args, " "), e.Err, e.Output)
}

// FirstLines returns up to n non-empty lines of the compiler's output,
// leaving out the "# package" headers the go command prints above errors.
func (e *BuildError) FirstLines(n int) []string {
	var lines []string
	for _, line := range strings.Split(e.Output, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		if len(lines) == n {
			break
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = append(lines, e.Err.Error())
	}
	return lines
}

// Build compiles the tests of opts.Pkg once with go test -c. A compiler
// failure comes back as a *BuildError.
func Build(ctx context.Context, opts BuildOptions) (Binary, error) {
	dir, err := goList(ctx, opts.Pkg, opts.ModDir)
	if err != nil {
		return Binary{}, err
	}
	bin := filepath.Join(opts.OutDir, filepath.Base(dir)+".test")
	args := []string{"test", "-c", "-o", bin}
	if opts.Race {
		args = append(args, "-race")
	}
	if opts.Overlay != "" {
		args = append(args, "-overlay", opts.Overlay)
	}
	args = append(args, opts.Pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = opts.ModDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return Binary{}, &BuildError{Args: args, Err: err, Output: out.String()}
	}
	if _, err := os.Stat(bin); err != nil {
		// go test -c writes nothing for a package without test files.
		return Binary{}, fmt.Errorf("go test -c %s made no test binary (no test files?)\n%s", opts.Pkg, out.String())
	}
	return Binary{Path: bin, Dir: dir}, nil
}

// goList finds the source directory of one package.
func goList(ctx context.Context, pkg, modDir string) (string, error) {
	out, err := GoOutput(ctx, modDir, "list", "-f", "{{.Dir}}", pkg)
	if err != nil {
		return "", err
	}
	dirs := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(dirs) != 1 {
		return "", fmt.Errorf("%q names %d packages; a test binary holds exactly one", pkg, len(dirs))
	}
	return dirs[0], nil
}

// GoOutput runs the go command with args in dir and returns its standard
// output; an error carries what the command wrote to standard error.
func GoOutput(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// List returns the names of the binary's top-level tests that match the
// regular expression (as go test -list), in source order.
func (b Binary) List(ctx context.Context, pattern string) ([]string, error) {
	cmd := exec.CommandContext(ctx, b.Path, "-test.list", pattern)
	cmd.Dir = b.Dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s -test.list: %v\n%s%s", filepath.Base(b.Path), err, out, stderr.String())
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Test") {
			names = append(names, strings.TrimSpace(line))
		}
	}
	return names, nil
}
