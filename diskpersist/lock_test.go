//go:build unix

package diskpersist

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestSecondOpenRefused: while a Store is open, a second Open of its
// folder fails, naming the process that holds it, and leaves the first
// Store's file alone; once the first is closed the folder opens again.
func TestSecondOpenRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	first.Persister().Save([]byte("state of the first"), nil)
	second, err := Open(dir, Options{NoSync: true})
	holder := fmt.Sprintf("in use by process %d", os.Getpid())
	if err == nil {
		second.Close()
		t.Fatalf("a second Open of %s succeeded while the first Store held it", dir)
	}
	if !strings.Contains(err.Error(), holder) {
		t.Fatalf("second Open: %v; want an error saying %q", err, holder)
	}
	first.Persister().Save([]byte("state of the first, later"), nil)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	expectContents(t, dir, "state of the first, later", "")
}
