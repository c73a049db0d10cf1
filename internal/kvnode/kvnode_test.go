package kvnode

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitAddrs(t *testing.T) {
	got, err := SplitAddrs(" 127.0.0.1:1, :2")
	if err != nil || !reflect.DeepEqual(got, []string{"127.0.0.1:1", ":2"}) {
		t.Fatalf("SplitAddrs = %q, %v; want [127.0.0.1:1 :2], nil", got, err)
	}
	cases := []struct{ list, says string }{
		{"", "empty"},
		{" , ", "empty"},
		{"a:1,,c:3", "server address 2 of 3"},
		{"a:1,b:2,", "server address 3 of 3"},
		{"localhost", "not host:port"},
		{"a:1,b:99999", "port \"99999\" is not a number from 1 to 65535"},
		{"a:0", "from 1 to 65535"},
		{"a:http", "from 1 to 65535"},
		{"a:1,b:2,a:1", "server addresses 1 and 3"},
		{"127.0.0.1:7,localhost:7", "are the same"},
		{":7,127.0.0.1:7", "are the same"},
	}
	for _, c := range cases {
		if _, err := SplitAddrs(c.list); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("SplitAddrs(%q) = %v; want an error saying %q", c.list, err, c.says)
		}
	}
}
