package push

import (
	"github.com/ovsync/ovsync/internal/rowpipe"
	"github.com/ovsync/ovsync/lint"
)

// rowsAhead reads the three files of an org, one after the other, on a
// goroutine of its own, a few batches of records ahead of the body that
// is written from them ([rowsAhead.each]): a body then takes the time of
// the slower of reading and writing, not of both.
type rowsAhead struct {
	pipe *rowpipe.Pipe
	// err is the reading's error, set before the pipe is closed: read
	// once [rowpipe.Pipe.Each] has returned, which waits for that.
	err error
}

// readRowsAhead starts reading the files at paths, by kind, in order.
// Its [rowsAhead.each] must be called.
func readRowsAhead(v *lint.Vocabulary, paths [3]string) *rowsAhead {
	a := &rowsAhead{pipe: rowpipe.New()}
	go func() {
		defer a.pipe.Close()
		for k, path := range paths {
			kind := lint.Kind(k)
			if err := lint.ReadRows(v, kind, path, func(h *lint.Header, rec *lint.Record) error {
				return a.pipe.Add(kind, h, rec.Line, rec.Fields)
			}); err != nil {
				a.err = err
				return
			}
		}
	}()
	return a
}

// each hands every record to fn, in the files' order, with its file's
// kind and header (the record is reused: copy what you keep), and
// returns the first error of fn or of the reading. An error of fn stops
// the reading.
func (a *rowsAhead) each(fn func(kind lint.Kind, h *lint.Header, rec *lint.Record) error) error {
	if err := a.pipe.Each(fn); err != nil {
		return err
	}
	return a.err
}
