package graph

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ovsync/ovsync/lint"
)

// slowDot puts first on the PATH a dot that reads its input and then
// never finishes, as the real one does on a graph too large to lay out.
func slowDot(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in dot is a shell script")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\ncat >/dev/null\nexec sleep 120\n"
	if err := os.WriteFile(filepath.Join(dir, "dot"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestDotStopped stops a dot that does not finish: at the deadline, with
// an error that says how to draw less, and when the context is cancelled
// (an interrupt), with ErrInterrupted; nothing is written either way.
// Before, dot ran without a timeout and an interrupt did not reach it.
func TestDotStopped(t *testing.T) {
	slowDot(t)
	g, err := New(readOrg(t, lint.Options{Path: sampleOrg}), Options{Format: SVG})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		var out bytes.Buffer
		err := g.WriteContext(ctx, &out)
		if err == nil || !strings.Contains(err.Error(), "did not finish within") || !strings.Contains(err.Error(), "--root") {
			t.Fatalf("error %v, want dot stopped at the deadline", err)
		}
		if out.Len() > 0 {
			t.Errorf("%d bytes written", out.Len())
		}
	})
	t.Run("interrupt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		var out bytes.Buffer
		err := g.WriteContext(ctx, &out)
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("error %v, want ErrInterrupted", err)
		}
		if out.Len() > 0 {
			t.Errorf("%d bytes written", out.Len())
		}
	})
}
