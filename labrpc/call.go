package labrpc

import (
	"fmt"
	"log"
	"time"

	"miniraftkv/labgob"
)

// deadCheckInterval is how often a waiting Call looks whether its server was
// deleted or its end disabled while the handler runs.
const deadCheckInterval = 100 * time.Millisecond

// ClientEnd is one end of a connection: a client of one server at a time.
// Its calls go through a Transport: a simulated Network's (MakeEnd) or
// another, such as TCP (MakeTransportEnd).
type ClientEnd struct {
	transport Transport
	// inProcess is set for an end of a simulated Network: its server is in
	// this process, so a reply that does not decode is a programming error
	// (a panic), not a message from another version of the program.
	inProcess bool
}

// Transport carries encoded calls to a server, such as another process
// over TCP (package labtcp). Call sends req, the labgob-encoded arguments of
// svcMeth ("Service.Method"), and returns the encoded reply, or false if
// none came back: the connection failed, the call timed out, or the server
// answered with an error such as an unknown method. Like the simulator,
// false does not tell whether the server ran the handler. Call must be safe
// for concurrent use.
type Transport interface {
	Call(svcMeth string, req []byte) ([]byte, bool)
}

// MakeTransportEnd returns a ClientEnd whose Calls go through t, so code
// written against labrpc (raft, raftkv) runs unchanged over a real network.
// Arguments and replies are encoded exactly as on a simulated Network. The
// end belongs to no Network: it counts towards no Network's totals.
func MakeTransportEnd(t Transport) *ClientEnd {
	return &ClientEnd{transport: t}
}

// Call sends an RPC to the server this end is connected to and waits for the
// reply. svcMeth is "Service.Method"; args is a value or a pointer; reply must
// be a pointer to the handler's reply type. Call returns true when a reply
// arrived (and was decoded into reply), false when the request or the reply
// was lost, the end is disabled or unconnected, the server was deleted, or the
// network was cleaned up. Like a real network, false does not tell whether the
// server executed the request.
//
// On a simulated Network, naming a service or method the server does not
// have is a programming error: Call panics with a message listing what the
// server offers. On an end of a Transport it is the server's error reply,
// and Call returns false; so is a reply that does not decode (it comes from
// another process, perhaps of another version), which is logged.
func (e *ClientEnd) Call(svcMeth string, args interface{}, reply interface{}) bool {
	req, err := labgob.EncodeMessage(args)
	if err != nil {
		panic(fmt.Sprintf("labrpc: Call(%q): cannot encode args of type %T: %v", svcMeth, args, err))
	}
	replyBytes, ok := e.transport.Call(svcMeth, req)
	if !ok {
		return false
	}
	if err := labgob.DecodeMessage(replyBytes, reply); err != nil {
		msg := fmt.Sprintf("labrpc: Call(%q): cannot decode the reply into %T: %v", svcMeth, reply, err)
		if e.inProcess {
			panic(msg)
		}
		log.Print(msg)
		return false
	}
	return true
}

// simulated is the Transport of an end of a simulated Network.
type simulated struct {
	net     *Network
	endname interface{}
}

// Call carries req through the network, counting it in the network's
// totals unless the network was cleaned up.
func (s simulated) Call(svcMeth string, req []byte) ([]byte, bool) {
	n := s.net
	select {
	case <-n.done:
		return nil, false
	default:
	}
	n.totalCount.Add(1)
	n.totalBytes.Add(int64(len(req)))
	return n.deliver(s.endname, svcMeth, req)
}

// deliver carries one request through the simulated network and returns the
// encoded reply, or false if the network lost it.
func (n *Network) deliver(endname interface{}, svcMeth string, req []byte) ([]byte, bool) {
	r := n.routeOf(endname)
	if !r.enabled || r.servername == nil || r.server == nil {
		// Nobody answers: the caller learns of it only after a timeout.
		maxMs := 100
		if r.longDelays {
			maxMs = 7000
		}
		n.pause(time.Duration(n.randIntN(maxMs)) * time.Millisecond)
		return nil, false
	}
	// Look the method up before anything is delayed or dropped, so that a
	// misspelt name fails loudly, and in the caller's goroutine.
	svc, method, err := r.server.lookup(svcMeth)
	if err != nil {
		panic(err.Error())
	}
	if !r.reliable {
		if !n.pause(time.Duration(n.randIntN(27)) * time.Millisecond) {
			return nil, false
		}
		if n.randIntN(1000) < 100 {
			return nil, false // request lost
		}
	}

	if !n.pause(time.Duration(n.latency.Load())) {
		return nil, false
	}
	reply, ok := n.runHandler(endname, r, svc, method, req)
	if !ok || !n.pause(time.Duration(n.latency.Load())) {
		return nil, false
	}
	if !r.reliable && n.randIntN(1000) < 100 {
		return nil, false // reply lost
	}
	if r.longReordering && n.randIntN(900) < 600 {
		// Most replies are held back; the delay is skewed towards the short
		// end of 200 ms .. 2.2 s.
		ms := 200 + n.randIntN(1+n.randIntN(2000))
		if !n.pause(time.Duration(ms) * time.Millisecond) {
			return nil, false
		}
	}
	n.totalBytes.Add(int64(len(reply)))
	return reply, true
}

// runHandler executes the handler in a goroutine of its own (handlers.go),
// so that a slow handler never holds up other RPCs, and gives up on it if
// its server is deleted or its end disabled in the meantime. A reply from a
// server that died while the handler ran is never delivered.
func (n *Network) runHandler(endname interface{}, r route, svc *Service, m *method, req []byte) ([]byte, bool) {
	result := make(chan []byte, 1)
	n.startHandler(handlerJob{server: r.server, svc: svc, method: m, req: req, reply: result})
	for {
		select {
		case reply := <-result:
			if n.isServerDead(endname, r.servername, r.server) {
				return nil, false
			}
			return reply, true
		case <-n.deadCheck():
			if n.isServerDead(endname, r.servername, r.server) {
				return nil, false
			}
		case <-n.done:
			return nil, false
		}
	}
}

// pause waits for d, or less if the network is cleaned up meanwhile, in which
// case it returns false.
func (n *Network) pause(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-n.done:
		return false
	}
}
