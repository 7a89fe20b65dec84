// Package rowpipe hands the records of an org's files from the goroutine
// that reads them to one that uses them, a batch at a time and in order,
// so that reading the files and writing what they hold (a push's body)
// take two cores instead of one after the other.
package rowpipe

import (
	"errors"
	"sync"

	"github.com/ovsync/ovsync/lint"
)

// ErrStopped is what [Pipe.Add] returns once the records are no longer
// wanted: the reading should end.
var ErrStopped = errors.New("the records are no longer wanted")

// Pipe carries records from one goroutine, which calls Add and then
// Close, to another, which calls Each. The fields' strings travel as they
// are (a CSV reader's strings are new for each record; only the slice
// that holds them is reused), so that a record costs its slice's copy.
// What waits in a pipe is bounded: [depth] batches of [batchSize] records.
type Pipe struct {
	batches chan *batch
	free    chan *batch
	stop    chan struct{}
	// cur is the batch being filled, the adding goroutine's.
	cur      *batch
	closing  sync.Once
	stopping sync.Once
}

// batch is a run of records of one file: the line each starts on and
// their fields, one record after another, each ending at its ends entry.
type batch struct {
	kind   lint.Kind
	header *lint.Header
	lines  []int
	fields []string
	ends   []int
}

// batchSize is how many records a batch holds; depth how many batches
// may wait.
const (
	batchSize = 512
	depth     = 8
)

// New returns an empty pipe.
func New() *Pipe {
	return &Pipe{batches: make(chan *batch, depth), free: make(chan *batch, depth+2), stop: make(chan struct{})}
}

// Add adds a record of the file of kind, under header h, that starts on
// line, with fields (the slice is copied, not the strings). It returns
// ErrStopped once [Pipe.Each] has stopped.
func (p *Pipe) Add(kind lint.Kind, h *lint.Header, line int, fields []string) error {
	if b := p.cur; b != nil && (b.kind != kind || b.header != h) {
		if err := p.send(); err != nil {
			return err
		}
	}
	b := p.cur
	if b == nil {
		select {
		case b = <-p.free:
		default:
			b = &batch{lines: make([]int, 0, batchSize), fields: make([]string, 0, 8*batchSize), ends: make([]int, 0, batchSize)}
		}
		b.kind, b.header, p.cur = kind, h, b
	}
	b.lines = append(b.lines, line)
	b.fields = append(b.fields, fields...)
	b.ends = append(b.ends, len(b.fields))
	if len(b.ends) == batchSize {
		return p.send()
	}
	return nil
}

// send hands the batch being filled on, unless the pipe has stopped.
func (p *Pipe) send() error {
	select {
	case <-p.stop: // stopped: no more batches, even where one would fit
		p.cur = nil
		return ErrStopped
	default:
	}
	select {
	case p.batches <- p.cur:
		p.cur = nil
		return nil
	case <-p.stop:
		p.cur = nil
		return ErrStopped
	}
}

// Close hands the last batch on and ends the records: [Pipe.Each]
// returns once it has handed them over. It may be called again.
func (p *Pipe) Close() {
	p.closing.Do(func() {
		if p.cur != nil {
			p.send()
		}
		close(p.batches)
	})
}

// Each hands every record to fn, in the order they were added, with its
// file's kind and header (the record is reused: copy what you keep),
// until [Pipe.Close]. An error of fn stops the pipe: Add returns
// ErrStopped from then on, Each waits for Close and returns the error.
func (p *Pipe) Each(fn func(kind lint.Kind, h *lint.Header, rec *lint.Record) error) error {
	var rec lint.Record
	for b := range p.batches {
		from := 0
		for i, end := range b.ends {
			rec.Line, rec.Fields = b.lines[i], b.fields[from:end:end]
			from = end
			if err := fn(b.kind, b.header, &rec); err != nil {
				p.stopping.Do(func() { close(p.stop) })
				for range p.batches { // until the adding goroutine closes
				}
				return err
			}
		}
		clear(b.fields) // the strings are the reader's: let them go
		b.lines, b.fields, b.ends = b.lines[:0], b.fields[:0], b.ends[:0]
		select {
		case p.free <- b:
		default:
		}
	}
	return nil
}
