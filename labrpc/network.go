package labrpc

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Network is a simulated network of ClientEnds and Servers. Ends are
// connected to servers by name, can be enabled and disabled one by one, and
// the whole network can be made unreliable, slow or reordering.
// Every method is safe to call from many goroutines at once.
type Network struct {
	mu             sync.Mutex // protects every field below it
	reliable       bool
	longDelays     bool // pause a long time on send to a disabled end
	longReordering bool // sometimes hold replies back a long time
	ends           map[interface{}]*ClientEnd
	enabled        map[interface{}]bool        // by end name
	servers        map[interface{}]*Server     // by server name; nil after DeleteServer
	connections    map[interface{}]interface{} // end name -> server name

	done      chan struct{} // closed by Cleanup
	cleanOnce sync.Once

	idleHandlers chan handlerJob // unbuffered: taken by an idle handler goroutine (handlers.go)
	tickMu       sync.Mutex      // protects tick
	tick         chan struct{}   // closed at the next dead check; nil when none is due

	totalCount atomic.Int64 // Calls that entered the network
	totalBytes atomic.Int64 // request bytes + delivered reply bytes

	rngMu   sync.Mutex   // protects rng
	rng     *rand.Rand   // the delays and drops; nil draws from math/rand/v2's global source
	latency atomic.Int64 // per-hop delay of every request and reply (SetLatency), in ns
}

// defaultLatency is the latency of networks made from now on (ns); see
// SetDefaultLatency.
var defaultLatency atomic.Int64

// SetDefaultLatency gives every network made afterwards the per-hop latency
// d (see SetLatency). Tests run in virtual time (internal/virtualtest) set
// it, so that the networks of every harness, not only the testers', take
// time to cross; nothing else should.
func SetDefaultLatency(d time.Duration) {
	defaultLatency.Store(int64(d))
}

// MakeNetwork returns a new, reliable network with no ends and no servers.
func MakeNetwork() *Network {
	n := &Network{
		reliable:     true,
		ends:         map[interface{}]*ClientEnd{},
		enabled:      map[interface{}]bool{},
		servers:      map[interface{}]*Server{},
		connections:  map[interface{}]interface{}{},
		done:         make(chan struct{}),
		idleHandlers: make(chan handlerJob),
	}
	n.latency.Store(defaultLatency.Load())
	return n
}

// Cleanup shuts the network down: every Call from now on returns false, and
// Calls waiting on a simulated delay return false at once.
func (n *Network) Cleanup() {
	n.cleanOnce.Do(func() { close(n.done) })
}

// Reliable turns the unreliable mode off (true) or on (false). Unreliable
// means short random request delays and a 10% drop rate for both requests and
// replies.
func (n *Network) Reliable(yes bool) {
	n.setMode(&n.reliable, yes)
}

// setMode sets one of the network's modes, a field that n.mu protects.
func (n *Network) setMode(mode *bool, on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	*mode = on
}

// Seed makes the network's random choices (which messages are dropped, how
// long they are delayed) repeat those of every network given the same seed:
// with the same calls in the same order, the same fate. Without it they
// draw from math/rand/v2's randomly seeded global source.
func (n *Network) Seed(seed uint64) {
	n.rngMu.Lock()
	defer n.rngMu.Unlock()
	n.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// randIntN returns a random int in [0, k) from the network's source.
func (n *Network) randIntN(k int) int {
	n.rngMu.Lock()
	defer n.rngMu.Unlock()
	if n.rng == nil {
		return rand.IntN(k)
	}
	return n.rng.IntN(k)
}

// SetLatency delays every request on its way to the handler, and every reply
// on its way back, by d (0, the default, delivers at once on a reliable
// network). Under virtual time (testing/synctest) a reliable network with no
// delay lets a client retry in a loop while the clock stands still; a small
// per-hop latency makes every round trip take time, as on a real network.
func (n *Network) SetLatency(d time.Duration) {
	n.latency.Store(int64(d))
}

// LongReordering makes the network hold back most replies for 200 ms to about
// 2.2 s, so that replies arrive long after later ones.
func (n *Network) LongReordering(yes bool) {
	n.setMode(&n.longReordering, yes)
}

// LongDelays makes a Call to a disabled or unconnected end take up to 7 s to
// fail instead of up to 100 ms, which catches senders that wait for replies
// one after another.
func (n *Network) LongDelays(yes bool) {
	n.setMode(&n.longDelays, yes)
}

// MakeEnd creates a new ClientEnd called endname. The end starts out neither
// connected nor enabled. Reusing a name is a programming error and panics.
func (n *Network) MakeEnd(endname interface{}) *ClientEnd {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.ends[endname]; ok {
		panic(fmt.Sprintf("labrpc: MakeEnd: end %v already exists", endname))
	}
	e := &ClientEnd{transport: simulated{net: n, endname: endname}, inProcess: true}
	n.ends[endname] = e
	n.enabled[endname] = false
	n.connections[endname] = nil
	return e
}

// AddServer makes s reachable under servername, replacing any server that had
// that name.
func (n *Network) AddServer(servername interface{}, s *Server) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.servers[servername] = s
}

// DeleteServer removes the server called servername. Calls to it fail, and so
// do Calls whose handler is still running on it.
func (n *Network) DeleteServer(servername interface{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.servers[servername] = nil
}

// Connect makes endname send to servername. An end connects to one server at
// most; connecting again replaces the old connection.
func (n *Network) Connect(endname, servername interface{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.connections[endname] = servername
}

// Enable enables or disables endname. Calls on a disabled end fail after a
// random delay.
func (n *Network) Enable(endname interface{}, enabled bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.enabled[endname] = enabled
}

// GetCount returns the number of RPCs delivered to the server called
// servername (0 for an unknown or deleted server).
func (n *Network) GetCount(servername interface{}) int {
	n.mu.Lock()
	s := n.servers[servername]
	n.mu.Unlock()
	if s == nil {
		return 0
	}
	return s.GetCount()
}

// GetTotalCount returns the number of Calls that entered the network,
// delivered or not.
func (n *Network) GetTotalCount() int {
	return int(n.totalCount.Load())
}

// GetTotalBytes returns the encoded size of every request sent plus that of
// every reply delivered.
func (n *Network) GetTotalBytes() int64 {
	return n.totalBytes.Load()
}

// route is what one Call needs to know about its end, read under n.mu.
type route struct {
	enabled        bool
	servername     interface{}
	server         *Server
	reliable       bool
	longDelays     bool
	longReordering bool
}

func (n *Network) routeOf(endname interface{}) route {
	n.mu.Lock()
	defer n.mu.Unlock()
	r := route{
		enabled:        n.enabled[endname],
		servername:     n.connections[endname],
		reliable:       n.reliable,
		longDelays:     n.longDelays,
		longReordering: n.longReordering,
	}
	if r.servername != nil {
		r.server = n.servers[r.servername]
	}
	return r
}

// isServerDead reports whether a reply from server to endname must be thrown
// away: the end was disabled or the server deleted (or replaced) meanwhile.
func (n *Network) isServerDead(endname, servername interface{}, server *Server) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return !n.enabled[endname] || n.servers[servername] != server
}
