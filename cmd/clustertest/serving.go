package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"miniraftkv/internal/kvnode"
)

// portTaken is a server that could not listen on its port: another
// program took it after reservePorts released it.
type portTaken struct {
	server int
	addr   string
}

func (p portTaken) Error() string {
	return fmt.Sprintf("server %d could not listen on %s: another program took the port", p.server, p.addr)
}

// awaitServing waits until each of the first n servers answers Node.Status
// as itself at its own address, so that the test never runs its faults
// against a server that did not start. A server that does not answer
// within limit is a portTaken if its log says its port was in use, and a
// setup failure naming the server otherwise.
func awaitServing(c *cluster, n int, limit time.Duration) error {
	ends, tcp := kvnode.Dial(c.addrs[:n], quietTCP())
	defer kvnode.CloseAll(tcp)
	deadline := time.Now().Add(limit)
	for i := 0; i < n; i++ {
		for {
			if st, ok := kvnode.QueryStatus(ends[i]); ok && st.Id == i {
				break
			}
			if time.Now().After(deadline) {
				return notServing(c, i, limit)
			}
			time.Sleep(50 * time.Millisecond) // polling a process from outside: nothing to wait on
		}
	}
	return nil
}

// notServing explains why server i did not answer.
func notServing(c *cluster, i int, limit time.Duration) error {
	log, _ := os.ReadFile(c.logPath(i))
	if strings.Contains(string(log), "address already in use") {
		return portTaken{server: i, addr: c.addrs[i]}
	}
	return setupError{fmt.Errorf("server %d at %s did not answer within %v; its log:\n%s", i, c.addrs[i], limit, log)}
}
