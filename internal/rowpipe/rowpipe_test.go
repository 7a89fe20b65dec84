package rowpipe

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ovsync/ovsync/lint"
)

// TestOrder: records of several files and headers, more than a batch of
// each, come out as they went in, with their kind, header and line.
func TestOrder(t *testing.T) {
	headers := []*lint.Header{{}, {}, {}}
	type rec struct {
		kind   lint.Kind
		header *lint.Header
		line   int
		fields string
	}
	var in []rec
	for k, n := range []int{1300, 3, 2*batchSize + 1} {
		for i := range n {
			in = append(in, rec{lint.Kind(k), headers[k], i + 2, fmt.Sprint(k, "/", i)})
		}
	}
	p := New()
	go func() {
		defer p.Close()
		for _, r := range in {
			if err := p.Add(r.kind, r.header, r.line, []string{r.fields, ""}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var out []rec
	if err := p.Each(func(kind lint.Kind, h *lint.Header, r *lint.Record) error {
		if len(r.Fields) != 2 {
			t.Fatalf("record %d has %d fields", len(out), len(r.Fields))
		}
		out = append(out, rec{kind, h, r.Line, r.Fields[0]})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("%d records out, %d in", len(out), len(in))
	}
	for i := range in {
		if out[i] != in[i] {
			t.Fatalf("record %d: %+v, want %+v", i, out[i], in[i])
		}
	}
}

// TestStop: an error of fn is what Each returns, once the adding side
// has seen ErrStopped and closed; no record is handed on after it.
func TestStop(t *testing.T) {
	p := New()
	added := make(chan error, 1)
	go func() {
		defer p.Close()
		for i := 0; ; i++ {
			if err := p.Add(lint.KindUsers, nil, i, []string{"x"}); err != nil {
				added <- err
				return
			}
		}
	}()
	stop := errors.New("enough")
	n := 0
	err := p.Each(func(lint.Kind, *lint.Header, *lint.Record) error {
		if n++; n == 3*batchSize+7 {
			return stop
		}
		if n > 3*batchSize+7 {
			t.Fatal("a record after the error")
		}
		return nil
	})
	if err != stop {
		t.Errorf("Each: %v, want %v", err, stop)
	}
	if err := <-added; err != ErrStopped {
		t.Errorf("Add: %v, want ErrStopped", err)
	}
	p.Close() // again: nothing happens
}
