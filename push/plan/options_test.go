package plan

import (
	"errors"
	"testing"
)

// TestNoProtocols checks that a plan made without protocols says so,
// rather than blaming the files' format.
func TestNoProtocols(t *testing.T) {
	if _, err := Make(Options{Path: "../../testdata/sample"}); !errors.Is(err, errNoProtocols) {
		t.Errorf("Make without protocols: %v, want errNoProtocols", err)
	}
	if _, err := Diff(DiffOptions{Old: "../../testdata/sample", New: "../../testdata/sample"}); !errors.Is(err, errNoProtocols) {
		t.Errorf("Diff without protocols: %v, want errNoProtocols", err)
	}
	if _, err := (Protocols{}).Lookup("legacy"); !errors.Is(err, errNoProtocols) {
		t.Errorf("Lookup without protocols: %v, want errNoProtocols", err)
	}
}
