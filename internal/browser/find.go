package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// EnvVar names the environment variable that gives the browser to use. When
// it is set the browser is required: Find returns ErrRequired wrapped with
// the reason if it cannot be run, so that a CI machine that is meant to run
// the browser tests fails instead of skipping them.
const EnvVar = "CHROMIUM"

// names are the executables Find looks for on $PATH, in this order.
var names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrRequired marks a failure to find the browser that $CHROMIUM asked for.
var ErrRequired = errors.New("the browser named by $" + EnvVar + " cannot be used")

// Find returns the path of the browser: $CHROMIUM if set, else the first of
// chromium, chromium-browser, google-chrome and google-chrome-stable on
// $PATH. When none is found the error says what was looked for and how to
// install one; a test skips on it unless errors.Is(err, ErrRequired).
func Find() (string, error) {
	if want := os.Getenv(EnvVar); want != "" {
		path, err := exec.LookPath(want)
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrRequired, err)
		}
		return path, nil
	}
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("no headless browser: none of %s is on $PATH and $%s is not set "+
		"(on Debian: apt-get install -y chromium)", strings.Join(names, ", "), EnvVar)
}
