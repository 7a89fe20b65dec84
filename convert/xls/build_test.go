package xls

import (
	"encoding/binary"
	"math"
	"unicode/utf16"
)

// This file builds workbooks for tests: BIFF records, workbook streams
// and the OLE2 compound file around them.

func le16(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }
func le32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }
func lef64(v float64) []byte {
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))
}

// cat joins byte slices.
func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// rec encodes one record.
func rec(typ int, data ...[]byte) []byte {
	d := cat(data...)
	return cat(le16(typ), le16(len(d)), d)
}

// chars8 or chars16: the characters of s, 8-bit (Latin-1) when every
// rune fits, 16-bit otherwise; with the matching option flags byte.
func chars(s string) (flags byte, b []byte) {
	u := utf16.Encode([]rune(s))
	wide := false
	for _, c := range u {
		if c > 0xFF {
			wide = true
		}
	}
	for _, c := range u {
		if wide {
			b = append(b, byte(c), byte(c>>8))
		} else {
			b = append(b, byte(c))
		}
	}
	if wide {
		return 1, b
	}
	return 0, b
}

// str16 is an XLUnicodeString: 16-bit count, flags, characters.
func str16(s string) []byte {
	f, b := chars(s)
	return cat(le16(len(utf16.Encode([]rune(s)))), []byte{f}, b)
}

// str8 is a ShortXLUnicodeString: 8-bit count, flags, characters.
func str8(s string) []byte {
	f, b := chars(s)
	return cat([]byte{byte(len(utf16.Encode([]rune(s))))}, []byte{f}, b)
}

// cellHead is the row, column and XF index that start a cell record.
func cellHead(row, col, xf int) []byte { return cat(le16(row), le16(col), le16(xf)) }

// Cell records.
func number(row, col, xf int, v float64) []byte {
	return rec(recNumber, cellHead(row, col, xf), lef64(v))
}
func labelSST(row, col, xf, i int) []byte { return rec(recLabelSST, cellHead(row, col, xf), le32(i)) }
func label(row, col int, s string) []byte { return rec(recLabel, cellHead(row, col, 15), str16(s)) }
func boolErr(row, col int, v byte, isErr bool) []byte {
	e := byte(0)
	if isErr {
		e = 1
	}
	return rec(recBoolErr, cellHead(row, col, 15), []byte{v, e})
}

// formulaRec encodes a FORMULA record with the 8-byte cached result res and
// a token-less formula.
func formulaRec(row, col, xf int, res []byte) []byte {
	return rec(recFormula, cellHead(row, col, xf), res, le16(0), le32(0), le16(0))
}

// formulaTokens encodes a FORMULA record with the cached result res and
// the parsed formula made of the tokens.
func formulaTokens(row, col int, res []byte, tokens ...[]byte) []byte {
	rgce := cat(tokens...)
	return rec(recFormula, cellHead(row, col, 0), res, le16(0), le32(0), le16(len(rgce)), rgce)
}

// ptgStr encodes a string constant token of 8-bit characters.
func ptgStr(s string) []byte { return cat([]byte{0x17, byte(len(s)), 0}, []byte(s)) }

// Formula results that are not numbers.
func resString() []byte       { return []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF} }
func resBool(b byte) []byte   { return []byte{1, 0, b, 0, 0, 0, 0xFF, 0xFF} }
func resErr(e byte) []byte    { return []byte{2, 0, e, 0, 0, 0, 0xFF, 0xFF} }
func resEmpty() []byte        { return []byte{3, 0, 0, 0, 0, 0, 0xFF, 0xFF} }
func resNum(v float64) []byte { return lef64(v) }

// testSheet is a sheet of a test workbook.
type testSheet struct {
	name    string
	kind    byte // BOUNDSHEET dt: 0 worksheet, 2 chart, 6 VBA module
	hidden  byte
	records [][]byte
}

// testBook is a workbook to encode as a BIFF stream.
type testBook struct {
	biff5   bool
	globals [][]byte // records between BOF and the BOUNDSHEETs
	tail    [][]byte // records between the BOUNDSHEETs and EOF (SST)
	sheets  []testSheet
}

// bof returns a BOF record of the substream type dt.
func (b testBook) bof(dt int) []byte {
	if b.biff5 {
		return rec(recBOF, le16(biff5Version), le16(dt), le16(0), le16(0))
	}
	return rec(recBOF, le16(biff8Version), le16(dt), le16(0), le16(0), le32(0), le32(0))
}

// stream encodes the workbook stream.
func (b testBook) stream() []byte {
	out := b.bof(bofGlobals)
	for _, r := range b.globals {
		out = append(out, r...)
	}
	// BOUNDSHEETs, with offsets patched below.
	patch := make([]int, len(b.sheets))
	for i, s := range b.sheets {
		var name []byte
		if b.biff5 {
			name = cat([]byte{byte(len(s.name))}, []byte(s.name))
		} else {
			name = str8(s.name)
		}
		patch[i] = len(out) + 4
		out = append(out, rec(recBoundSheet, le32(0), []byte{s.hidden, s.kind}, name)...)
	}
	for _, r := range b.tail {
		out = append(out, r...)
	}
	out = append(out, rec(recEOF)...)
	for i, s := range b.sheets {
		binary.LittleEndian.PutUint32(out[patch[i]:], uint32(len(out)))
		dt := bofWorksheet
		if s.kind == 2 {
			dt = 0x0020
		}
		out = append(out, b.bof(dt)...)
		for _, r := range s.records {
			out = append(out, r...)
		}
		out = append(out, rec(recEOF)...)
	}
	return out
}

// sst returns the SST record holding data[0] and CONTINUE records holding
// the other segments.
func sst(segs ...[]byte) [][]byte {
	out := [][]byte{rec(recSST, segs[0])}
	for _, s := range segs[1:] {
		out = append(out, rec(recContinue, s))
	}
	return out
}

// cfbFile is a stream of a compound file built by compoundFile.
type cfbFile struct {
	name string
	data []byte
}

// compoundFile builds an OLE2 compound file (version 4, 4096-byte
// sectors) holding the streams at its root. Streams shorter than 4096
// bytes are padded with zeros to that size, so that none needs the mini
// stream.
func compoundFile(files ...cfbFile) []byte {
	const (
		ss      = 4096
		perFAT  = ss / 4
		free    = 0xFFFFFFFF
		endSect = 0xFFFFFFFE
		fatSect = 0xFFFFFFFD
	)
	for i := range files {
		if len(files[i].data) < ss {
			files[i].data = append(files[i].data[:len(files[i].data):len(files[i].data)], make([]byte, ss-len(files[i].data))...)
		}
	}
	sectors := func(n int) int { return (n + ss - 1) / ss }
	dirSectors := sectors((len(files) + 1) * 128)
	data := 0
	for _, f := range files {
		data += sectors(len(f.data))
	}
	nfat := 1
	for nfat*perFAT < nfat+dirSectors+data {
		nfat++
	}
	if nfat > 109 {
		panic("compound file too large for a header-only DIFAT")
	}
	fat := make([]uint32, nfat*perFAT)
	for i := range fat {
		fat[i] = free
	}
	next := 0
	chain := func(n int) int {
		start := next
		for i := range n {
			if i == n-1 {
				fat[next] = endSect
			} else {
				fat[next] = uint32(next + 1)
			}
			next++
		}
		return start
	}
	for range nfat {
		fat[next] = fatSect
		next++
	}
	dirStart := chain(dirSectors)
	starts := make([]int, len(files))
	for i, f := range files {
		starts[i] = chain(sectors(len(f.data)))
	}

	header := make([]byte, ss)
	copy(header, oleSignature)
	binary.LittleEndian.PutUint16(header[24:], 0x3E)
	binary.LittleEndian.PutUint16(header[26:], 4)
	binary.LittleEndian.PutUint16(header[28:], 0xFFFE)
	binary.LittleEndian.PutUint16(header[30:], 12)
	binary.LittleEndian.PutUint16(header[32:], 6)
	binary.LittleEndian.PutUint32(header[40:], uint32(dirSectors))
	binary.LittleEndian.PutUint32(header[44:], uint32(nfat))
	binary.LittleEndian.PutUint32(header[48:], uint32(dirStart))
	binary.LittleEndian.PutUint32(header[56:], 4096)
	binary.LittleEndian.PutUint32(header[60:], endSect)
	binary.LittleEndian.PutUint32(header[68:], endSect)
	for i := range 109 {
		v := uint32(free)
		if i < nfat {
			v = uint32(i)
		}
		binary.LittleEndian.PutUint32(header[76+4*i:], v)
	}

	dir := make([]byte, dirSectors*ss)
	entry := func(i int, name string, typ byte, child, right uint32, start int, size int) {
		e := dir[i*128:]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			binary.LittleEndian.PutUint16(e[2*j:], c)
		}
		binary.LittleEndian.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66] = typ
		e[67] = 1 // black
		binary.LittleEndian.PutUint32(e[68:], free)
		binary.LittleEndian.PutUint32(e[72:], right)
		binary.LittleEndian.PutUint32(e[76:], child)
		binary.LittleEndian.PutUint32(e[116:], uint32(start))
		binary.LittleEndian.PutUint64(e[120:], uint64(size))
	}
	child := uint32(free)
	if len(files) > 0 {
		child = 1
	}
	entry(0, "Root Entry", 5, child, free, endSect, 0)
	for i, f := range files {
		right := uint32(free)
		if i+1 < len(files) {
			right = uint32(i + 2)
		}
		entry(i+1, f.name, 2, free, right, starts[i], len(f.data))
	}

	out := header
	fatBytes := make([]byte, 4*len(fat))
	for i, v := range fat {
		binary.LittleEndian.PutUint32(fatBytes[4*i:], v)
	}
	out = append(out, fatBytes...)
	out = append(out, dir...)
	for _, f := range files {
		out = append(out, f.data...)
		out = append(out, make([]byte, sectors(len(f.data))*ss-len(f.data))...)
	}
	return out
}
