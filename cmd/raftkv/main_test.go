package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"miniraftkv/internal/kvnode"
	"miniraftkv/labrpc"
	"miniraftkv/labtcp"
)

// TestExitStatuses checks the exit status and message of each kind of
// failure, against addresses where no server listens.
func TestExitStatuses(t *testing.T) {
	dead := "-servers=127.0.0.1:1"
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{dead}, exitUsage, "no command"},
		{[]string{dead, "frob"}, exitUsage, `unknown command "frob"`},
		{[]string{dead, "put", "k"}, exitUsage, "put takes 2 argument(s), got 1"},
		{[]string{"-servers=nohost", "get", "k"}, exitUsage, "has no port"},
		{[]string{dead, "bench", "-clients", "0"}, exitUsage, "must be positive"},
		{[]string{dead, "-timeout=300ms", "get", "k"}, exitTimeout, "no leader applied"},
		{[]string{dead, "status"}, exitError, "no server answered"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		if code := run(c.args, &out, &errOut); code != c.code || !strings.Contains(errOut.String(), c.says) {
			t.Errorf("raftkv %q: exit %d, stderr %q; want exit %d saying %q", c.args, code, errOut.String(), c.code, c.says)
		}
	}
}

// TestStatusLine checks that status prints what a Node reports.
func TestStatusLine(t *testing.T) {
	rpcs := labrpc.MakeServer()
	rpcs.AddService(labrpc.MakeService(&kvnode.Node{Report: func(r *kvnode.StatusReply) {
		r.Term, r.IsLeader, r.Fsyncs = 7, true, 3
	}}))
	srv, err := labtcp.Listen("127.0.0.1:0", rpcs, labtcp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var out, errOut bytes.Buffer
	args := []string{"-servers", srv.Addr().String(), "-timeout", time.Second.String(), "status"}
	if code := run(args, &out, &errOut); code != exitOK || !strings.Contains(out.String(), "term 7 leader") ||
		!strings.Contains(out.String(), "3 fsyncs") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 0 and term 7 leader, 3 fsyncs", code, out.String(), errOut.String())
	}
}
