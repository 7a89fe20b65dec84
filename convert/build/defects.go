package build

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/ovsync/ovsync/convert"
	"github.com/ovsync/ovsync/internal/plural"
)

// source names places of the sheet read, for messages.
type source struct {
	path  string // the input as given
	sheet string // "" for a text file
	text  bool
}

// A pos is where a row is: the physical line where a text file's record
// starts, the 0-based row of a workbook's sheet.
type pos = int32

// ref names a cell (col ≥ 0) or a row (col < 0) inside the input: "line
// 14" in a text file, "People!C14" (or "People, row 14") in a workbook.
func (s *source) ref(p pos, col int) string {
	if s.text {
		return "line " + strconv.Itoa(int(p))
	}
	if col < 0 {
		return s.sheet + ", row " + strconv.Itoa(int(p)+1)
	}
	return convert.CellRef(s.sheet, int(p), col)
}

// at names a cell or row as the start of a message: "hr.csv:14" in a text
// file, "hr.xlsx: People!C14" in a workbook.
func (s *source) at(p pos, col int) string {
	if s.text {
		return s.path + ":" + strconv.Itoa(int(p))
	}
	return s.path + ": " + s.ref(p, col)
}

// Defect is a problem of the export that stops the build: where it is,
// what is wrong and how to fix it.
type Defect struct {
	// Where names the file and line, or the file, sheet and cell.
	Where string
	// Message says what is wrong; Hint how to fix it ("" for none).
	Message, Hint string
	kind          string // the defects of one kind are listed together, and capped
	order         pos
}

// Error is "WHERE: MESSAGE", with "\nhint: HINT" when there is one.
func (d *Defect) Error() string {
	s := d.Where + ": " + d.Message
	if d.Hint != "" {
		s += "\nhint: " + d.Hint
	}
	return s
}

// maxPerKind caps the defects of one kind that are listed, as lint caps
// the findings of one rule; the rest are counted.
const maxPerKind = 50

// defects collects the defects of a run.
type defects struct {
	list   []*Defect
	byKind map[string]int
	n      int
}

// add records a defect of kind at p.
func (ds *defects) add(kind string, p pos, where, msg, hint string) {
	ds.n++
	if ds.byKind == nil {
		ds.byKind = map[string]int{}
	}
	ds.byKind[kind]++
	if ds.byKind[kind] > maxPerKind {
		return
	}
	ds.list = append(ds.list, &Defect{Where: where, Message: msg, Hint: hint, kind: kind, order: p})
}

// join joins errors as errors.Join does, but flat: the errors of a
// joined error join the list themselves, so that each is one message.
func join(errs ...error) error {
	var flat []error
	for _, err := range errs {
		var many interface{ Unwrap() []error }
		if errors.As(err, &many) && err == many.(error) {
			flat = append(flat, many.Unwrap()...)
		} else if err != nil {
			flat = append(flat, err)
		}
	}
	return errors.Join(flat...)
}

// err returns the defects as one error each, in the order of the input,
// then a count of those left out.
func (ds *defects) err() error {
	list := slices.Clone(ds.list)
	// In the order of the rows; in a row, by cell (the same row's cells
	// differ in their column letters only: B6 before F6 before AA6).
	slices.SortStableFunc(list, func(a, b *Defect) int {
		return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(len(a.Where), len(b.Where)), cmp.Compare(a.Where, b.Where))
	})
	errs := make([]error, 0, len(list)+1)
	for _, d := range list {
		errs = append(errs, d)
	}
	var kinds []string
	for k, n := range ds.byKind {
		if n > maxPerKind {
			kinds = append(kinds, k)
		}
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		errs = append(errs, fmt.Errorf("%d more %s not listed (%d in all)", ds.byKind[k]-maxPerKind, k, ds.byKind[k]))
	}
	errs = append(errs, fmt.Errorf("nothing written: the export has %s to fix", plural.Count(ds.n, "defect", "defects")))
	return join(errs...)
}
