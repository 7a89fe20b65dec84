package cellfmt

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// builtinCodes are the codes of the built-in number formats that show
// something other than a plain number. Workbooks refer to these ids without
// writing the code out. Ids 14 to 22 and 45 to 47 are the same in every
// locale; 27 to 36 and 50 to 58 are East Asian dates and times, given here
// as Japanese Excel defines them (Korean Excel also shows dates for them).
var builtinCodes = map[int]string{
	14: "mm-dd-yy",
	15: "d-mmm-yy",
	16: "d-mmm",
	17: "mmm-yy",
	18: "h:mm AM/PM",
	19: "h:mm:ss AM/PM",
	20: "h:mm",
	21: "h:mm:ss",
	22: "m/d/yy h:mm",
	27: `[$-411]ge.m.d`,
	28: `[$-411]ggge"年"m"月"d"日"`,
	29: `[$-411]ggge"年"m"月"d"日"`,
	30: "m/d/yy",
	31: `yyyy"年"m"月"d"日"`,
	32: `h"時"mm"分"`,
	33: `h"時"mm"分"ss"秒"`,
	34: `yyyy"年"m"月"`,
	35: `m"月"d"日"`,
	36: `[$-411]ge.m.d`,
	45: "mm:ss",
	46: "[h]:mm:ss",
	47: "mmss.0",
	49: "@",
	50: `[$-411]ge.m.d`,
	51: `[$-411]ggge"年"m"月"d"日"`,
	52: `yyyy"年"m"月"`,
	53: `m"月"d"日"`,
	54: `[$-411]ggge"年"m"月"d"日"`,
	55: `yyyy"年"m"月"`,
	56: `m"月"d"日"`,
	57: `[$-411]ge.m.d`,
	58: `[$-411]ggge"年"m"月"d"日"`,
}

// Builtin returns the built-in number format with the given id (the
// numFmtId of .xlsx, the ifmt of .xls) for a workbook that does not spell
// the code out. Unknown ids, and the many plain number ids, are General.
func Builtin(id int) Format {
	if code, ok := builtinCodes[id]; ok {
		return Parse(code)
	}
	return Format{}
}

// Parse classifies a number format code. It reads Excel's syntax: up to
// four sections separated by ";" (positive, negative, zero, text), quoted
// literals ("abc"), escaped characters (\x), spacing and fill (_x, *x),
// and bracketed parts ([Red], [$-409], [$€-407], [>=100], elapsed [h]).
//
// The first section decides between a plain number and a date, date-time
// or time. A code whose number sections hold only literal text, such as
// LibreOffice's boolean format "TRUE";"TRUE";"FALSE", is [KindLiteral].
// Parse never fails: what it does not understand is a plain number.
func Parse(code string) Format {
	secs := splitSections(code)
	first := scanSection(secs[0])
	if k := first.kind(); k != KindNumber && k != KindLiteral {
		return Format{kind: k, elapsed: first.elapsed}
	}
	// Literal only if every number section (the first three) is literal
	// text or empty, and some section says something.
	var lit []literalSection
	said := false
	for i, s := range secs {
		if i == 3 {
			break // the text section does not format numbers
		}
		sc := first
		if i > 0 {
			sc = scanSection(s)
		}
		if sc.kind() != KindLiteral {
			return Format{}
		}
		text := sc.lit.String()
		if text != "" {
			said = true
		}
		lit = append(lit, literalSection{text: text, cond: sc.cond})
	}
	if !said {
		return Format{}
	}
	return Format{kind: KindLiteral, literal: lit}
}

// splitSections splits code at the semicolons that are not quoted,
// escaped or bracketed. It always returns at least one section.
func splitSections(code string) []string {
	var secs []string
	start := 0
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++
		case '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				i += j
			}
		case ';':
			secs = append(secs, code[start:i])
			start = i + 1
		}
	}
	return append(secs, code[start:])
}

// section is what scanning one format section found.
type section struct {
	lit     strings.Builder // literal text: quoted, escaped and plain characters
	tokens  []byte          // date and time tokens in order: y m d h s a, H M S when elapsed
	number  bool            // a digit placeholder (0 # ?) or General
	text    bool            // the text placeholder @
	elapsed bool            // [h], [m] or [s]
	cond    *condition      // a [>=100]-style condition
}

// scanSection reads one section of a format code.
func scanSection(s string) *section {
	sc := &section{}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				sc.lit.WriteString(s[i+1:])
				return sc
			}
			sc.lit.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case c == '\\':
			i++
			if i < len(s) {
				_, n := utf8.DecodeRuneInString(s[i:])
				sc.lit.WriteString(s[i : i+n])
				i += n
			}
		case c == '_' || c == '*':
			// _x leaves the width of x blank; *x repeats x to fill the cell.
			i++
			if i < len(s) {
				_, n := utf8.DecodeRuneInString(s[i:])
				i += n
			}
		case c == '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return sc
			}
			sc.bracket(s[i+1 : i+j])
			i += j + 1
		case c == '0' || c == '#' || c == '?':
			sc.number = true
			i++
		case c == '@':
			sc.text = true
			i++
		case hasPrefixFold(s[i:], "general"):
			sc.number = true
			i += len("general")
		case hasPrefixFold(s[i:], "am/pm"):
			sc.tokens = append(sc.tokens, 'a')
			i += len("am/pm")
		case hasPrefixFold(s[i:], "a/p"):
			sc.tokens = append(sc.tokens, 'a')
			i += len("a/p")
		default:
			l := c | 0x20 // ASCII lower case
			if l == 'y' || l == 'm' || l == 'd' || l == 'h' || l == 's' {
				sc.tokens = append(sc.tokens, l)
				for i < len(s) && s[i]|0x20 == l {
					i++
				}
				if l == 's' {
					// Fractions of a second (ss.00) are part of the token,
					// not digit placeholders.
					if i+1 < len(s) && s[i] == '.' && s[i+1] == '0' {
						i++
						for i < len(s) && s[i] == '0' {
							i++
						}
					}
				}
				continue
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			sc.lit.WriteString(s[i : i+n])
			i += n
		}
	}
	return sc
}

// bracket reads the inside of a [...] part: an elapsed time unit, a
// condition, or something that does not change the value (a colour, a
// locale or currency tag).
func (sc *section) bracket(b string) {
	if b == "" {
		return
	}
	if l := b[0] | 0x20; (l == 'h' || l == 'm' || l == 's') && strings.Count(strings.ToLower(b), string(l)) == len(b) {
		sc.tokens = append(sc.tokens, l-0x20)
		sc.elapsed = true
		return
	}
	for _, op := range []string{"<=", ">=", "<>", "<", ">", "="} {
		if rest, ok := strings.CutPrefix(b, op); ok {
			if v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64); err == nil {
				sc.cond = &condition{op: op, val: v}
			}
			return
		}
	}
}

// kind classifies the section. An m is minutes when it follows an hour or
// precedes a second (hh:mm, mm:ss), and months otherwise (Excel's rule).
func (sc *section) kind() Kind {
	if len(sc.tokens) > 0 {
		date, clock := false, false
		for i, t := range sc.tokens {
			switch t {
			case 'y', 'd':
				date = true
			case 'm':
				if (i > 0 && (sc.tokens[i-1] == 'h' || sc.tokens[i-1] == 'H')) ||
					(i+1 < len(sc.tokens) && (sc.tokens[i+1] == 's' || sc.tokens[i+1] == 'S')) {
					clock = true
				} else {
					date = true
				}
			default: // h s a H M S
				clock = true
			}
		}
		switch {
		case date && clock:
			return KindDateTime
		case date:
			return KindDate
		}
		return KindTime
	}
	if sc.number || sc.text {
		return KindNumber
	}
	return KindLiteral
}

// hasPrefixFold reports whether s starts with the ASCII lower-case prefix,
// ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
