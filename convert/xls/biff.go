package xls

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ovsync/ovsync/convert/cellfmt"
	"github.com/ovsync/ovsync/convert/sheet"
)

// Record types, from [MS-XLS] section 2.3 (BIFF8) and the Excel 5.0
// documentation (BIFF5).
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recCodePage   = 0x0042
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recRString    = 0x00D6
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recShrFmla    = 0x04BC
	recBOF        = 0x0809
)

// BOF versions and substream types.
const (
	biff8Version = 0x0600
	biff5Version = 0x0500
	bofGlobals   = 0x0005
	bofWorksheet = 0x0010
)

// errorTexts are the error values of BOOLERR and FORMULA records.
var errorTexts = map[byte]string{
	0x00: "#NULL!",
	0x07: "#DIV/0!",
	0x0F: "#VALUE!",
	0x17: "#REF!",
	0x1D: "#NAME?",
	0x24: "#NUM!",
	0x2A: "#N/A",
	0x2B: "#GETTING_DATA",
}

// errorText returns the text of an error code.
func errorText(code byte) string {
	if s, ok := errorTexts[code]; ok {
		return s
	}
	return fmt.Sprintf("#ERR%02X", code)
}

func u16(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(b[off:]) }
func u32(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

// record returns the record at pos of the stream: its type, its data and
// the position of the next record.
func (w *Workbook) record(pos int) (typ uint16, data []byte, next int, err error) {
	if pos < 0 || pos+4 > len(w.stream) {
		return 0, nil, 0, corrupt("record header past the end of the workbook stream at byte %d", pos)
	}
	typ = u16(w.stream, pos)
	n := int(u16(w.stream, pos+2))
	next = pos + 4 + n
	if next > len(w.stream) {
		return 0, nil, 0, corrupt("record 0x%04X at byte %d runs past the end of the workbook stream", typ, pos)
	}
	return typ, w.stream[pos+4 : next], next, nil
}

// continued returns data followed by the data of the CONTINUE records
// after it, as the segments of one logical record, and the position of
// the first record that is not a CONTINUE.
func (w *Workbook) continued(data []byte, next int) (segs [][]byte, after int) {
	segs = [][]byte{data}
	for {
		typ, d, n, err := w.record(next)
		if err != nil || typ != recContinue {
			return segs, next
		}
		segs = append(segs, d)
		next = n
	}
}

// segReader reads a record split over CONTINUE records. Character data
// that is cut by a record boundary goes on after a one-byte flag telling
// whether the rest is compressed (8-bit) or not (16-bit); everything
// else simply goes on.
type segReader struct {
	segs [][]byte
	i    int // current segment
	off  int // in the current segment
	buf  []uint16
}

// avail returns how many bytes are left in the current segment, moving to
// the next non-empty segment first if the current one is used up.
func (r *segReader) avail() int {
	for r.i < len(r.segs) && r.off >= len(r.segs[r.i]) {
		r.i++
		r.off = 0
	}
	if r.i >= len(r.segs) {
		return 0
	}
	return len(r.segs[r.i]) - r.off
}

// skip moves n bytes on.
func (r *segReader) skip(n int) bool {
	for n > 0 {
		a := r.avail()
		if a == 0 {
			return false
		}
		m := min(a, n)
		r.off += m
		n -= m
	}
	return true
}

// byte1 reads one byte.
func (r *segReader) byte1() (byte, bool) {
	if r.avail() == 0 {
		return 0, false
	}
	b := r.segs[r.i][r.off]
	r.off++
	return b, true
}

// uint reads a little-endian unsigned integer of n bytes (n <= 4).
func (r *segReader) uint(n int) (uint32, bool) {
	var v uint32
	for i := range n {
		b, ok := r.byte1()
		if !ok {
			return 0, false
		}
		v |= uint32(b) << (8 * i)
	}
	return v, true
}

// unicode reads a BIFF8 string of cch characters whose option flags byte
// comes next: XLUnicodeString, or XLUnicodeRichExtendedString when rich
// is set (SST strings may carry formatting runs and phonetic data).
func (r *segReader) unicode(cch int, rich bool) (string, bool) {
	flags, ok := r.byte1()
	if !ok {
		return "", false
	}
	var runs, ext uint32
	if rich && flags&0x08 != 0 {
		if runs, ok = r.uint(2); !ok {
			return "", false
		}
	}
	if rich && flags&0x04 != 0 {
		if ext, ok = r.uint(4); !ok {
			return "", false
		}
	}
	s, ok := r.chars(cch, flags&0x01 != 0)
	if !ok {
		return "", false
	}
	// Formatting runs (4 bytes each) and phonetic data are not text.
	if !r.skip(int(runs)*4) || !r.skip(int(ext)) {
		return "", false
	}
	return s, true
}

// chars reads cch characters, 16-bit when high is set and 8-bit (the low
// byte of a UTF-16 unit: Latin-1) otherwise. Characters cut by a record
// boundary go on in the next segment after a flag byte that may switch
// between 8 and 16 bits.
//
// Gnumeric splits long LABEL and RSTRING records anywhere, without flag
// bytes: a 16-bit character cut in half at a boundary means the rest of
// the string goes on that way.
func (r *segReader) chars(cch int, high bool) (string, bool) {
	r.buf = r.buf[:0]
	ascii, raw := true, false
	for {
		var seg []byte
		if r.i < len(r.segs) {
			seg = r.segs[r.i][r.off:]
		}
		n := min(cch, len(seg))
		if high {
			n = min(cch, len(seg)/2)
			for j := range n {
				u := u16(seg, 2*j)
				ascii = ascii && u < utf8.RuneSelf
				r.buf = append(r.buf, u)
			}
			r.off += 2 * n
		} else {
			for _, b := range seg[:n] {
				ascii = ascii && b < utf8.RuneSelf
				r.buf = append(r.buf, uint16(b))
			}
			r.off += n
		}
		cch -= n
		if cch == 0 {
			break
		}
		if r.i+1 >= len(r.segs) || len(r.segs[r.i+1]) == 0 {
			return "", false // cut short
		}
		next := r.segs[r.i+1]
		switch left := len(r.segs[r.i]) - r.off; {
		case left == 1 && high:
			u := uint16(r.segs[r.i][r.off]) | uint16(next[0])<<8
			ascii = ascii && u < utf8.RuneSelf
			r.buf = append(r.buf, u)
			cch--
			r.i, r.off, raw = r.i+1, 1, true
		case left != 0:
			return "", false
		case raw:
			r.i, r.off = r.i+1, 0
		default:
			high = next[0]&0x01 != 0
			r.i, r.off = r.i+1, 1
		}
		if cch == 0 {
			break
		}
	}
	if ascii {
		b := make([]byte, len(r.buf))
		for i, u := range r.buf {
			b[i] = byte(u)
		}
		return string(b), true
	}
	return string(utf16.Decode(r.buf)), true
}

// readSST reads the shared string table from the SST record data and its
// CONTINUE records.
func (w *Workbook) readSST(segs [][]byte) error {
	r := &segReader{segs: segs}
	if _, ok := r.uint(4); !ok { // total references
		return corrupt("shared string table too short")
	}
	unique, ok := r.uint(4)
	if !ok {
		return corrupt("shared string table too short")
	}
	total := 0
	for _, s := range segs {
		total += len(s)
	}
	// Each string takes at least 3 bytes: do not trust the count further.
	w.sst = make([]string, 0, min(int(unique), total/3))
	for range unique {
		if r.avail() == 0 {
			break // fewer strings than announced: LABELSST will say
		}
		cch, ok := r.uint(2)
		if !ok {
			return corrupt("shared string %d cut short", len(w.sst))
		}
		s, ok := r.unicode(int(cch), true)
		if !ok {
			return corrupt("shared string %d cut short", len(w.sst))
		}
		w.sst = append(w.sst, s)
	}
	return nil
}

// text8 decodes the 8-bit text of a BIFF5 workbook with its code page.
//
// Code page 1200 (UTF-16) in a BIFF5 workbook is what Gnumeric writes: it
// then stores a string holding only ASCII as 8-bit text, and any other
// string as UTF-16LE with its length in bytes. A string with a NUL or a
// byte over 0x7F is read as UTF-16LE; other strings as ASCII, which
// misreads the rare UTF-16 string whose bytes all look like ASCII (as
// Gnumeric and LibreOffice do too).
func (w *Workbook) text8(b []byte) string {
	if w.codePage == 1200 {
		if len(b)%2 == 0 && slices.ContainsFunc(b, func(c byte) bool { return c == 0 || c >= utf8.RuneSelf }) {
			u := make([]uint16, len(b)/2)
			for i := range u {
				u[i] = u16(b, 2*i)
			}
			return string(utf16.Decode(u))
		}
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	if s, err := codePage(w.codePage).Bytes(b); err == nil {
		return string(s)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// shortString reads a string with an 8-bit length at data[off:]: the
// ShortXLUnicodeString of BIFF8 (sheet names), or 8-bit text in BIFF5.
func (w *Workbook) shortString(data []byte, off int) (string, bool) {
	if off >= len(data) {
		return "", false
	}
	cch := int(data[off])
	if w.biff5 {
		if off+1+cch > len(data) {
			return "", false
		}
		return w.text8(data[off+1 : off+1+cch]), true
	}
	r := &segReader{segs: [][]byte{data[off+1:]}}
	return r.unicode(cch, false)
}

// longString reads a string with a 16-bit length starting at data[off:]
// of a record continued by segs[1:]: an XLUnicodeString in BIFF8, 8-bit
// text in BIFF5.
func (w *Workbook) longString(segs [][]byte, off int) (string, bool) {
	data := segs[0]
	if off+2 > len(data) {
		return "", false
	}
	cch := int(u16(data, off))
	if w.biff5 {
		if off+2+cch > len(data) {
			return "", false
		}
		return w.text8(data[off+2 : off+2+cch]), true
	}
	rest := append([][]byte{data[off+2:]}, segs[1:]...)
	r := &segReader{segs: rest}
	return r.unicode(cch, false)
}

// readGlobals reads the workbook globals substream: everything from the
// first BOF to its EOF.
func (w *Workbook) readGlobals() error {
	typ, data, pos, err := w.record(0)
	if err != nil {
		return err
	}
	if typ != recBOF || len(data) < 4 {
		if typ&0xFF == 0x09 {
			return ErrVersion // BOF of BIFF2 to BIFF4
		}
		return corrupt("workbook stream does not start with a BOF record")
	}
	switch ver := u16(data, 0); {
	case ver == biff8Version && !w.biff5:
	case ver == biff5Version || w.biff5:
		// An Excel 5.0/95 workbook, whatever its stream is called.
		w.biff5 = true
	default:
		return corrupt("unknown BIFF version 0x%04X", ver)
	}
	w.codePage = 1252
	formats := map[uint16]string{}
	var xfFormats []uint16
	for {
		typ, data, next, err := w.record(pos)
		if err != nil {
			return err
		}
		switch typ {
		case recEOF:
			w.setFormats(formats, xfFormats)
			return nil
		case recFilePass:
			return ErrEncrypted
		case recCodePage:
			if len(data) >= 2 {
				w.codePage = u16(data, 0)
			}
		case recDateMode:
			w.date1904 = len(data) >= 2 && u16(data, 0) == 1
		case recFormat:
			if len(data) < 2 {
				return corrupt("FORMAT record too short at byte %d", pos)
			}
			var code string
			var ok bool
			if w.biff5 {
				code, ok = w.shortString(data, 2)
			} else {
				code, ok = w.longString([][]byte{data}, 2)
			}
			if !ok {
				return corrupt("FORMAT record cut short at byte %d", pos)
			}
			formats[u16(data, 0)] = code
		case recXF:
			if len(data) < 4 {
				return corrupt("XF record too short at byte %d", pos)
			}
			xfFormats = append(xfFormats, u16(data, 2))
		case recBoundSheet:
			if len(data) < 7 {
				return corrupt("BOUNDSHEET record too short at byte %d", pos)
			}
			name, ok := w.shortString(data, 6)
			if !ok {
				return corrupt("sheet name cut short at byte %d", pos)
			}
			// Only worksheets (type 0) hold a table of cells; charts,
			// macro sheets and modules are left out.
			if data[5] == 0 {
				w.sheets = append(w.sheets, sheet.Sheet{Name: name, Hidden: data[4]&0x03 != 0})
				w.offsets = append(w.offsets, int(u32(data, 0)))
			}
		case recSST:
			var segs [][]byte
			segs, next = w.continued(data, next)
			if err := w.readSST(segs); err != nil {
				return err
			}
		}
		pos = next
	}
}

// setFormats resolves each XF record's number format: a FORMAT record of
// the workbook, or else a built-in format.
func (w *Workbook) setFormats(codes map[uint16]string, xf []uint16) {
	parsed := map[uint16]cellfmt.Format{}
	w.xf = make([]cellfmt.Format, len(xf))
	for i, id := range xf {
		f, ok := parsed[id]
		if !ok {
			if code, ok := codes[id]; ok {
				f = cellfmt.Parse(code)
			} else {
				f = cellfmt.Builtin(int(id))
			}
			parsed[id] = f
		}
		w.xf[i] = f
	}
}

// number renders the number v of a cell with the XF record ixfe.
func (w *Workbook) number(ixfe uint16, v float64) string {
	if int(ixfe) < len(w.xf) {
		return w.xf[ixfe].Render(v, w.date1904)
	}
	return cellfmt.Number(v)
}
