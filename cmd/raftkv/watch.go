package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"miniraftkv/labtcp"
)

// watchEvery is how often a waiting command looks at its connections for
// a reason to give up early.
const watchEvery = 20 * time.Millisecond

// watch follows a command's connections to the servers while it waits for
// an operation: a Clerk retries for ever, so the command decides when to
// stop and says why.
type watch struct {
	addrs   []string
	clients []*labtcp.Client
}

// errUnreachable says no server could be reached at all.
var errUnreachable = errors.New("no server can be reached")

// await waits until done is closed. It returns errTimeout after timeout,
// and errUnreachable as soon as every server's latest dial failed (refused
// connections, a wrong token), each with the reasons it knows.
func (w watch) await(done <-chan struct{}, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return nil
		case <-deadline.C:
			if why := w.reasons(); why != "" {
				return fmt.Errorf("%w after %v; %s", errTimeout, timeout, why)
			}
			return fmt.Errorf("%w after %v", errTimeout, timeout)
		case <-tick.C:
			if w.noneReachable() {
				return fmt.Errorf("%w: %s", errUnreachable, w.reasons())
			}
		}
	}
}

// noneReachable reports whether every server's latest dial failed.
func (w watch) noneReachable() bool {
	for _, c := range w.clients {
		if c.Err() == nil {
			return false
		}
	}
	return true
}

// reasons lists the servers whose latest dial failed, with why.
func (w watch) reasons() string {
	var out []string
	for i, c := range w.clients {
		if err := c.Err(); err != nil {
			out = append(out, fmt.Sprintf("%s: %v", w.addrs[i], err))
		}
	}
	return strings.Join(out, "; ")
}

// why describes why server i did not answer.
func (w watch) why(i int) string {
	err := w.clients[i].Err()
	switch {
	case err == nil:
		return "no answer"
	case errors.Is(err, labtcp.ErrRefused):
		return "refused us: " + err.Error()
	default:
		return "unreachable: " + err.Error()
	}
}
