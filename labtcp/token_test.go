package labtcp

import "testing"

// TestTokenMustMatchExactly: the cluster token is compared whole: a token
// that only begins with the server's, one the server's begins with, or one
// differing in case is refused like any wrong token.
func TestTokenMustMatchExactly(t *testing.T) {
	f := startServer(t, Options{Token: "s3cret"})
	for _, token := range []string{"s3cret!", "s3cre", "S3cret", "s3cret\x00"} {
		e, _ := end(t, f.addr, Options{Token: token})
		if _, ok := say(e, "hi"); ok {
			t.Errorf("a client with token %q was served by a server with token %q", token, "s3cret")
		}
	}
	peer, _ := end(t, f.addr, Options{Token: "s3cret"})
	if got, ok := say(peer, "hi"); !ok || got != "hi" {
		t.Fatal("a client with the right token was not served")
	}
}
