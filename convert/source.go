package convert

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/ovsync/ovsync/convert/ods"
	"github.com/ovsync/ovsync/convert/sheet"
	"github.com/ovsync/ovsync/convert/xls"
	"github.com/ovsync/ovsync/convert/xlsx"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/lineends"
)

// rowReader streams the rows of one sheet. Row numbers only increase;
// rows a workbook does not store (empty ones) are skipped.
type rowReader interface {
	// Next moves to the next row, false at the end or on an error.
	Next() bool
	// Row is the 0-based index of the current row.
	Row() int
	// Len is the number of cells of the current row.
	Len() int
	// Cell returns cell c of the current row: its value, or the error it
	// shows (#N/A).
	Cell(c int) (value, errText string)
	// Formula tells whether cell c of the current row is a formula whose
	// value was computed by ovsync (the workbook storing none, or a stale
	// one), or one whose value cannot be known, and why.
	Formula(c int) (computed bool, unknown string)
	// Err is the error that ended the rows early.
	Err() error
	// RowName names the current row in messages ("row 7", "line 7").
	RowName() string
	// CellName names cell c of the current row ("Users!G12").
	CellName(c int) string
	// Progress returns how much of the sheet has been read, in units
	// that total counts (0 when unknown).
	Progress() (done, total int64)
	Close() error
}

// inputSheet is one table of an input: a worksheet, an HTML table or the
// whole of a text file. A workbook's rows may also keep the first columns
// only ([sheet.Limiter]) and repeat a row ([sheet.Copier]).
type inputSheet struct {
	name   string // "" for a text file
	hidden bool
	open   func() (rowReader, error)
}

// input is an open input file.
type input struct {
	path   string // as given
	format Format
	enc    string // text and HTML: the encoding read
	delim  rune   // text: the delimiter
	sheets []*inputSheet
	close  func() error
}

// display returns the name of sheet s in messages: "FILE" for a text file,
// "FILE: SHEET" otherwise.
func (in *input) display(s *inputSheet) string {
	if s.name == "" {
		return in.path
	}
	return in.path + ": " + s.name
}

// readOptions are the options that change how an input is read.
type readOptions struct {
	encoding string // "" to detect
	delim    rune   // 0 to detect
	stdin    io.Reader
	note     func(string)
}

// openInput opens and recognises the input file path ("-" is standard
// input, spooled to a temporary file so that it can be read twice).
func openInput(path string, ro readOptions) (*input, error) {
	var f *os.File
	var err error
	closeFile := func() error { return f.Close() }
	if path == "-" {
		if ro.stdin == nil {
			return nil, errors.New("-: no standard input")
		}
		f, err = os.CreateTemp("", "ovsync-stdin-*")
		if err != nil {
			return nil, fmt.Errorf("standard input: %w", err)
		}
		name := f.Name()
		closeFile = func() error { f.Close(); return os.Remove(name) }
		if _, err := io.Copy(f, ro.stdin); err != nil {
			closeFile()
			return nil, fmt.Errorf("standard input: %w", err)
		}
	} else {
		f, err = os.Open(path)
		if err != nil {
			err = fserr.WithoutPath(err)
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("%s: no such file", path)
			}
			return nil, fmt.Errorf("%s: cannot read: %w", path, err)
		}
	}
	in, err := recognise(f, path, ro)
	if err != nil {
		closeFile()
		return nil, err
	}
	prev := in.close
	in.close = func() error {
		if prev != nil {
			prev()
		}
		return closeFile()
	}
	return in, nil
}

// recognise reads the format of f and prepares its sheets.
func recognise(f *os.File, path string, ro readOptions) (*input, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a folder, not a file", path)
	}
	size := st.Size()
	head := make([]byte, min(size, 64<<10))
	if _, err := f.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: cannot read: %w", path, err)
	}
	d := Detect(head, int64(len(head)) == size)
	in := &input{path: path, format: d.Format}
	switch d.Format {
	case FormatXLSX:
		if odsArchive(f, size) {
			in.format = FormatODS
			return in, openBook(in, ods.Open, f, size)
		}
		return in, openBook(in, xlsx.Open, f, size)
	case FormatXLS:
		return in, openBook(in, xls.Open, f, size)
	case FormatEmpty:
		return nil, fmt.Errorf("%s: the file is empty: export the data again", path)
	case FormatOldExcel:
		return nil, fmt.Errorf("%s: an Excel 2.x-4.0 worksheet, too old to read: open it in a spreadsheet program and save it as .xlsx", path)
	case FormatSpreadsheetML:
		return nil, fmt.Errorf("%s: an Excel 2003 XML spreadsheet, which convert does not read: open it in a spreadsheet program and save it as .xlsx", path)
	case FormatODS:
		if d.Encoding != "" && d.Encoding != UTF8 {
			return nil, fmt.Errorf("%s: a flat OpenDocument spreadsheet (.fods) in %s, not UTF-8: open it in a spreadsheet program and save it as .ods", path, d.Encoding)
		}
		return in, openBook(in, ods.Open, f, size)
	case FormatXML:
		return nil, fmt.Errorf("%s: an XML document, not a spreadsheet: export the data as .xlsx or CSV", path)
	case FormatBinary:
		return nil, fmt.Errorf("%s: not a spreadsheet or a text file (binary data): export the data as .xlsx or CSV", path)
	}
	return openText(in, f, size, head, d, ro)
}

// openText prepares the input f of the given size, whose first bytes
// head Detect read as text or an HTML page: its encoding, and the sheet
// of a text file (its delimiter and line ends) or the tables of a page.
func openText(in *input, f *os.File, size int64, head []byte, d Detection, ro readOptions) (*input, error) {
	enc, bom, err := textEncoding(in.path, f, size, head, d, ro)
	if err != nil {
		return nil, err
	}
	in.enc = enc
	decode := func() (io.Reader, *countingReader, error) {
		cr := &countingReader{r: io.NewSectionReader(f, 0, size)}
		r, err := NewDecoder(cr, enc, bom)
		return r, cr, err
	}
	if d.Format == FormatHTML {
		return in, openHTML(in, size, decode)
	}
	// The head, decoded, to find the delimiter and line ends.
	dec, err := NewDecoder(bytes.NewReader(head), enc, bom)
	if err != nil {
		return nil, err
	}
	text, _ := io.ReadAll(io.LimitReader(dec, 64<<10))
	delim, skip := SniffDelimiter(text)
	if ro.delim != 0 {
		delim, skip = ro.delim, 0
	}
	in.delim = delim
	crOnly := bytes.IndexByte(text, '\r') >= 0 && bytes.IndexByte(text, '\n') < 0
	in.sheets = []*inputSheet{{open: func() (rowReader, error) {
		r, cr, err := decode()
		if err != nil {
			return nil, err
		}
		if crOnly {
			r = lineends.FromCR(r)
		}
		if skip > 0 {
			if _, err := io.CopyN(io.Discard, r, int64(skip)); err != nil {
				return nil, err
			}
		}
		t := newTextReader(in.path, r, delim)
		t.count, t.size = cr.count, size
		return t, nil
	}}}
	return in, nil
}

// textEncoding returns the encoding of the text input f (and the length
// of its byte order mark): --encoding when given, else what Detect found
// in its head, UTF-8 only when the whole file is (Windows-1252 otherwise,
// noted).
func textEncoding(path string, f *os.File, size int64, head []byte, d Detection, ro readOptions) (string, int, error) {
	enc, bom := d.Encoding, d.BOM
	if ro.encoding != "" {
		if _, err := LookupEncoding(ro.encoding); err != nil {
			return "", 0, err
		}
		enc = strings.ToLower(ro.encoding)
		if d.BOM == 3 && enc != UTF8 && enc != "utf8" {
			bom = 0 // a UTF-8 BOM read as another encoding is text
		}
	} else if enc == UTF8 && int64(len(head)) < size {
		ok, err := validUTF8(io.NewSectionReader(f, 0, size))
		if err != nil {
			return "", 0, fmt.Errorf("%s: cannot read: %w", path, err)
		}
		if !ok {
			enc = Windows1252
		}
	}
	if enc == Windows1252 && ro.encoding == "" {
		ro.note(fmt.Sprintf("%s: not UTF-8: read as Windows-1252 (give --encoding if it is another encoding)", path))
	}
	return enc, bom, nil
}

// odsArchive reports whether the zip archive f is an OpenDocument
// spreadsheet whose "mimetype" entry is not the first, uncompressed one
// the format asks for (which [Detect] looks for): some writers put it
// anywhere.
func odsArchive(f io.ReaderAt, size int64) bool {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return false
	}
	for _, e := range zr.File {
		if e.Name != "mimetype" {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			return false
		}
		head, _ := io.ReadAll(io.LimitReader(rc, int64(len(odsMediaType))+16))
		rc.Close()
		return bytes.HasPrefix(bytes.TrimSpace(head), []byte(odsMediaType))
	}
	return false
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) count() int64 { return c.n }

// openBook opens the workbook f of the given size with its reader's open,
// and prepares its sheets.
func openBook[B sheet.Book[R], R sheet.Rows](in *input, open func(io.ReaderAt, int64) (B, error), f io.ReaderAt, size int64) error {
	wb, err := open(f, size)
	if err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	if c, ok := any(wb).(io.Closer); ok {
		in.close = c.Close
	}
	for i, s := range wb.Sheets() {
		in.sheets = append(in.sheets, &inputSheet{name: s.Name, hidden: s.Hidden, open: func() (rowReader, error) {
			rows, err := wb.Rows(i)
			if err != nil {
				return nil, err
			}
			return newBookReader(rows, s.Name), nil
		}})
	}
	return nil
}

// bookReader reads a sheet of a workbook: the rows its reader hands over
// in the sheet model.
type bookReader struct {
	rows  sheet.Rows
	lim   sheet.Limiter // nil when the reader keeps every column
	cp    sheet.Copier  // nil when its rows are never repeats
	sheet string
	cells []sheet.Cell // of the current row
}

func newBookReader(rows sheet.Rows, name string) *bookReader {
	b := &bookReader{rows: rows, sheet: name}
	b.lim, _ = rows.(sheet.Limiter)
	b.cp, _ = rows.(sheet.Copier)
	return b
}

func (b *bookReader) Next() bool {
	if !b.rows.Next() {
		return false
	}
	b.cells = b.rows.Cells()
	return true
}
func (b *bookReader) Row() int     { return b.rows.Row() }
func (b *bookReader) Len() int     { return len(b.cells) }
func (b *bookReader) Err() error   { return b.rows.Err() }
func (b *bookReader) Close() error { return b.rows.Close() }
func (b *bookReader) Cell(c int) (string, string) {
	return b.cells[c].Value, b.cells[c].Err
}
func (b *bookReader) Formula(c int) (bool, string) {
	return b.cells[c].Computed, b.cells[c].Unknown
}
func (b *bookReader) RowName() string          { return rowName(b.Row()) }
func (b *bookReader) CellName(c int) string    { return cellName(b.sheet, b.Row(), c) }
func (b *bookReader) Progress() (int64, int64) { return b.rows.Progress() }

// Limit keeps the first cols columns of a reader that can; the others
// keep every column.
func (b *bookReader) Limit(cols int) {
	if b.lim != nil {
		b.lim.Limit(cols)
	}
}

// Beyond counts the cells past the limit, none for a reader without one.
func (b *bookReader) Beyond() (n, col int) {
	if b.lim == nil {
		return 0, 0
	}
	return b.lim.Beyond()
}

// Copy reports whether the current row repeats the one before.
func (b *bookReader) Copy() bool { return b.cp != nil && b.cp.Copy() }

// rowName names a 0-based worksheet row.
func rowName(row int) string { return "row " + strconv.Itoa(row+1) }

// cellName returns the reference of a cell as Excel writes it in a
// formula: Users!G12, or 'Org chart'!G12 for a sheet name that needs
// quotes.
func cellName(name string, row, col int) string {
	return sheetRef(name) + "!" + sheet.Ref(row, col)
}

// sheetRef quotes a sheet name for a reference when it is more than
// letters, digits and underscores.
func sheetRef(name string) string {
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return "'" + strings.ReplaceAll(name, "'", "''") + "'"
		}
	}
	return name
}
