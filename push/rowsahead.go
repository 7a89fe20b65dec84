package push

import (
	"errors"

	"github.com/ovsync/ovsync/lint"
)

// rowsAhead reads the three files of an org, one after the other, on a
// goroutine of its own, a few batches of records ahead of the body that
// is written from them ([rowsAhead.each]): a body then takes the time of
// the slower of reading and writing, not of both.
type rowsAhead struct {
	batches chan *rowBatch
	free    chan *rowBatch
	stop    chan struct{}
	done    chan struct{}
	// err is the reading's error, set before batches is closed.
	err error
}

// rowBatch is a run of records of one file: the line each starts on and
// their fields as written, one record after another, each ending at its
// ends entry.
type rowBatch struct {
	kind   lint.Kind
	header *lint.Header
	lines  []int
	fields []string
	ends   []int
}

// rowBatchSize is how many records a batch holds; rowBatches how many
// may wait.
const (
	rowBatchSize = 512
	rowBatches   = 8
)

// errRowsStopped ends a reading whose records are no longer wanted.
var errRowsStopped = errors.New("stopped")

// readRowsAhead starts reading the files at paths, by kind, in order.
// Its [rowsAhead.each] must be called.
func readRowsAhead(v *lint.Vocabulary, paths [3]string) *rowsAhead {
	a := &rowsAhead{batches: make(chan *rowBatch, rowBatches), free: make(chan *rowBatch, rowBatches+2),
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		defer close(a.batches)
		for k, path := range paths {
			if err := a.read(v, lint.Kind(k), path); err != nil {
				a.err = err
				return
			}
		}
	}()
	return a
}

// read reads one file into batches.
func (a *rowsAhead) read(v *lint.Vocabulary, kind lint.Kind, path string) error {
	var b *rowBatch
	send := func() error {
		select {
		case a.batches <- b:
			b = nil
			return nil
		case <-a.stop:
			return errRowsStopped
		}
	}
	err := lint.ReadRows(v, kind, path, func(h *lint.Header, rec *lint.Record) error {
		if b != nil && b.header != h {
			if err := send(); err != nil {
				return err
			}
		}
		if b == nil {
			select {
			case b = <-a.free:
			default:
				b = &rowBatch{lines: make([]int, 0, rowBatchSize), fields: make([]string, 0, 8*rowBatchSize), ends: make([]int, 0, rowBatchSize)}
			}
			b.kind, b.header = kind, h
		}
		// The record is lint's to reuse, its strings are not: they are
		// kept as they are.
		b.lines = append(b.lines, rec.Line)
		b.fields = append(b.fields, rec.Fields...)
		b.ends = append(b.ends, len(b.fields))
		if len(b.ends) == rowBatchSize {
			return send()
		}
		return nil
	})
	if err == nil && b != nil {
		err = send()
	}
	return err
}

// each hands every record to fn, in the files' order, with its file's
// kind and header (the record is reused: copy what you keep), and
// returns the first error of the reading or of fn. An error of fn stops
// the reading.
func (a *rowsAhead) each(fn func(kind lint.Kind, h *lint.Header, rec *lint.Record) error) error {
	var rec lint.Record
	for b := range a.batches {
		from := 0
		for i, end := range b.ends {
			rec.Line, rec.Fields = b.lines[i], b.fields[from:end:end]
			from = end
			if err := fn(b.kind, b.header, &rec); err != nil {
				close(a.stop)
				for range a.batches { // let the reading end
				}
				<-a.done
				return err
			}
		}
		clear(b.fields) // the strings are the reading's: let them go
		b.lines, b.fields, b.ends = b.lines[:0], b.fields[:0], b.ends[:0]
		select {
		case a.free <- b:
		default:
		}
	}
	<-a.done
	return a.err
}
