package labrpc_test

import (
	"fmt"

	"miniraftkv/labrpc"
)

// EchoArgs and EchoReply are the argument and reply of Echo.Say.
type EchoArgs struct{ Text string }

// EchoReply carries Echo.Say's answer.
type EchoReply struct{ Text string }

// Echo is a service with one handler.
type Echo struct{}

// Say answers with the text it was sent, in brackets.
func (e *Echo) Say(args *EchoArgs, reply *EchoReply) {
	reply.Text = "[" + args.Text + "]"
}

// Example builds a network with one server, calls its handler through an
// end, then cuts the end off and shows that Call reports the loss.
func Example() {
	net := labrpc.MakeNetwork()
	defer net.Cleanup()

	srv := labrpc.MakeServer()
	srv.AddService(labrpc.MakeService(&Echo{}))
	net.AddServer("echo-server", srv)

	end := net.MakeEnd("client->echo")
	net.Connect("client->echo", "echo-server")
	net.Enable("client->echo", true)

	var reply EchoReply
	ok := end.Call("Echo.Say", &EchoArgs{Text: "hello"}, &reply)
	fmt.Println(ok, reply.Text)

	net.Enable("client->echo", false) // as a tester disconnects a peer
	ok = end.Call("Echo.Say", &EchoArgs{Text: "lost"}, &EchoReply{})
	fmt.Println(ok)
	fmt.Println("RPCs that reached the server:", net.GetCount("echo-server"))
	// Output:
	// true [hello]
	// false
	// RPCs that reached the server: 1
}
