package redact

import (
	"errors"
	"io"
	"sync"
)

// ErrSecret is the error of a [Guard] asked to write a secret whole.
var ErrSecret = errors.New("it would hold the API key")

// Guard passes what is written to it on to another writer unchanged —
// data holds the org's values exactly, pieces of a key included — but
// stops at a secret written whole, in any of its forms ([Redactor.Find]),
// even one split across writes: it holds back the last bytes of a write
// that could begin one (fewer than its longest form), and fails with
// [ErrSecret] before any byte of the secret is written. It then fails
// every later write. A file written through a Guard is therefore never
// committed with a secret in it, and a stream gets none of its bytes.
//
// Its methods may be called from several goroutines.
type Guard struct {
	mu sync.Mutex
	r  *Redactor
	w  io.Writer
	// buf holds ctx bytes already written, kept to match a secret that
	// goes on after a Flush, then the bytes held back.
	buf []byte
	ctx int
	err error
}

// Guard returns a writer that passes to w what is written to it,
// unchanged, unless it holds one of r's secrets whole. Call Close (or
// Flush) at the end: it writes what is held back.
func (r *Redactor) Guard(w io.Writer) *Guard {
	return &Guard{r: r, w: w}
}

// Write writes p, or fails with [ErrSecret] when what was written so far
// and p hold a secret whole; some of p's last bytes may be held back
// until the next write or Flush.
func (g *Guard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return 0, g.err
	}
	t := g.r.table()
	if t == nil || t.maxWhole == 0 {
		if err := g.flush(); err != nil {
			return 0, err
		}
		g.buf, g.ctx = g.buf[:0], 0
		return g.w.Write(p)
	}
	g.buf = append(g.buf, p...)
	if _, _, found := find(t, g.buf); found {
		g.buf, g.ctx, g.err = nil, 0, ErrSecret
		return 0, ErrSecret
	}
	// Hold back what could begin a secret; keep as context what was
	// written of the last bytes.
	keep := min(len(g.buf), t.maxWhole-1)
	if cut := len(g.buf) - keep; cut > g.ctx {
		if _, err := g.w.Write(g.buf[g.ctx:cut]); err != nil {
			g.buf, g.ctx, g.err = nil, 0, err
			return 0, err
		}
		g.buf = g.buf[:copy(g.buf, g.buf[cut:])]
		g.ctx = 0
	}
	return len(p), nil
}

// WriteString is Write for a string.
func (g *Guard) WriteString(s string) (int, error) {
	return g.Write([]byte(s))
}

// Flush writes what is held back (it holds no secret: it was checked
// with what came before it). The guard stays usable: a secret that
// begins before a Flush and ends after it is still refused, though its
// first bytes are out.
func (g *Guard) Flush() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return g.err
	}
	return g.flush()
}

func (g *Guard) flush() error {
	if len(g.buf) == g.ctx {
		return nil
	}
	if _, err := g.w.Write(g.buf[g.ctx:]); err != nil {
		g.buf, g.ctx, g.err = nil, 0, err
		return err
	}
	g.ctx = len(g.buf)
	return nil
}

// Close is Flush, and returns the error that stopped the guard, if any;
// the underlying writer is not closed.
func (g *Guard) Close() error { return g.Flush() }
