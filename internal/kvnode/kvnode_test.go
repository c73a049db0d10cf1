package kvnode

import (
	"reflect"
	"testing"
)

func TestSplitAddrs(t *testing.T) {
	got, err := SplitAddrs(" 127.0.0.1:1, :2,,")
	if err != nil || !reflect.DeepEqual(got, []string{"127.0.0.1:1", ":2"}) {
		t.Fatalf("SplitAddrs = %q, %v; want [127.0.0.1:1 :2], nil", got, err)
	}
	for _, bad := range []string{"", " , ", "localhost"} {
		if _, err := SplitAddrs(bad); err == nil {
			t.Errorf("SplitAddrs(%q) gave no error", bad)
		}
	}
}
