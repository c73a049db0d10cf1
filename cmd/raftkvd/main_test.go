package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestFlagsRejected: every flag mistake an operator could make is one
// clear error before anything starts, never a server that runs wrongly.
func TestFlagsRejected(t *testing.T) {
	three := "-servers=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003"
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"-id", "0", three, "-fsync", "false", "-data", "dx"}, `unexpected argument "false"`},
		{[]string{"-id", "0", three, "extra"}, `unexpected argument "extra"`},
		{[]string{"-id", "3", three}, "-id 3 is not an index of the 3 servers"},
		{[]string{three}, "-id -1 is not an index"},
		{[]string{"-id", "0", "-servers=127.0.0.1:7001,127.0.0.1:7001,127.0.0.1:7003"}, "are the same"},
		{[]string{"-id", "0", "-servers=127.0.0.1:7001,,127.0.0.1:7003"}, "server address 2 of 3"},
		{[]string{"-id", "0", "-servers=127.0.0.1:7001,127.0.0.1:99999"}, "from 1 to 65535"},
		{[]string{"-id", "0", three, "-maxraftstate", "-5"}, "-maxraftstate -5"},
		{[]string{"-id", "0", three, "-max-message", "100"}, "-max-message 100: want"},
		{[]string{"-id", "0", three, "-stats", "-1s"}, "-stats -1s"},
		{[]string{"-id", "0", three, "-data", " "}, "-data: empty"},
		{[]string{"-id", "0", three, "-nosuchflag"}, "flag provided but not defined"},
		{[]string{"-id", "3", "-join", "127.0.0.1:7004", three}, "-join and -servers exclude each other"},
		{[]string{"-id", "3", "-join", "127.0.0.1"}, "-join: server address 1 of 1"},
		{[]string{"-id", "3", "-join", "127.0.0.1:7004,127.0.0.1:7005"}, "want this server's own host:port only"},
		{[]string{"-join", "127.0.0.1:7004"}, "-id -1: a joining server needs a new id"},
		{[]string{"-id", "1024", "-join", "127.0.0.1:7004"}, "-id 1024: a joining server needs a new id from 0 to 1023"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		_, err := parseFlags(c.args, &stderr)
		if err == nil || !strings.Contains(err.Error()+stderr.String(), c.says) {
			t.Errorf("raftkvd %q: error %v; want one saying %q", c.args, err, c.says)
		}
	}
}

// TestFlagsAccepted: a plain valid command line parses, with the data
// folder defaulting to the server's id.
func TestFlagsAccepted(t *testing.T) {
	cfg, err := parseFlags([]string{"-id", "1", "-fsync=false", "-maxraftstate", "-1", "-stats", "5s"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.fsync || cfg.dataDir != "data/server-1" || len(cfg.addrs) != 3 {
		t.Fatalf("parsed %+v; want fsync off, data/server-1, 3 servers", cfg)
	}
}

// TestJoinFlags: a joining server needs only its id and address; it
// listens there and has no -servers list.
func TestJoinFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-id", "7", "-join", "127.0.0.1:7008"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.listenAddr() != "127.0.0.1:7008" || cfg.addrs != nil || cfg.dataDir != "data/server-7" {
		t.Fatalf("parsed %+v; want listening on 127.0.0.1:7008, no -servers, data/server-7", cfg)
	}
	if !strings.Contains(cfg.describe(), "server 7 joining at 127.0.0.1:7008") {
		t.Errorf("describe() = %q; want it to say server 7 joins", cfg.describe())
	}
}
