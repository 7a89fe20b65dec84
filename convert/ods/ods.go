// Package ods reads OpenDocument spreadsheets: .ods files (a zip archive
// whose content.xml holds the sheets) and flat .fods files (the same XML
// as one document), as LibreOffice, Google Sheets and other programs
// write them. It gives the sheet names and every cell as the value a
// person means, with the rendering rules of [cellfmt]: numbers,
// percentages and currencies at 15 significant digits, dates and times in
// ISO 8601, booleans as TRUE and FALSE.
//
// The content is streamed with a small tokenizer ([xmlscan]): [Open]
// reads it once to list the sheets (names, hidden ones, where each
// starts), and [Workbook.Rows] reads one sheet. The sheets share one pass
// over the content: a sheet read after the last one read continues where
// that one stopped, so reading every sheet in order inflates content.xml
// once more, whatever the number of sheets; only a sheet before the last
// one read starts a new pass. It knows repeated rows and columns
// (table:number-rows-repeated, table:number-columns-repeated), covered
// cells of merged areas (empty, as spreadsheets show them), the value
// types float, percentage, currency, date, time, boolean and string
// (office:string-value, or the text of the cell's paragraphs with text:s,
// text:tab and text:line-break), and error results. A formula is read by
// its stored value; one without a stored value, or whose stored value has
// a kind its formula cannot give (a number for a text formula), is marked
// [sheet.Cell].Unknown unless it is made of constants and text functions,
// which are computed ([formula]; [sheet.Cell].Computed). The cells are
// handed over in convert's one sheet model ([sheet]), each row laid out
// by its assembly ([sheet.Row]).
//
// Repeats cost time only for what is given: an empty repeat costs
// nothing; a repeated row is given again without its cells being copied
// or read again; [Rows.Limit] keeps the cells of the columns a caller
// uses, and a cell repeated past them is counted ([Rows.Beyond]), not
// laid out. A row holding a value may be repeated at most [MaxRepeat]
// times: a longer run (a value filled down to the end of the sheet) is
// refused with [ErrRepeated], naming the sheet and the row.
//
// Memory: the sheet list, and for the pass being read one row of cells
// (at most 16,384 columns, or the limit) and the largest single tag or
// text of the file ([xmlscan.MaxToken]); fuzzing checks that reading
// allocates less than 64 times the content's XML read (every pass
// counted) and 4 MiB for each pass. Repeat counts are never allocated,
// and the spaces a text:s element claims count against a budget of 32
// bytes for each byte of the row's XML (and 64 KiB), past which the file
// is refused as corrupt. Formulas computed share a budget of text per
// workbook ([formula.Budget]). Every count and index read from the file
// is checked: a damaged file gives an error, never a panic.
package ods

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/internal/xmlscan"
	"github.com/ovsync/ovsync/convert/sheet"
)

// The errors that [Open] and [Workbook.Rows] wrap; test for them with
// errors.Is. Their texts say what to do.
var (
	// ErrCorrupt means a truncated or damaged file ([sheet.ErrCorrupt]).
	ErrCorrupt = fmt.Errorf("spreadsheet is %w", sheet.ErrCorrupt)
	// ErrNotODS means a file that is neither a zip archive nor XML.
	ErrNotODS = errors.New("not an OpenDocument spreadsheet: check the file's real format")
	// ErrEncrypted means a spreadsheet saved with a password.
	ErrEncrypted = errors.New("spreadsheet is password-protected: open it, save it again without the password (in LibreOffice: File > Save As, clear \"Save with password\"), and convert again")
	// ErrRepeated means a row holding values repeated more than
	// [MaxRepeat] times.
	ErrRepeated = fmt.Errorf("a row holding values is repeated more than %d times", MaxRepeat)
)

// MaxRepeat is the most times a row holding a value may be repeated
// (table:number-rows-repeated). Identical rows are duplicates in the files
// ovsync writes; a longer run is a value filled down the sheet by
// accident, which would write up to a million rows.
const MaxRepeat = 10000

// corrupt returns an [ErrCorrupt] error saying what was wrong.
func corrupt(format string, args ...any) error { return sheet.Corrupt(ErrCorrupt, format, args...) }

// Workbook is an open OpenDocument spreadsheet. Its methods may be called
// concurrently: reading a sheet changes nothing.
type Workbook struct {
	open   func() (io.ReadCloser, error) // the content XML, from its start
	size   int64                         // its size, as far as known
	sheets []sheet.Sheet
	spans  []span // where each sheet's XML is

	mu     sync.Mutex
	cur    *cursor         // the pass the last sheet read left, nil when none
	passes int             // passes over the content begun for sheets
	budget *formula.Budget // of the formulas computed, shared by the sheets
}

// cursor is a pass over the content: the scanner where the last sheet
// read stopped, and the buffers of its rows, kept for the next sheet.
type cursor struct {
	rc    io.ReadCloser
	s     *xmlscan.Scanner
	cells []sheet.Cell
	text  []byte
}

// span is where a table of the spreadsheet is in the content.
type span struct {
	offset int64 // of its <table:table> start tag
	end    int64 // past its end tag
}

// Open reads the sheet list of the .ods or .fods file r of the given size.
func Open(r io.ReaderAt, size int64) (*Workbook, error) {
	head := make([]byte, min(size, 4))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, err
	}
	w := &Workbook{budget: formula.NewBudget()}
	switch {
	case string(head) == "PK\x03\x04":
		zr, err := zip.NewReader(r, size)
		if err != nil {
			return nil, corrupt("damaged zip archive: %v", err)
		}
		var content, manifest *zip.File
		for _, f := range zr.File {
			switch f.Name {
			case "content.xml":
				content = f
			case "META-INF/manifest.xml":
				manifest = f
			}
		}
		if manifest != nil && encrypted(manifest) {
			return nil, ErrEncrypted
		}
		if content == nil {
			return nil, corrupt("no content.xml")
		}
		w.open = content.Open
		w.size = int64(content.UncompressedSize64)
	case len(head) > 0 && (head[0] == '<' || head[0] == 0xEF || head[0] == ' ' || head[0] == '\n' || head[0] == '\r' || head[0] == '\t'):
		w.open = func() (io.ReadCloser, error) { return io.NopCloser(io.NewSectionReader(r, 0, size)), nil }
		w.size = size
	default:
		return nil, ErrNotODS
	}
	if err := w.index(); err != nil {
		return nil, err
	}
	return w, nil
}

// encrypted reports whether the manifest f lists encrypted entries.
func encrypted(f *zip.File) bool {
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	s := xmlscan.New(rc)
	for s.Next() != xmlscan.EOF {
		if s.Kind == xmlscan.Start && string(s.Name) == "encryption-data" {
			return true
		}
	}
	return false
}

// index reads the content once: the table styles that hide a sheet, and
// the name and start of each sheet. A sheet's content is skipped to its
// end tag without being read (spreadsheets do not nest tables).
func (w *Workbook) index() error {
	rc, err := w.open()
	if err != nil {
		return corrupt("content.xml: %v", err)
	}
	defer rc.Close()
	s := xmlscan.New(rc)
	hiddenStyles := map[string]bool{}
	var style string // the table style being read
	body := false    // inside office:body
	for {
		off := s.Offset()
		k := s.Next()
		if k == xmlscan.EOF {
			break
		}
		if k != xmlscan.Start {
			if k == xmlscan.End && string(s.Name) == "style" {
				style = ""
			}
			continue
		}
		switch string(s.Name) {
		case "body":
			body = true
		case "style":
			if fam, _ := xmlscan.Attr(s.Attrs, "style:family"); string(fam) == "table" && !s.Empty {
				name, _ := xmlscan.Attr(s.Attrs, "style:name")
				style = unescape(name)
			}
		case "table-properties":
			if v, _ := xmlscan.Attr(s.Attrs, "table:display"); style != "" && string(v) == "false" {
				hiddenStyles[style] = true
			}
		case "table":
			if !body {
				continue
			}
			name, _ := xmlscan.Attr(s.Attrs, "table:name")
			st, _ := xmlscan.Attr(s.Attrs, "table:style-name")
			sh := sheet.Sheet{Name: unescape(name), Hidden: hiddenStyles[unescape(st)]}
			if !s.Empty && !s.SkipPast([]byte("</"+string(s.Qual)+">")) {
				return corrupt("content.xml: the sheet %q does not end", sh.Name)
			}
			w.sheets = append(w.sheets, sh)
			w.spans = append(w.spans, span{offset: off, end: s.Offset()})
		}
	}
	if err := s.Err(); err != nil {
		return corrupt("content.xml: %v", xmlscan.ErrText(err))
	}
	if !body {
		return corrupt("no office:body: not a spreadsheet's content")
	}
	return nil
}

// unescape returns an attribute value with its references replaced.
func unescape(v []byte) string {
	if strings.ContainsAny(string(v), "&\r") {
		return string(xmlscan.Unescape(nil, v))
	}
	return string(v)
}

// Sheets returns the sheets, in order; [Workbook.Rows] takes an index
// into this list. Hidden sheets are listed.
func (w *Workbook) Sheets() []sheet.Sheet { return slices.Clone(w.sheets) }
