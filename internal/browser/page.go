package browser

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// Open loads url in the page and waits for its load event, by which time
// the page's inline scripts have run. It forgets the errors of the page
// before.
func (b *Browser) Open(url string) error {
	b.mu.Lock()
	b.errors = nil
	loaded := b.loaded
	b.mu.Unlock()
	var nav struct{ ErrorText string }
	if err := b.call("Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("opening %s: %s", url, nav.ErrorText)
	}
	timer := time.NewTimer(Timeout)
	defer timer.Stop()
	select {
	case <-loaded:
		return nil
	case <-timer.C:
		return fmt.Errorf("opening %s: no load event in %v", url, Timeout)
	}
}

// Errors returns the uncaught exceptions and console errors of the page
// since it was opened.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// exceptionDetails is the protocol's description of an exception.
type exceptionDetails struct {
	Text       string
	LineNumber int
	URL        string
	Exception  *struct{ Description string }
}

func (e exceptionDetails) String() string {
	what := e.Text
	if e.Exception != nil && e.Exception.Description != "" {
		what += " " + e.Exception.Description
	}
	return fmt.Sprintf("%s (line %d)", what, e.LineNumber+1)
}

// Eval evaluates a JavaScript expression in the page, waits for it if it is
// a promise, and decodes its value (as JSON) into out; out may be nil. A
// thrown exception is returned as an error.
func (b *Browser) Eval(expr string, out any) error {
	var reply struct {
		Result           struct{ Value json.RawMessage }
		ExceptionDetails *exceptionDetails
	}
	params := map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}
	if err := b.call("Runtime.evaluate", params, &reply); err != nil {
		return err
	}
	if reply.ExceptionDetails != nil {
		return fmt.Errorf("script threw: %s", reply.ExceptionDetails)
	}
	if out == nil || len(reply.Result.Value) == 0 {
		return nil
	}
	return json.Unmarshal(reply.Result.Value, out)
}

// Modifier keys held during a mouse event, as the protocol numbers them.
const (
	Alt   = 1
	Ctrl  = 2
	Shift = 8
)

// Mouse sends one mouse event at (x, y) in CSS pixels of the viewport: kind
// is mouseMoved, mousePressed or mouseReleased (with the left button).
func (b *Browser) Mouse(kind string, x, y float64) error {
	params := map[string]any{"type": kind, "x": x, "y": y}
	if kind != "mouseMoved" {
		params["button"], params["clickCount"] = "left", 1
	} else {
		params["button"] = "none"
	}
	return b.call("Input.dispatchMouseEvent", params, nil)
}

// Click presses and releases the left button at (x, y).
func (b *Browser) Click(x, y float64) error {
	if err := b.Mouse("mousePressed", x, y); err != nil {
		return err
	}
	return b.Mouse("mouseReleased", x, y)
}

// Drag presses the left button at (x1, y1), moves to (x2, y2) in steps and
// releases it there.
func (b *Browser) Drag(x1, y1, x2, y2 float64) error {
	if err := b.Mouse("mousePressed", x1, y1); err != nil {
		return err
	}
	const steps = 5
	for i := 1; i <= steps; i++ {
		f := float64(i) / steps
		if err := b.Mouse("mouseMoved", x1+(x2-x1)*f, y1+(y2-y1)*f); err != nil {
			return err
		}
	}
	return b.Mouse("mouseReleased", x2, y2)
}

// Wheel turns the mouse wheel at (x, y) by (dx, dy) pixels with the
// modifier keys held (Ctrl, Shift, Alt, added together; 0 for none).
func (b *Browser) Wheel(x, y, dx, dy float64, modifiers int) error {
	return b.call("Input.dispatchMouseEvent", map[string]any{"type": "mouseWheel", "x": x, "y": y,
		"deltaX": dx, "deltaY": dy, "modifiers": modifiers}, nil)
}

// Rect is a rectangle of the page in CSS pixels.
type Rect struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// Screenshot writes a PNG of the region clip of the page (in page
// coordinates, so it may lie below the viewport) to path.
func (b *Browser) Screenshot(path string, clip Rect) error {
	var shot struct{ Data string }
	params := map[string]any{"format": "png", "captureBeyondViewport": true, "clip": map[string]any{
		"x": clip.X, "y": clip.Y, "width": clip.Width, "height": clip.Height, "scale": 1}}
	if err := b.call("Page.captureScreenshot", params, &shot); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return fmt.Errorf("screenshot: %v", err)
	}
	return os.WriteFile(path, png, 0o644)
}

// Resize sets the size of the page's viewport in CSS pixels.
func (b *Browser) Resize(width, height int) error {
	return b.call("Emulation.setDeviceMetricsOverride",
		map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil)
}
