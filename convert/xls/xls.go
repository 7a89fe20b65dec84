// Package xls reads legacy Excel workbooks (.xls, Excel 97-2003 and
// Excel 5.0/95): the sheet names and every cell as the value a person
// means, rendered by [cellfmt].
//
// A .xls file is an OLE2 compound file (read with mscfb) holding a
// "Workbook" stream (BIFF8) or a "Book" stream (BIFF5) of records. This
// reader knows the few records that carry values and what they mean:
//
//   - globals: BOF/EOF, FILEPASS (encryption: refused), CODEPAGE (the
//     8-bit code page of BIFF5 text), DATEMODE (1900 or 1904 dates),
//     FORMAT and XF (number formats, to tell dates and literal formats
//     from numbers), BOUNDSHEET (sheet names and where each sheet starts),
//     SST with its CONTINUE records (the shared strings of BIFF8);
//   - sheets: LABELSST, LABEL, RSTRING (text), NUMBER, RK, MULRK
//     (numbers), BOOLERR (booleans and errors such as #N/A), FORMULA with
//     its cached result and the STRING record that holds a text result.
//
// A FORMULA's parsed tokens are read too, to tell what kind of value the
// formula gives ([formula]): a cached result of the wrong kind (a number
// for a formula that can only give text, as LibreOffice's export writes
// them) is stale. The value is then computed from the tokens when they
// are constants and text functions ([sheet.Cell].Computed), within the
// workbook's budget of text computed ([formula.Budget]), or the cell is
// marked [sheet.Cell].Unknown.
//
// Everything else (styles, charts, drawings) is skipped. Every length
// read from the file is checked: a corrupt file gives an error, never a
// panic. The cells are handed over in convert's one sheet model
// ([sheet]), each row laid out by its assembly ([sheet.Row]).
//
// Memory: the workbook stream (no larger than the file), its shared
// strings, and for a sheet read its non-empty cells, one slice header
// per row (at most 65,536) and the row being given (at most 256 cells):
// never what the records claim (string counts, far-away cells). Fuzzing
// checks that reading allocates less than 64 times the file and 4 MiB.
package xls

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/richardlehane/mscfb"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/sheet"
)

// The errors that [Open] and [Workbook.Rows] wrap; test for them with
// errors.Is. Their texts say what to do.
var (
	// ErrNotOLE2 means the file is not an OLE2 compound file, so not a
	// real .xls (often a CSV, text or HTML export named .xls).
	ErrNotOLE2 = errors.New("not an Excel 97-2003 workbook (no OLE2 signature): check the file's real format, or save it from a spreadsheet program as .xlsx")
	// ErrNoWorkbook means an OLE2 file without a workbook stream, such as
	// a Word .doc or a PowerPoint .ppt.
	ErrNoWorkbook = errors.New("OLE2 file holds no workbook (a Word or other Office document?): export the data from a spreadsheet program as .xlsx")
	// ErrEncryptedOOXML means an OLE2 file holding an encrypted Office
	// Open XML package: an .xlsx saved with a password to open it.
	ErrEncryptedOOXML = errors.New("an encrypted Excel workbook (an .xlsx with a password to open it): remove the password in Excel (File > Info > Protect Workbook), save, and convert again")
	// ErrWord and ErrPowerPoint mean an OLE2 file that is a Word document
	// or a PowerPoint presentation.
	ErrWord       = errors.New("a Word 97-2003 document (.doc), not a workbook: export the data from a spreadsheet program as .xlsx")
	ErrPowerPoint = errors.New("a PowerPoint 97-2003 presentation (.ppt), not a workbook: export the data from a spreadsheet program as .xlsx")
	// ErrEncrypted means a password-protected workbook.
	ErrEncrypted = errors.New("workbook is password-protected: remove the password in a spreadsheet program, save, and convert again")
	// ErrCorrupt means a truncated or damaged file ([sheet.ErrCorrupt]).
	ErrCorrupt = fmt.Errorf("workbook is %w", sheet.ErrCorrupt)
	// ErrVersion means a workbook older than Excel 5.0.
	ErrVersion = errors.New("workbook is in an Excel format older than 5.0: save it from a spreadsheet program as .xlsx")
)

// corrupt returns an [ErrCorrupt] error saying what was wrong.
func corrupt(format string, args ...any) error { return sheet.Corrupt(ErrCorrupt, format, args...) }

// oleSignature starts every OLE2 compound file.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Workbook is an open .xls workbook, held in memory. Its methods may be
// called in any order and concurrently: reading a sheet changes nothing.
type Workbook struct {
	stream   []byte // the Workbook (BIFF8) or Book (BIFF5) stream
	biff5    bool
	date1904 bool
	codePage uint16 // of BIFF5 8-bit text, from CODEPAGE
	sheets   []sheet.Sheet
	offsets  []int // of each sheet's BOF record in the stream
	sst      []string
	xf       []cellfmt.Format // number format of each XF record, by index
	budget   *formula.Budget  // of the formulas computed
}

// Open reads the workbook of the .xls file r of the given size: its
// globals, sheet list and shared strings. Cells are read by
// [Workbook.Rows].
func Open(r io.ReaderAt, size int64) (*Workbook, error) {
	if size < int64(len(oleSignature)) {
		return nil, ErrNotOLE2
	}
	head := make([]byte, len(oleSignature))
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, err
	}
	if !bytes.Equal(head, oleSignature) {
		return nil, ErrNotOLE2
	}
	stream, biff5, err := workbookStream(r, size)
	if err != nil {
		return nil, err
	}
	return newWorkbook(stream, biff5)
}

// newWorkbook reads the globals of a workbook stream.
func newWorkbook(stream []byte, biff5 bool) (*Workbook, error) {
	w := &Workbook{stream: stream, biff5: biff5, budget: formula.NewBudget()}
	if err := w.readGlobals(); err != nil {
		return nil, err
	}
	return w, nil
}

// workbookStream returns the bytes of the workbook stream of the OLE2
// file, and whether it is a BIFF5 "Book" stream.
func workbookStream(r io.ReaderAt, size int64) (stream []byte, biff5 bool, err error) {
	// mscfb checks its structures, but is third-party code reading
	// untrusted input: a panic there is a corrupt file here.
	defer func() {
		if p := recover(); p != nil {
			stream, err = nil, corrupt("damaged OLE2 container")
		}
	}()
	doc, err := mscfb.New(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, false, corrupt("damaged OLE2 container")
	}
	book, biff5, err := findBook(doc)
	if err != nil {
		return nil, false, err
	}
	if book.Size > size {
		return nil, false, corrupt("workbook stream of %d bytes in a file of %d", book.Size, size)
	}
	// Read in chunks: mscfb's cost per read grows with the square of the
	// number of sectors it spans.
	stream = make([]byte, book.Size)
	for off := 0; off < len(stream); {
		n, err := io.ReadFull(book, stream[off:min(off+1<<16, len(stream))])
		off += n
		if err != nil {
			return nil, false, corrupt("workbook stream cut short at byte %d of %d", off, book.Size)
		}
	}
	return stream, biff5, nil
}

// findBook returns the workbook stream among the root entries of the
// OLE2 file doc, and whether it is a BIFF5 "Book" stream; without one,
// an error saying what the file is.
func findBook(doc *mscfb.Reader) (book *mscfb.File, biff5 bool, err error) {
	encrypted, word, ppt := false, false, false
	for f, err := doc.Next(); err == nil; f, err = doc.Next() {
		if len(f.Path) != 0 {
			continue
		}
		switch f.Name {
		case "Workbook", "WORKBOOK", "workbook":
			book, biff5 = f, false
		case "Book", "BOOK", "book":
			if book == nil {
				book, biff5 = f, true
			}
		case "EncryptedPackage", "EncryptionInfo":
			// An encrypted .xlsx is an OLE2 file with these streams.
			encrypted = true
		case "WordDocument":
			word = true
		case "PowerPoint Document":
			ppt = true
		}
	}
	switch {
	case book != nil:
		return book, biff5, nil
	case encrypted:
		return nil, false, ErrEncryptedOOXML
	case word:
		return nil, false, ErrWord
	case ppt:
		return nil, false, ErrPowerPoint
	}
	return nil, false, ErrNoWorkbook
}

// Sheets returns the workbook's worksheets, in workbook order;
// [Workbook.Rows] takes an index into this list. Chart sheets and macro
// sheets are left out; hidden worksheets are listed.
func (w *Workbook) Sheets() []sheet.Sheet { return slices.Clone(w.sheets) }

// Date1904 reports whether the workbook counts dates from 1904 (the old
// Macintosh date system) rather than 1900.
func (w *Workbook) Date1904() bool { return w.date1904 }
