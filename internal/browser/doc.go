// Package browser runs a headless Chromium for tests and drives it over
// the DevTools protocol, spoken on a pair of pipes (--remote-debugging-pipe)
// so that nothing listens on a port. It is what the timeline tests use to
// open the HTML pages the linearizability checker writes in a real browser:
// load a page, evaluate script in it, move and click the mouse, take a
// screenshot.
//
//	path, err := browser.Find()        // $CHROMIUM, else chromium, chromium-browser or google-chrome on $PATH
//	if err != nil { t.Skip(err) }      // err says what was looked for
//	b, err := browser.Launch(path, 1280, 800)
//	defer b.Close()
//	err = b.Open("file:///tmp/timeline.html")
//	var n int
//	err = b.Eval(`document.querySelectorAll("rect.op").length`, &n)
//
// The browser reports every uncaught exception and console error of the
// page; Errors returns them, so a test can tell a page whose script broke
// from one that drew nothing for other reasons.
package browser
