package lint

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadRows streams the records of one CSV file of an org, after its
// header, through the same reader lint uses, without checking them: for
// tools that need every value as written (push builds its request body
// this way, one row at a time). The header is matched against the
// vocabulary's columns of kind. fn's record is reused: copy what you keep.
// Problems with the file itself are errors here: lint first.
func ReadRows(v *Vocabulary, kind Kind, path string, fn func(h *Header, rec *Record) error) error {
	return readFile(v, kind, path, nil, fn)
}

// Row is a record of one of an org's files as lint has read it into the
// model, handed to Options.Rows. The Row itself is reused for the next
// record of the file: keep none of it past the call, copy what you keep.
type Row struct {
	// Kind is the file's kind; Header its header.
	Kind   Kind
	Header *Header
	// Record is the record as written, nil once the file is read (its
	// Header then nil too when it has none). It and Values are reused for
	// the next record: copy what you keep.
	Record *Record
	// Values are its values as lint reads them: spaces around the
	// standard columns removed.
	Values []string
	// Whole is false for a ragged or broken record, of which the model
	// may hold less than Values.
	Whole bool
	// Index is what the record became in the model: its user in
	// [Org].Users or its team in Org.Teams, -1 when it declared none (no
	// id, or an id already declared); its row in Org.Mappings.
	Index int
}

// ReadHeader returns the header of one CSV file of an org, matched
// against the vocabulary's columns of kind, or nil for an empty file.
func ReadHeader(v *Vocabulary, kind Kind, path string) (*Header, error) {
	var header *Header
	err := readFile(v, kind, path, func(h *Header) error {
		header = h
		return errStop
	}, nil)
	if err != nil && err != errStop {
		return nil, err
	}
	return header, nil
}

// errStop ends a readFile early without an error.
var errStop = errors.New("stop")

// readFile reads a file's header, gives it to onHeader (if not nil), then
// gives each record to fn, stopping at the first error either returns.
func readFile(v *Vocabulary, kind Kind, path string, onHeader func(*Header) error, fn func(*Header, *Record) error) error {
	f, _, err := openCSV(path, path)
	if err != nil {
		return err
	}
	defer f.Close()
	var problem *Finding
	cr := NewCSVReader(path, f, func(fd Finding) {
		// A file read with its own separator is still read, and warnings
		// (blank lines, mixed line ends) do not change what it holds.
		if problem == nil && fd.Rule != RuleDelimiter && withDefaultSeverity(fd).Severity == Error {
			problem = &fd
		}
	})
	failed := func() error {
		return fmt.Errorf("%s:%d:%d: %s", problem.File, problem.Line, problem.Column, problem.Message)
	}
	rec, err := cr.Next()
	if err == io.EOF && problem != nil {
		return failed()
	}
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	h := matchHeader(v, kind, rec, path, func(Finding) {})
	if onHeader != nil {
		if err := onHeader(h); err != nil {
			return err
		}
	}
	for {
		if problem != nil {
			return failed()
		}
		rec, err := cr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(h, rec); err != nil {
			return err
		}
	}
}

// ParseBool reads a mapping flag as lint does: TRUE or FALSE in any case,
// spaces around it ignored; empty reads as false. ok is false for any
// other value.
func ParseBool(s string) (value, ok bool) { return parseBool(strings.TrimSpace(s)) }

// Column returns the column name of the role in the vocabulary's file of
// kind (for example "email"), or "" when the kind has no such column.
func (v *Vocabulary) Column(k Kind, r Role) string {
	for _, c := range v.columns[k] {
		if c.role == r {
			return c.name
		}
	}
	return ""
}

// Columns returns the standard column names of the vocabulary's file of
// kind, in the order the file lists them.
func (v *Vocabulary) Columns(k Kind) []string {
	names := make([]string, len(v.columns[k]))
	for i, c := range v.columns[k] {
		names[i] = c.name
	}
	return names
}

// Roles returns the roles of the standard columns of kind, in order.
func (v *Vocabulary) Roles(k Kind) []Role {
	roles := make([]Role, len(v.columns[k]))
	for i, c := range v.columns[k] {
		roles[i] = c.role
	}
	return roles
}

// Required returns the columns of kind that a file cannot do without.
func (v *Vocabulary) Required(k Kind) []string {
	var names []string
	for _, c := range v.columns[k] {
		if c.required {
			names = append(names, c.name)
		}
	}
	return names
}
