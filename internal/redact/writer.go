package redact

import (
	"io"
	"sync"
)

// Writer passes what is written to it on to another writer without the
// redactor's secrets, even when a secret is split across two writes: it
// holds back the last bytes of a write that could begin a piece of a
// secret (at most MinPiece-1 of them, none after a line break or any other
// byte that no form of a secret holds) and a run of pieces that may go on,
// until the next write or [Writer.Flush] decides them.
//
// Its methods may be called from several goroutines.
type Writer struct {
	mu sync.Mutex
	r  *Redactor
	w  io.Writer
	// buf holds ctx bytes already written (matched against, so that a
	// run of pieces cut by maxHeld goes on being masked, never written
	// again) and then the bytes held back.
	buf    []byte
	ctx    int
	masked bool // what was written last ended with Mask
	out    []byte
}

// Writer returns a writer that passes to w what is written to it, without
// r's secrets. Call Flush (or Close) at the end: it writes what is held
// back.
func (r *Redactor) Writer(w io.Writer) *Writer {
	return &Writer{r: r, w: w}
}

// Write writes p without the secrets; some of its last bytes may be held
// back until the next write or Flush. It returns len(p) unless the
// underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.r.table()
	if t == nil && len(w.buf) == 0 {
		return w.w.Write(p)
	}
	w.buf = append(w.buf, p...)
	if err := w.emit(t, false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteString is Write for a string.
func (w *Writer) WriteString(s string) (int, error) {
	return w.Write([]byte(s))
}

// Flush writes what is held back, without the secrets. The writer stays
// usable.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.emit(w.r.table(), true)
}

// Close is Flush; the underlying writer is not closed.
func (w *Writer) Close() error { return w.Flush() }

// emit writes the part of buf after the context that is decided: all of
// it when final.
func (w *Writer) emit(t *table, final bool) error {
	buf, c := w.buf, w.ctx
	if len(buf) == c {
		return nil
	}
	if t == nil {
		_, err := w.w.Write(buf[c:])
		w.buf, w.ctx, w.masked = w.buf[:0], 0, false
		return err
	}
	sp := spans(t, buf)
	cut := len(buf)
	if !final {
		hold := 0
		for hold < t.n-1 && hold < len(buf)-c && t.alpha[buf[len(buf)-1-hold]] {
			hold++
		}
		cut -= hold
		// A run of pieces that reaches the held bytes may go on: hold it
		// whole, so that it is masked once.
		if l := len(sp) - 1; l >= 0 && sp[l].end >= cut && sp[l].end > c {
			if start := max(sp[l].start, c); len(buf)-start <= maxHeld {
				cut = start
			}
		}
	}
	out := w.out[:0]
	pos, masked := c, w.masked
	for _, x := range sp {
		if x.end <= c {
			continue
		}
		if x.start >= cut {
			break
		}
		start := max(x.start, c)
		out = append(out, buf[pos:start]...)
		// A run that began in the context was masked already, if it was
		// written up to its end.
		if !(x.start < c && pos == c && w.masked) {
			out = append(out, Mask...)
		}
		pos = min(x.end, cut)
		masked = pos == cut
	}
	if pos < cut {
		out = append(out, buf[pos:cut]...)
		masked = false
	}
	w.out = out[:0]
	if len(out) > 0 {
		if _, err := w.w.Write(out); err != nil {
			w.buf, w.ctx, w.masked = w.buf[:0], 0, false
			return err
		}
	}
	w.masked = masked
	keep := max(cut-(t.n-1), 0)
	w.buf = w.buf[:copy(w.buf, w.buf[keep:])]
	w.ctx = cut - keep
	return nil
}
