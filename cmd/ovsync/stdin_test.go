package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRunReadsItsStdin runs "convert -" in-process on a reader given to
// run, as main gives it os.Stdin: the command reads that stream, not the
// process's.
func TestRunReadsItsStdin(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := strings.NewReader("id,name\nT-1,Sales\nT-2,Équipe Montréal\n")
	code := run([]string{"ovsync", "convert", "-q", "--kind", "groups", "-o", "-", "-"}, in, &stdout, &stderr)
	if code != exitOK || stderr.Len() > 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if got, want := stdout.String(), "id,name\nT-1,Sales\nT-2,Équipe Montréal\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}
