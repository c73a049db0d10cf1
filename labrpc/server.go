package labrpc

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"miniraftkv/labgob"
)

// Server is a collection of services reachable under one server name.
type Server struct {
	mu       sync.Mutex // protects services
	services map[string]*Service
	count    atomic.Int64 // RPCs delivered
}

// MakeServer returns a server with no services.
func MakeServer() *Server {
	return &Server{services: map[string]*Service{}}
}

// AddService adds svc to the server under its receiver's type name. Several
// services may share a server.
func (rs *Server) AddService(svc *Service) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.services[svc.name] = svc
}

// GetCount returns the number of RPCs delivered to this server.
func (rs *Server) GetCount() int {
	return int(rs.count.Load())
}

// lookup finds the handler for "Service.Method", or explains why there is none.
func (rs *Server) lookup(svcMeth string) (*Service, *method, error) {
	dot := strings.LastIndex(svcMeth, ".")
	if dot < 0 {
		return nil, nil, fmt.Errorf("labrpc: %q is not of the form \"Service.Method\"", svcMeth)
	}
	svcName, methName := svcMeth[:dot], svcMeth[dot+1:]
	rs.mu.Lock()
	svc, ok := rs.services[svcName]
	rs.mu.Unlock()
	if !ok {
		return nil, nil, fmt.Errorf("labrpc: unknown service %q in %q; this server has services %v",
			svcName, svcMeth, rs.serviceNames())
	}
	m, ok := svc.methods[methName]
	if !ok {
		return nil, nil, svc.unknownMethod(methName)
	}
	return svc, m, nil
}

// serviceNames returns the names of the server's services, sorted, for an
// error message (the path of a call that succeeds never builds it).
func (rs *Server) serviceNames() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	known := make([]string, 0, len(rs.services))
	for name := range rs.services {
		known = append(known, name)
	}
	sort.Strings(known)
	return known
}

// dispatch decodes the request, runs the handler and encodes its reply.
func (rs *Server) dispatch(svc *Service, m *method, req []byte) []byte {
	rs.count.Add(1)
	return svc.call(m, req)
}

// Dispatch runs the handler that svcMeth ("Service.Method") names on the
// encoded request req and returns its encoded reply, for a server that a
// real transport (package labtcp) serves rather than a simulated Network.
// An unknown service or method, or a request that does not decode, is an
// error that lists what the server offers, never a panic: the request may
// come from anywhere. Dispatch counts towards GetCount only requests that
// reach their handler. It is safe to call from many goroutines at once.
func (rs *Server) Dispatch(svcMeth string, req []byte) ([]byte, error) {
	svc, m, err := rs.lookup(svcMeth)
	if err != nil {
		return nil, err
	}
	args, err := svc.decodeArgs(m, req)
	if err != nil {
		return nil, err
	}
	rs.count.Add(1)
	return svc.run(m, args), nil
}

// Service is one receiver object whose handler methods can be called over
// the network as "TypeName.Method".
type Service struct {
	name     string
	rcvr     reflect.Value
	methods  map[string]*method
	rejected map[string]string // exported methods that are not handlers, and why
}

// method is one RPC handler: func (rcvr) Name(args T, reply *R).
type method struct {
	fn        reflect.Value
	argType   reflect.Type // T as declared: a value or a pointer type
	replyType reflect.Type // R
}

// MakeService makes rcvr's handler methods callable under the name of
// rcvr's type ("Raft" for a *Raft). A handler is an exported method with two
// parameters, args (a value or a pointer) and reply (a pointer), and no
// results. Exported methods of another shape are not handlers; naming one
// in a Call panics with an explanation.
func MakeService(rcvr interface{}) *Service {
	return MakeNamedService(reflect.Indirect(reflect.ValueOf(rcvr)).Type().Name(), rcvr)
}

// MakeNamedService is MakeService with the service named name rather than
// after rcvr's type: a stand-in for a service (a test's fake peer, say) can
// then have a type name that says what it is and still answer the calls
// the real one does ("Raft.RequestVote" with name "Raft").
func MakeNamedService(name string, rcvr interface{}) *Service {
	svc := &Service{
		name:     name,
		rcvr:     reflect.ValueOf(rcvr),
		methods:  map[string]*method{},
		rejected: map[string]string{},
	}
	t := reflect.TypeOf(rcvr)
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		mt := m.Type // includes the receiver as parameter 0
		switch {
		case mt.NumIn() != 3:
			svc.rejected[m.Name] = fmt.Sprintf("it has %d parameters, a handler has two (args, reply)", mt.NumIn()-1)
		case mt.In(2).Kind() != reflect.Ptr:
			svc.rejected[m.Name] = "its reply parameter is not a pointer"
		case mt.NumOut() != 0:
			svc.rejected[m.Name] = "it has results, a handler has none"
		default:
			svc.methods[m.Name] = &method{fn: m.Func, argType: mt.In(1), replyType: mt.In(2).Elem()}
		}
	}
	return svc
}

func (svc *Service) unknownMethod(name string) error {
	if why, ok := svc.rejected[name]; ok {
		return fmt.Errorf("labrpc: %s.%s is not an RPC handler: %s; want func (%s) %s(args T, reply *R)",
			svc.name, name, why, svc.name, name)
	}
	known := make([]string, 0, len(svc.methods))
	for n := range svc.methods {
		known = append(known, n)
	}
	sort.Strings(known)
	return fmt.Errorf("labrpc: unknown method %q of service %s; its handlers are %v", name, svc.name, known)
}

func (svc *Service) call(m *method, req []byte) []byte {
	args, err := svc.decodeArgs(m, req)
	if err != nil {
		panic(err.Error())
	}
	return svc.run(m, args)
}

// decodeArgs decodes an encoded request into a new value of the handler's
// argument type. Bytes from another process may be anything, so a panic of
// the decoder is returned as an error too.
func (svc *Service) decodeArgs(m *method, req []byte) (args reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("labrpc: %s: cannot decode args into %v: decoder panicked: %v", svc.name, m.argType, r)
		}
	}()
	argType := m.argType
	if argType.Kind() == reflect.Ptr {
		argType = argType.Elem()
	}
	args = reflect.New(argType)
	if err := labgob.DecodeMessage(req, args.Interface()); err != nil {
		return reflect.Value{}, fmt.Errorf("labrpc: %s: cannot decode args into %v: %v", svc.name, m.argType, err)
	}
	if m.argType.Kind() != reflect.Ptr {
		args = args.Elem()
	}
	return args, nil
}

// run calls the handler with decoded args and returns its encoded reply.
func (svc *Service) run(m *method, args reflect.Value) []byte {
	reply := reflect.New(m.replyType)
	m.fn.Call([]reflect.Value{svc.rcvr, args, reply})

	out, err := labgob.EncodeMessage(reply.Interface())
	if err != nil {
		panic(fmt.Sprintf("labrpc: %s: cannot encode reply %v: %v", svc.name, m.replyType, err))
	}
	return out
}
