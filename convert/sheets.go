package convert

import (
	"io"

	"github.com/ovsync/ovsync/convert/sheet"
)

// ReadOptions say how [OpenInput] reads an input, as [Options] say it for
// [Run].
type ReadOptions struct {
	// Encoding overrides the detected encoding of a text input (a label
	// as [LookupEncoding] takes it); "" detects it.
	Encoding string
	// Delimiter overrides the detected delimiter of a text input (see
	// [ParseDelimiter]); "" detects it.
	Delimiter string
	// Stdin is read for the input "-".
	Stdin io.Reader
	// Note receives what the reading has to say (a text input read as
	// Windows-1252); nil drops it.
	Note func(string)
}

// Input is an input file opened by the readers [Run] uses: its format told
// from its bytes ([Detect]), text decoded to UTF-8, each sheet's cells
// rendered as a person reads them ([cellfmt]). Tools that read an HR
// export through convert's readers, rather than turn it into the three
// files, start here.
type Input struct {
	in *input
}

// OpenInput opens and recognises the input file path ("-" is
// opt.Stdin). Close it when done.
func OpenInput(path string, opt ReadOptions) (*Input, error) {
	ro := readOptions{encoding: opt.Encoding, stdin: opt.Stdin, note: opt.Note}
	if ro.note == nil {
		ro.note = func(string) {}
	}
	if opt.Encoding != "" {
		if _, err := LookupEncoding(opt.Encoding); err != nil {
			return nil, validErr(err)
		}
	}
	if opt.Delimiter != "" {
		d, err := ParseDelimiter(opt.Delimiter)
		if err != nil {
			return nil, validErr(err)
		}
		ro.delim = d
	}
	in, err := openInput(path, ro)
	if err != nil {
		return nil, validErr(err)
	}
	return &Input{in: in}, nil
}

// Close releases the input.
func (in *Input) Close() error { return in.in.close() }

// Format returns what the input's bytes are.
func (in *Input) Format() Format { return in.in.format }

// Sheets lists the input's sheets in order: one unnamed sheet for a text
// file, "table 1", "table 2", … for the tables of an HTML page.
func (in *Input) Sheets() []sheet.Sheet {
	out := make([]sheet.Sheet, len(in.in.sheets))
	for i, s := range in.in.sheets {
		out[i] = sheet.Sheet{Name: s.name, Hidden: s.hidden}
	}
	return out
}

// Where names sheet i in messages: "FILE" for a text file, "FILE: SHEET"
// otherwise.
func (in *Input) Where(i int) string { return validText(in.in.display(in.in.sheets[i])) }

// Rows opens sheet i for reading, from its first row. Each call reads the
// sheet again.
func (in *Input) Rows(i int) (*Rows, error) {
	rd, err := in.in.sheets[i].open()
	if err != nil {
		return nil, validErr(err)
	}
	r := &Rows{rd: rd}
	r.text, _ = rd.(*textReader)
	return r, nil
}

// Rows streams the rows of a sheet, each cell as [Run] writes it. Rows a
// workbook does not store (empty ones) are skipped.
type Rows struct {
	rd   rowReader
	text *textReader // the same reader, for a text file
}

// Next moves to the next row; false at the end or on an error ([Rows.Err]).
func (r *Rows) Next() bool { return r.rd.Next() }

// Index is the 0-based index of the current row: its row in a workbook,
// its record in a text file.
func (r *Rows) Index() int { return r.rd.Row() }

// Line is the 1-based line of the current row in messages: the physical
// line where a text file's record starts (a quoted field's line breaks
// count), the row number in a workbook.
func (r *Rows) Line() int {
	if r.text != nil {
		return r.text.line
	}
	return r.rd.Row() + 1
}

// Len is the number of cells of the current row.
func (r *Rows) Len() int { return r.rd.Len() }

// Cell returns cell c of the current row: its value as a person reads it,
// or the error it shows (#N/A).
func (r *Rows) Cell(c int) (value, errText string) { return r.rd.Cell(c) }

// Formula tells whether cell c of the current row is a formula whose value
// ovsync computed (the workbook storing none, or a stale one), or one
// whose value cannot be known, and why.
func (r *Rows) Formula(c int) (computed bool, unknown string) { return r.rd.Formula(c) }

// Err is the error that ended the rows early, naming where.
func (r *Rows) Err() error { return validErr(r.rd.Err()) }

// Progress returns how much of the sheet has been read, in units that
// total counts (bytes of a text file, of a worksheet's XML, rows of an
// .xls sheet); total is 0 when unknown.
func (r *Rows) Progress() (done, total int64) { return r.rd.Progress() }

// Close releases the sheet.
func (r *Rows) Close() error { return r.rd.Close() }

// CellRef returns the reference of a cell of a sheet as a spreadsheet
// program writes it in a formula (0-based row and column): Users!G12, or
// 'Org chart'!G12 for a sheet name that needs quotes.
func CellRef(sheet string, row, col int) string { return validText(cellName(sheet, row, col)) }
