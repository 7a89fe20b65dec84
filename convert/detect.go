package convert

import (
	"bytes"
	"unicode/utf8"
)

// Format is the real format of an input file, told from its bytes.
type Format int

// The formats [Detect] tells apart.
const (
	// FormatBinary is data that is no format convert reads.
	FormatBinary Format = iota
	// FormatEmpty is an empty file (or only a byte order mark).
	FormatEmpty
	// FormatText is delimited text: CSV, TSV, semicolon-separated.
	FormatText
	// FormatHTML is an HTML page, such as a table saved as .xls.
	FormatHTML
	// FormatXLSX is a zip archive, an Office Open XML workbook if
	// anything.
	FormatXLSX
	// FormatXLS is an OLE2 compound file: an Excel 97-2003 or 5.0/95
	// workbook, or an encrypted .xlsx.
	FormatXLS
	// FormatOldExcel is an Excel 2.x to 4.0 worksheet (bare BIFF2-4).
	FormatOldExcel
	// FormatSpreadsheetML is an Excel 2003 XML spreadsheet.
	FormatSpreadsheetML
	// FormatXML is another XML document.
	FormatXML
	// FormatODS is an OpenDocument spreadsheet: an .ods zip archive, or
	// a flat .fods XML document.
	FormatODS
)

// String returns the format's name for messages.
func (f Format) String() string {
	switch f {
	case FormatEmpty:
		return "empty file"
	case FormatText:
		return "text"
	case FormatHTML:
		return "HTML"
	case FormatXLSX:
		return "xlsx"
	case FormatXLS:
		return "xls"
	case FormatOldExcel:
		return "Excel 2.x-4.0 worksheet"
	case FormatSpreadsheetML:
		return "Excel 2003 XML spreadsheet"
	case FormatXML:
		return "XML"
	case FormatODS:
		return "OpenDocument spreadsheet"
	}
	return "binary data"
}

// The text encodings [Detect] names. Any other WHATWG label (latin1,
// shift_jis, …) may be given to [Options].Encoding.
const (
	UTF8        = "utf-8"
	UTF16LE     = "utf-16le"
	UTF16BE     = "utf-16be"
	Windows1252 = "windows-1252"
)

// Detection is what [Detect] found.
type Detection struct {
	// Format is the file's real format.
	Format Format
	// Encoding is the text encoding of a text or HTML file: UTF8,
	// UTF16LE, UTF16BE or Windows1252.
	Encoding string
	// BOM is the length of the byte order mark that starts the file (0,
	// 2 or 3).
	BOM int
}

// Byte signatures.
var (
	zipSignature      = []byte("PK\x03\x04")
	emptyZipSignature = []byte("PK\x05\x06")
	oleSignature      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	bomUTF8           = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE        = []byte{0xFF, 0xFE}
	bomUTF16BE        = []byte{0xFE, 0xFF}
)

// Detect tells a file's format from its first bytes, head (a few
// kilobytes are enough; the whole file when it is smaller). atEOF says
// that head is the whole file.
//
// Text is UTF-16 when it starts with a UTF-16 byte order mark, or when
// every other byte is NUL as in UTF-16 text without one; UTF-8 when it
// starts with the UTF-8 byte order mark or head is valid UTF-8 (the caller
// checks the rest of the file); Windows-1252 otherwise. Detect never
// fails: what it does not recognise is [FormatBinary].
func Detect(head []byte, atEOF bool) Detection {
	switch {
	case bytes.HasPrefix(head, zipSignature) && odsZip(head):
		return Detection{Format: FormatODS}
	case bytes.HasPrefix(head, zipSignature), bytes.HasPrefix(head, emptyZipSignature):
		return Detection{Format: FormatXLSX}
	case bytes.HasPrefix(head, oleSignature):
		return Detection{Format: FormatXLS}
	case oldBIFF(head):
		return Detection{Format: FormatOldExcel}
	}
	d := Detection{Encoding: UTF8}
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		d.BOM = 3
	case bytes.HasPrefix(head, bomUTF16LE):
		d.Encoding, d.BOM = UTF16LE, 2
	case bytes.HasPrefix(head, bomUTF16BE):
		d.Encoding, d.BOM = UTF16BE, 2
	default:
		d.Encoding = guessUTF16(head)
	}
	body := head[d.BOM:]
	if len(body) == 0 {
		d.Format = FormatEmpty
		return d
	}
	var text []byte // the start of the text as UTF-8
	switch d.Encoding {
	case UTF16LE, UTF16BE:
		text = utf16Head(body, d.Encoding == UTF16BE)
	default:
		if bytes.IndexByte(body, 0) >= 0 {
			d.Format, d.Encoding = FormatBinary, ""
			return d
		}
		valid := body
		if !atEOF {
			valid = trimIncomplete(body)
		}
		if !utf8.Valid(valid) {
			d.Encoding = Windows1252
		}
		text = body
	}
	d.Format = markup(text)
	return d
}

// odsMediaType is the media type of an OpenDocument spreadsheet.
const odsMediaType = "application/vnd.oasis.opendocument.spreadsheet"

// odsZip reports whether the zip archive starting head begins, as the
// OpenDocument format requires, with an uncompressed "mimetype" entry
// holding the media type of a spreadsheet (or of a spreadsheet template).
func odsZip(head []byte) bool {
	if len(head) < 30 || string(head[30:min(len(head), 38)]) != "mimetype" {
		return false
	}
	nameLen := int(head[26]) | int(head[27])<<8
	extraLen := int(head[28]) | int(head[29])<<8
	body := head[min(len(head), 30+nameLen+extraLen):]
	return bytes.HasPrefix(body, []byte(odsMediaType)) // or its -template
}

// oldBIFF reports whether head starts with the BOF record of a bare
// BIFF2, BIFF3 or BIFF4 worksheet (Excel 2.x to 4.0).
func oldBIFF(head []byte) bool {
	if len(head) < 8 || head[0] != 0x09 || head[2] < 4 || head[2] > 16 || head[3] != 0 {
		return false
	}
	switch head[1] {
	case 0x00, 0x02, 0x04:
		return true
	}
	return false
}

// guessUTF16 returns UTF16LE or UTF16BE for text without a byte order
// mark in which the NUL bytes fall on every other byte (ASCII letters in
// UTF-16), and UTF8 otherwise.
func guessUTF16(head []byte) string {
	n := min(len(head), 1024) &^ 1
	if n < 8 {
		return UTF8
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*10 >= pairs*7 && even*10 < pairs:
		return UTF16LE
	case even*10 >= pairs*7 && odd*10 < pairs:
		return UTF16BE
	}
	return UTF8
}

// utf16Head decodes the start of UTF-16 text to UTF-8, enough to look
// for markup.
func utf16Head(b []byte, bigEndian bool) []byte {
	out := make([]byte, 0, len(b)/2)
	for i := 0; i+1 < len(b) && len(out) < 4096; i += 2 {
		u := rune(b[i]) | rune(b[i+1])<<8
		if bigEndian {
			u = rune(b[i])<<8 | rune(b[i+1])
		}
		if u >= 0xD800 && u < 0xE000 {
			u = utf8.RuneError
		}
		out = utf8.AppendRune(out, u)
	}
	return out
}

// trimIncomplete drops a UTF-8 sequence cut at the end of b, so that a
// head cut in the middle of a character still reads as valid.
func trimIncomplete(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b // ASCII: nothing cut
		}
		if c >= 0xC0 { // a leading byte: is its sequence whole?
			if utf8.FullRune(b[len(b)-i:]) {
				return b
			}
			return b[:len(b)-i]
		}
	}
	return b
}

// markup tells HTML and XML documents from other text by how the text
// starts.
func markup(text []byte) Format {
	t := skipSpace(text)
	if !bytes.HasPrefix(t, []byte("<")) {
		return FormatText
	}
	lower := bytes.ToLower(t[:min(len(t), 4096)])
	if bytes.HasPrefix(lower, []byte("<?xml")) {
		switch {
		case bytes.Contains(lower, []byte("urn:schemas-microsoft-com:office:spreadsheet")):
			return FormatSpreadsheetML
		case bytes.Contains(lower, []byte("<html")):
			return FormatHTML
		case bytes.Contains(lower, []byte("<office:document")) && bytes.Contains(t, []byte(odsMediaType)):
			// A flat OpenDocument file: its root element's attributes,
			// the media type among them, may run past the first 4 KiB.
			return FormatODS
		}
		return FormatXML
	}
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<table", "<meta", "<!--", "<style", "<title"} {
		if bytes.HasPrefix(lower, []byte(p)) {
			return FormatHTML
		}
	}
	return FormatText
}

// skipSpace drops leading white space.
func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}
