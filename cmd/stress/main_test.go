package main

import (
	"io"
	"reflect"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want config
	}{
		{"defaults", nil, config{runs: 10, parallel: 2, pkg: "."}},
		{"typical", []string{"-n", "20", "-p", "2", "-run", "2A", "./raft"},
			config{runs: 20, parallel: 2, run: "2A", pkg: "./raft"}},
		{"flags after the package", []string{"./raft", "-race", "-timeout", "2m", "-out", "logs", "-n", "5"},
			config{runs: 5, parallel: 2, race: true, timeout: 2 * time.Minute, out: "logs", pkg: "./raft"}},
		{"binary flags after --", []string{"-n", "3", "./kv", "--", "-test.short", "-x"},
			config{runs: 3, parallel: 2, pkg: "./kv", extra: []string{"-test.short", "-x"}}},
		{"parallel capped at runs", []string{"-n", "1", "-p", "8"}, config{runs: 1, parallel: 1, pkg: "."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseArgs(c.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "0"},
		{"-p", "0"},
		{"-timeout", "-1s"},
		{"./raft", "./raftkv"},
		{"-n", "many"},
		{"-bogus"},
	} {
		if _, err := parseArgs(args, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) accepted bad input", args)
		}
	}
}

func TestBinaryArgs(t *testing.T) {
	cfg := config{run: "2A", timeout: 90 * time.Second, extra: []string{"-test.short"}}
	want := []string{"-test.v", "-test.count=1", "-test.run", "2A", "-test.timeout", "1m30s", "-test.short"}
	if got := binaryArgs(cfg); !reflect.DeepEqual(got, want) {
		t.Errorf("binaryArgs = %q, want %q", got, want)
	}
}
