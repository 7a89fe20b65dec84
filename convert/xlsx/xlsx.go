// Package xlsx reads Office Open XML workbooks (.xlsx, .xlsm): the sheet
// names and every cell as the value a person means, rendered by
// [cellfmt], one row at a time.
//
// An .xlsx file is a zip archive of XML parts. This reader reads the
// small parts whole (the workbook's sheet list and date system, the
// relationships, the number formats of the styles) and the shared string
// table once; each sheet is then streamed through a small tokenizer, so
// memory does not grow with the number of rows. It knows what carries
// values: shared strings (t="s"), inline and formula strings (t="str",
// t="inlineStr"), booleans (t="b"), errors (t="e"), ISO dates (t="d") and
// numbers, shown through the number format of the cell's style (cellXfs
// and numFmts, or a built-in format id). Formulas are read by their cached
// value; a formula without one (as excelize, openpyxl and other libraries
// write them), with one its formula cannot give (a number for a formula
// of text functions: [formula]), or in a workbook that asks to be
// recalculated when opened (calcPr fullCalcOnLoad, as XlsxWriter, which
// stores 0 for every formula, and POI write), is computed by excelize's
// calculation engine, opened only for such a workbook, and marked
// [sheet.Cell].Computed, or marked [sheet.Cell].Unknown when it cannot be
// computed. Everything else (styles beyond number formats, drawings,
// comments) is skipped. The cells are handed over in convert's one sheet
// model ([sheet]), each row laid out by its assembly ([sheet.Row]).
//
// It reads what Excel, LibreOffice, Gnumeric and the common libraries
// write, prefixed element names included. Every index and length read from
// the file is checked: a damaged file gives an error, never a panic.
//
// Memory: the small parts read whole (each refused past its limit), the
// shared strings as strings (refused past 64 times the file's size
// unpacked, or 16 entries for each byte of the file; at least 16 MiB and
// 65,536 entries), one row of cells (at most 16,384 columns, or those
// kept by [Rows.Limit]) and the largest single tag or text of a sheet
// ([xmlscan.MaxToken]): never what counts in the file claim (uniqueCount,
// dimension, far-away cell references). Fuzzing checks that reading a
// sheet allocates less than 64 times its XML and 4 MiB. The calculation
// engine, opened only for formulas without results, holds the workbook in
// memory, unzipping at most 64 times the file's size (and 64 MiB), and is
// given only formulas whose cost, worked out from the workbook's cells
// beforehand, stays within a budget that does not depend on the machine
// ([MaxCalcCells] cells read per workbook, [MaxRefCells] per reference,
// [MaxCalcText] bytes of text per step, [MaxCalcDepth] formulas deep;
// functions whose cost depends on their arguments' values, such as REPT,
// are not computed): a cell past it is marked [sheet.Cell].Unknown,
// saying why.
package xlsx

import (
	"github.com/ovsync/ovsync/convert/internal/xmlscan"

	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/formula"
	"github.com/ovsync/ovsync/convert/sheet"
)

// The errors that [Open] and [Rows] wrap; test for them with errors.Is.
// Their texts say what to do.
var (
	// ErrNotZip means the file is not a zip archive, so not an .xlsx.
	ErrNotZip = errors.New("not an .xlsx workbook (no zip signature): check the file's real format")
	// ErrNotWorkbook means a zip archive that holds no Excel workbook.
	ErrNotWorkbook = errors.New("a zip archive, but not an Excel workbook")
	// ErrCorrupt means a truncated or damaged file ([sheet.ErrCorrupt]).
	ErrCorrupt = fmt.Errorf("workbook is %w", sheet.ErrCorrupt)
	// ErrXLSB means an Excel binary workbook, a zip of binary parts.
	ErrXLSB = errors.New("an Excel binary workbook (.xlsb), which convert does not read: open it in Excel and save it as .xlsx")
	// ErrNumbers means an Apple Numbers spreadsheet.
	ErrNumbers = errors.New("an Apple Numbers spreadsheet, which convert does not read: in Numbers, choose File > Export To > Excel, and convert the .xlsx")
)

// corrupt returns an [ErrCorrupt] error saying what was wrong.
func corrupt(format string, args ...any) error { return sheet.Corrupt(ErrCorrupt, format, args...) }

// Relationship types, by the end of their URI (the transitional and the
// strict namespaces differ only before it).
const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
	relSharedStrings  = "/sharedStrings"
	relStyles         = "/styles"
)

// Workbook is an open .xlsx workbook. The shared strings and formats are
// held in memory; sheets are read from the archive when asked for. Its
// methods may be called concurrently: reading a sheet changes nothing.
type Workbook struct {
	files    map[string]*zip.File // by lower-case name with forward slashes
	sheets   []sheet.Sheet
	parts    []string // the zip entry of each sheet's XML
	sst      []string
	xf       []cellfmt.Format // number format of each cellXfs entry
	date1904 bool
	recalc   bool            // calcPr fullCalcOnLoad: the stored results may be stale
	budget   *formula.Budget // of the formulas' constants, read for their kind

	// The file, and its calculation engine once a formula without a
	// stored result needs it.
	r    io.ReaderAt
	size int64
	calc calc
}

// Open reads the workbook of the .xlsx file r of the given size: its
// sheet list, date system, number formats and shared strings. Cells are
// read by [Workbook.Rows].
func Open(r io.ReaderAt, size int64) (*Workbook, error) {
	head := make([]byte, 4)
	if size < 4 {
		return nil, ErrNotZip
	}
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, err
	}
	if string(head[:2]) != "PK" {
		return nil, ErrNotZip
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, corrupt("damaged zip archive: %v", err)
	}
	w := &Workbook{files: make(map[string]*zip.File, len(zr.File)), r: r, size: size, budget: formula.NewBudget()}
	for _, f := range zr.File {
		w.files[partName(f.Name)] = f
	}
	book := w.officeDocument()
	switch {
	case strings.HasSuffix(book, ".bin") && w.files[book] != nil, w.files["xl/workbook.bin"] != nil && w.files["xl/workbook.xml"] == nil:
		return nil, ErrXLSB
	case w.files[book] == nil:
		return nil, w.notWorkbook()
	}
	if err := w.readWorkbook(book); err != nil {
		return nil, err
	}
	return w, nil
}

// partName normalises a part name: no leading slash, forward slashes,
// lower case (part names are case-insensitive).
func partName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	return strings.ToLower(strings.TrimPrefix(name, "/"))
}

// notWorkbook explains what a zip archive without a workbook part is.
func (w *Workbook) notWorkbook() error {
	if f := w.files["mimetype"]; f != nil {
		b, _ := readPart(f, 256)
		kind := strings.TrimSpace(string(b))
		if kind == ods {
			return fmt.Errorf("%w: it is an OpenDocument spreadsheet (.ods): open it in a spreadsheet program and save it as .xlsx", ErrNotWorkbook)
		}
		if name, ok := openDocumentKinds[kind]; ok {
			return fmt.Errorf("%w: it is an OpenDocument %s: export the data from a spreadsheet program as .xlsx", ErrNotWorkbook, name)
		}
		if strings.HasPrefix(kind, "application/vnd.oasis.opendocument.") {
			return fmt.Errorf("%w: it is an OpenDocument file: export the data from a spreadsheet program as .xlsx", ErrNotWorkbook)
		}
	}
	switch {
	case w.files["index/document.iwa"] != nil, w.files["index.zip"] != nil, w.files["index.xml.gz"] != nil, w.files["index.xml"] != nil && w.files["quicklook/preview.pdf"] != nil:
		return ErrNumbers
	case w.files["word/document.xml"] != nil:
		return fmt.Errorf("%w: it is a Word document: export the data from a spreadsheet program as .xlsx", ErrNotWorkbook)
	case w.files["ppt/presentation.xml"] != nil:
		return fmt.Errorf("%w: it is a PowerPoint presentation: export the data from a spreadsheet program as .xlsx", ErrNotWorkbook)
	}
	return fmt.Errorf("%w (no xl/workbook.xml): unzip it and convert the workbook inside, or save the data from a spreadsheet program as .xlsx", ErrNotWorkbook)
}

// ods is the media type of an OpenDocument spreadsheet.
const ods = "application/vnd.oasis.opendocument.spreadsheet"

// openDocumentKinds name the other OpenDocument files by media type.
var openDocumentKinds = map[string]string{
	"application/vnd.oasis.opendocument.text":         "text document (.odt)",
	"application/vnd.oasis.opendocument.presentation": "presentation (.odp)",
	"application/vnd.oasis.opendocument.graphics":     "drawing (.odg)",
}

// officeDocument returns the workbook part named by the package's
// relationships, or the usual xl/workbook.xml.
func (w *Workbook) officeDocument() string {
	rels, err := w.rels("_rels/.rels", "")
	if err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, relOfficeDocument) && w.files[r.target] != nil {
				return r.target
			}
		}
	}
	return "xl/workbook.xml"
}

// rel is one relationship: its id, type and target part.
type rel struct {
	id, typ, target string
}

// rels reads the relationships part name; targets are resolved against
// the folder dir.
func (w *Workbook) rels(name, dir string) ([]rel, error) {
	f := w.files[name]
	if f == nil {
		return nil, nil
	}
	b, err := readPart(f, 16<<20)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := unmarshal(b, &doc); err != nil {
		return nil, corrupt("%s: %v", name, err)
	}
	out := make([]rel, 0, len(doc.Rels))
	for _, r := range doc.Rels {
		if r.Mode == "External" {
			continue
		}
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = partName(t)
		} else {
			t = partName(path.Join(dir, t))
		}
		out = append(out, rel{id: r.ID, typ: r.Type, target: t})
	}
	return out, nil
}

// readWorkbook reads the workbook part and what it refers to.
func (w *Workbook) readWorkbook(book string) error {
	b, err := readPart(w.files[book], 64<<20)
	if err != nil {
		return err
	}
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Calc struct {
			FullCalcOnLoad string `xml:"fullCalcOnLoad,attr"`
		} `xml:"calcPr"`
		Sheets []workbookSheet `xml:"sheets>sheet"`
	}
	if err := unmarshal(b, &doc); err != nil {
		return corrupt("%s: %v", book, err)
	}
	w.date1904 = doc.Pr.Date1904 == "1" || strings.EqualFold(doc.Pr.Date1904, "true")
	w.recalc = doc.Calc.FullCalcOnLoad == "1" || strings.EqualFold(doc.Calc.FullCalcOnLoad, "true")

	dir := path.Dir(book)
	rels, err := w.rels(path.Join(dir, "_rels", path.Base(book)+".rels"), dir)
	if err != nil {
		return err
	}
	if err := w.listSheets(doc.Sheets, rels); err != nil {
		return err
	}
	return w.readShared(rels)
}

// workbookSheet is an entry of the workbook part's sheet list.
type workbookSheet struct {
	Name  string     `xml:"name,attr"`
	State string     `xml:"state,attr"`
	Attrs []xml.Attr `xml:",any,attr"`
}

// listSheets keeps the worksheets of the sheet list, each with the part
// its relationship (among rels) names.
func (w *Workbook) listSheets(sheets []workbookSheet, rels []rel) error {
	byID := map[string]rel{}
	for _, r := range rels {
		byID[r.id] = r
	}
	for _, s := range sheets {
		var id string
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && a.Name.Space != "" {
				id = a.Value
			}
		}
		r, ok := byID[id]
		if !ok || !strings.HasSuffix(r.typ, relWorksheet) {
			continue // a chart sheet, a dialog sheet, or a dangling entry
		}
		if w.files[r.target] == nil {
			return corrupt("sheet %q has no part %s", s.Name, r.target)
		}
		w.sheets = append(w.sheets, sheet.Sheet{Name: s.Name, Hidden: s.State == "hidden" || s.State == "veryHidden"})
		w.parts = append(w.parts, r.target)
	}
	return nil
}

// readShared reads what the sheets share: the number formats of the
// styles and the shared string table, in the parts rels name or under
// their usual names.
func (w *Workbook) readShared(rels []rel) error {
	var sstPart, stylesPart string
	for _, r := range rels {
		switch {
		case strings.HasSuffix(r.typ, relSharedStrings):
			sstPart = r.target
		case strings.HasSuffix(r.typ, relStyles):
			stylesPart = r.target
		}
	}
	if stylesPart == "" && w.files["xl/styles.xml"] != nil {
		stylesPart = "xl/styles.xml"
	}
	if sstPart == "" && w.files["xl/sharedstrings.xml"] != nil {
		sstPart = "xl/sharedstrings.xml"
	}
	if f := w.files[stylesPart]; f != nil {
		if err := w.readStyles(f); err != nil {
			return err
		}
	}
	if f := w.files[sstPart]; f != nil {
		if err := w.readSharedStrings(f); err != nil {
			return err
		}
	}
	return nil
}

// readStyles reads the number format of each cell style (cellXfs): a
// custom code from numFmts or a built-in format id.
func (w *Workbook) readStyles(f *zip.File) error {
	b, err := readPart(f, 64<<20)
	if err != nil {
		return err
	}
	var doc struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := unmarshal(b, &doc); err != nil {
		return corrupt("%s: %v", f.Name, err)
	}
	custom := make(map[int]cellfmt.Format, len(doc.NumFmts))
	for _, n := range doc.NumFmts {
		custom[n.ID] = cellfmt.Parse(n.Code)
	}
	w.xf = make([]cellfmt.Format, len(doc.Xfs))
	for i, x := range doc.Xfs {
		if c, ok := custom[x.NumFmtID]; ok {
			w.xf[i] = c
		} else {
			w.xf[i] = cellfmt.Builtin(x.NumFmtID)
		}
	}
	return nil
}

// The shared string table is bounded by the file's size, like the rest of
// the workbook: what it unpacks (64 times the file, at least 16 MiB) and
// its entries (16 for each byte of the file, at least 65,536). A real
// table compresses about tenfold and holds one entry for tens of bytes;
// one past these bounds is a zip bomb, refused before it fills memory.
const (
	sstUnpackPerByte  = 64
	sstUnpackMin      = 16 << 20
	sstEntriesPerByte = 16
	sstEntriesMin     = 1 << 16
)

// errUnpacked ends a part read past its bound.
var errUnpacked = errors.New("unpacked past its bound")

// boundedReader reads at most n more bytes of r, then fails with
// errUnpacked.
type boundedReader struct {
	r io.Reader
	n int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, errUnpacked
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	return n, err
}

// readSharedStrings reads the shared string table: the text of each <si>,
// its rich-text runs joined, phonetic runs (<rPh>) left out.
func (w *Workbook) readSharedStrings(f *zip.File) error {
	rc, err := openPart(f)
	if err != nil {
		return corrupt("%s: %v", f.Name, err)
	}
	defer rc.Close()
	unpack := max(sstUnpackPerByte*w.size, sstUnpackMin)
	entries := max(sstEntriesPerByte*w.size, sstEntriesMin)
	s := xmlscan.New(&boundedReader{r: rc, n: unpack})
	var text []byte
	for s.Next() != xmlscan.EOF {
		if s.Kind == xmlscan.Start && string(s.Name) == "sst" {
			if v, ok := xmlscan.Attr(s.Attrs, "uniqueCount"); ok {
				// A count is a claim: trust it only so far, append does the rest.
				if n, err := strconv.Atoi(string(v)); err == nil && n > 0 {
					w.sst = make([]string, 0, min(n, 4096))
				}
			}
		}
		// Excel 2007's beta wrote <sstItem> for <si>.
		if s.Kind != xmlscan.Start || string(s.Name) != "si" && string(s.Name) != "sstItem" {
			continue
		}
		if int64(len(w.sst)) >= entries {
			return corrupt("%s holds more than %d strings, too many for a file of %d bytes", f.Name, entries, w.size)
		}
		text = text[:0]
		if !s.Empty {
			text = stringItem(s, text, string(s.Name))
		}
		w.sst = append(w.sst, string(decodeEscapes(text)))
	}
	if err := s.Err(); errors.Is(err, errUnpacked) {
		return corrupt("%s unpacks to more than %d bytes, too many for a file of %d bytes", f.Name, unpack, w.size)
	} else if err != nil {
		return corrupt("%s: %v", f.Name, xmlscan.ErrText(err))
	}
	return nil
}

// stringItem appends the text of the <t> elements inside the element end
// (<si> or <is>) whose start tag was just read, skipping phonetic runs.
func stringItem(s *xmlscan.Scanner, dst []byte, end string) []byte {
	for {
		switch s.Next() {
		case xmlscan.EOF:
			return dst
		case xmlscan.End:
			if string(s.Name) == end {
				return dst
			}
		case xmlscan.Start:
			switch string(s.Name) {
			case "t":
				dst = s.ElementText(dst)
			case "rPh":
				s.SkipElement()
			}
		}
	}
}

// readPart reads a small part whole, refusing one larger than limit.
func readPart(f *zip.File, limit int64) ([]byte, error) {
	rc, err := openPart(f)
	if err != nil {
		return nil, corrupt("%s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, corrupt("%s: %v", f.Name, xmlscan.ErrText(err))
	}
	if int64(len(b)) > limit {
		return nil, corrupt("%s is larger than %d bytes", f.Name, limit)
	}
	return b, nil
}

// Sheets returns the workbook's worksheets, in workbook order;
// [Workbook.Rows] takes an index into this list. Chart sheets are left
// out; hidden worksheets are listed.
func (w *Workbook) Sheets() []sheet.Sheet { return slices.Clone(w.sheets) }

// Date1904 reports whether the workbook counts dates from 1904 (the old
// Macintosh date system) rather than 1900.
func (w *Workbook) Date1904() bool { return w.date1904 }

// format returns the number format of cell style s.
func (w *Workbook) format(s int) cellfmt.Format {
	if s >= 0 && s < len(w.xf) {
		return w.xf[s]
	}
	return cellfmt.Format{}
}

// sharedString returns shared string i.
func (w *Workbook) sharedString(i int) (string, bool) {
	if i < 0 || i >= len(w.sst) {
		return "", false
	}
	return w.sst[i], true
}
