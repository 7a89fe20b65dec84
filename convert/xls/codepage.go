package xls

import (
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codePages maps the CODEPAGE record's Windows code page numbers to their
// encodings. Only BIFF5 uses them: BIFF8 text is Unicode.
var codePages = map[uint16]encoding.Encoding{
	437:   charmap.CodePage437,
	850:   charmap.CodePage850,
	852:   charmap.CodePage852,
	855:   charmap.CodePage855,
	858:   charmap.CodePage858,
	860:   charmap.CodePage860,
	862:   charmap.CodePage862,
	863:   charmap.CodePage863,
	865:   charmap.CodePage865,
	866:   charmap.CodePage866,
	874:   charmap.Windows874,
	932:   japanese.ShiftJIS,
	936:   simplifiedchinese.GBK,
	949:   korean.EUCKR,
	950:   traditionalchinese.Big5,
	1250:  charmap.Windows1250,
	1251:  charmap.Windows1251,
	1252:  charmap.Windows1252,
	1253:  charmap.Windows1253,
	1254:  charmap.Windows1254,
	1255:  charmap.Windows1255,
	1256:  charmap.Windows1256,
	1257:  charmap.Windows1257,
	1258:  charmap.Windows1258,
	10000: charmap.Macintosh,
	10007: charmap.MacintoshCyrillic,
	32768: charmap.Macintosh, // "Apple Roman" as some writers spell it
}

// codePage returns a decoder for the code page; Windows-1252 for code
// pages it does not know (and for 1200, UTF-16, which BIFF5 never uses).
func codePage(cp uint16) *encoding.Decoder {
	if e, ok := codePages[cp]; ok {
		return e.NewDecoder()
	}
	return charmap.Windows1252.NewDecoder()
}
