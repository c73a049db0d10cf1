package browser

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Flags are the command-line flags Launch starts the browser with: headless,
// no sandbox (tests often run as root, in containers), and nothing that
// reaches the network on its own (updates, sync, QUIC, first-run pages).
var Flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-default-apps", "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe"}

// Timeout bounds every command sent to the browser, page loads included.
const Timeout = 2 * time.Minute

// Browser is a running headless browser with one page open. Its methods are
// meant to be called from one goroutine at a time.
type Browser struct {
	cmd     *exec.Cmd
	profile string // the fresh --user-data-dir, removed by Close
	stderr  *tail
	c       *conn
	session string // of the page; set once, by attach

	mu     sync.Mutex    // protects session, errors and loaded
	errors []string      // the page's uncaught exceptions and console errors
	loaded chan struct{} // closed by the page's next load event
}

// Launch starts the browser at path with a fresh profile and a page of
// width by height CSS pixels.
func Launch(path string, width, height int) (*Browser, error) {
	profile, err := os.MkdirTemp("", "browser-profile-")
	if err != nil {
		return nil, err
	}
	b := &Browser{profile: profile, stderr: &tail{}, loaded: make(chan struct{})}
	if err := b.start(path); err != nil {
		os.RemoveAll(profile)
		return nil, err
	}
	if err := b.attach(width, height); err != nil {
		b.Close()
		return nil, fmt.Errorf("browser %s: %v; it said: %s", path, err, b.stderr)
	}
	return b, nil
}

// start runs the browser process with the two pipes of
// --remote-debugging-pipe: it reads commands from file descriptor 3 and
// writes replies and events to 4.
func (b *Browser) start(path string) error {
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return err
	}
	replyR, replyW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		return err
	}
	args := append(append([]string{}, Flags...), "--user-data-dir="+b.profile, "about:blank")
	b.cmd = exec.Command(path, args...)
	b.cmd.ExtraFiles = []*os.File{cmdR, replyW}
	b.cmd.Stdout, b.cmd.Stderr = b.stderr, b.stderr
	err = b.cmd.Start()
	cmdR.Close() // the browser's ends; ours are cmdW and replyR
	replyW.Close()
	if err != nil {
		cmdW.Close()
		replyR.Close()
		return fmt.Errorf("starting the browser: %v", err)
	}
	b.c = newConn(replyR, cmdW, b.event)
	return nil
}

// attach connects to the browser's page and sets its size.
func (b *Browser) attach(width, height int) error {
	var targets struct {
		TargetInfos []struct{ TargetID, Type string } `json:"targetInfos"`
	}
	if err := b.c.call("", "Target.getTargets", struct{}{}, &targets, Timeout); err != nil {
		return err
	}
	id := ""
	for _, t := range targets.TargetInfos {
		if t.Type == "page" {
			id = t.TargetID
		}
	}
	if id == "" {
		var created struct{ TargetID string }
		if err := b.c.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &created, Timeout); err != nil {
			return err
		}
		id = created.TargetID
	}
	var attached struct{ SessionID string }
	if err := b.c.call("", "Target.attachToTarget", map[string]any{"targetId": id, "flatten": true}, &attached, Timeout); err != nil {
		return err
	}
	b.mu.Lock()
	b.session = attached.SessionID
	b.mu.Unlock()
	for _, method := range []string{"Page.enable", "Runtime.enable"} {
		if err := b.call(method, struct{}{}, nil); err != nil {
			return err
		}
	}
	return b.Resize(width, height)
}

// call sends a command to the page.
func (b *Browser) call(method string, params, result any) error {
	return b.c.call(b.sessionID(), method, params, result, Timeout)
}

// event records what the page reports: load events, uncaught exceptions
// and console errors.
func (b *Browser) event(m message) {
	if m.SessionID != b.sessionID() {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch m.Method {
	case "Page.loadEventFired":
		close(b.loaded)
		b.loaded = make(chan struct{})
	case "Runtime.exceptionThrown":
		var p struct{ ExceptionDetails exceptionDetails }
		if json.Unmarshal(m.Params, &p) == nil {
			b.errors = append(b.errors, p.ExceptionDetails.String())
		}
	case "Runtime.consoleAPICalled":
		var p struct {
			Type string
			Args []struct {
				Value       any
				Description string
			}
		}
		if json.Unmarshal(m.Params, &p) == nil && (p.Type == "error" || p.Type == "assert") {
			var parts []string
			for _, a := range p.Args {
				parts = append(parts, fmt.Sprint(a.Value)+a.Description)
			}
			b.errors = append(b.errors, "console."+p.Type+": "+strings.Join(parts, " "))
		}
	}
}

// sessionID reads the session, which attach sets while events may arrive.
func (b *Browser) sessionID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.session
}

// Close stops the browser, asking first and killing it if it has not
// exited within five seconds, and removes its profile.
func (b *Browser) Close() error {
	defer os.RemoveAll(b.profile)
	exited := make(chan error, 1)
	go func() { exited <- b.cmd.Wait() }()
	b.c.call("", "Browser.close", struct{}{}, nil, 5*time.Second)
	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	select {
	case <-exited:
		return nil
	case <-timer.C:
		b.cmd.Process.Kill()
		<-exited
		return fmt.Errorf("the browser did not exit within 5 s of Browser.close; killed it")
	}
}

// tail keeps the last few kilobytes the browser prints, for error messages.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
