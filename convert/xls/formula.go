package xls

import (
	"math"

	"github.com/ovsync/ovsync/convert/formula"
)

// Function numbers of the built-in functions ([MS-XLS] 2.5.198.17, Ftab)
// that formula knows, and the number of arguments of those a ptgFunc
// token (a fixed number of arguments) can call.
var ftab = map[uint16]struct {
	name string
	args int // -1: variable, only by ptgFuncVar
}{
	0: {"COUNT", -1}, 2: {"ISNA", 1}, 3: {"ISERROR", 1}, 4: {"SUM", -1}, 5: {"AVERAGE", -1},
	6: {"MIN", -1}, 7: {"MAX", -1}, 8: {"ROW", -1}, 9: {"COLUMN", -1}, 13: {"DOLLAR", -1}, 14: {"FIXED", -1},
	19: {"PI", 0}, 24: {"ABS", 1}, 25: {"INT", 1}, 27: {"ROUND", 2}, 30: {"REPT", 2}, 31: {"MID", 3},
	32: {"LEN", 1}, 33: {"VALUE", 1}, 34: {"TRUE", 0}, 35: {"FALSE", 0}, 36: {"AND", -1}, 37: {"OR", -1},
	38: {"NOT", 1}, 39: {"MOD", 2}, 48: {"TEXT", 2}, 65: {"DATE", 3}, 67: {"DAY", 1}, 68: {"MONTH", 1},
	69: {"YEAR", 1}, 74: {"NOW", 0}, 82: {"SEARCH", -1}, 111: {"CHAR", 1}, 112: {"LOWER", 1},
	113: {"UPPER", 1}, 114: {"PROPER", 1}, 115: {"LEFT", -1}, 116: {"RIGHT", -1}, 117: {"EXACT", 2},
	118: {"TRIM", 1}, 119: {"REPLACE", 4}, 120: {"SUBSTITUTE", -1}, 121: {"CODE", 1}, 124: {"FIND", -1},
	127: {"ISTEXT", 1}, 128: {"ISNUMBER", 1}, 129: {"ISBLANK", 1}, 130: {"T", 1}, 131: {"N", 1},
	162: {"CLEAN", 1}, 169: {"COUNTA", -1}, 221: {"TODAY", 0}, 336: {"CONCATENATE", -1},
}

// operandSize is the size, after the token byte, of the operand tokens
// (by their base number, class bits cleared) that push a reference or a
// name: BIFF8, BIFF5.
var operandSize = map[byte][2]int{
	0x23: {4, 14},  // ptgName
	0x24: {4, 3},   // ptgRef
	0x25: {8, 6},   // ptgArea
	0x2A: {4, 3},   // ptgRefErr
	0x2B: {8, 6},   // ptgAreaErr
	0x2C: {4, 3},   // ptgRefN
	0x2D: {8, 6},   // ptgAreaN
	0x39: {6, 24},  // ptgNameX
	0x3A: {6, 17},  // ptgRef3d
	0x3B: {10, 20}, // ptgArea3d
	0x3C: {6, 17},  // ptgRefErr3d
	0x3D: {10, 20}, // ptgAreaErr3d
}

// maxStack bounds the operands of a formula followed.
const maxStack = 1024

// classify returns what the parsed formula rgce (the tokens of a FORMULA
// record, in reverse Polish order) gives. A token it does not know gives
// [formula.Unknown]: no judgement.
func (w *Workbook) classify(rgce []byte) formula.Value {
	var stack []formula.Value
	pop := func(n int) ([]formula.Value, bool) {
		if n > len(stack) {
			return nil, false
		}
		args := append([]formula.Value(nil), stack[len(stack)-n:]...)
		stack = stack[:len(stack)-n]
		return args, true
	}
	unknown := formula.Ref()
	w.budget.Credit(len(rgce))
	for i := 0; i < len(rgce); {
		ptg := rgce[i]
		i++
		if len(stack) > maxStack {
			return unknown
		}
		switch {
		case ptg >= 0x03 && ptg <= 0x11: // binary operators
			args, ok := pop(2)
			if !ok {
				return unknown
			}
			switch {
			case ptg == 0x08:
				stack = append(stack, w.budget.Concat(args[0], args[1]))
			case ptg >= 0x09 && ptg <= 0x0E:
				stack = append(stack, formula.Compare())
			case ptg >= 0x0F:
				stack = append(stack, formula.Ref()) // intersection, union, range
			default:
				stack = append(stack, formula.Arith())
			}
		case ptg >= 0x12 && ptg <= 0x14: // unary plus, minus, percent
			if _, ok := pop(1); !ok {
				return unknown
			}
			stack = append(stack, formula.Arith())
		case ptg == 0x15: // parentheses
		case ptg == 0x16:
			stack = append(stack, formula.Missing())
		case ptg == 0x17: // a string constant
			s, n, ok := w.tokenString(rgce[i:])
			if !ok {
				return unknown
			}
			i += n
			stack = append(stack, formula.Str(s))
		case ptg == 0x19: // ptgAttr: spaces, IF and CHOOSE jumps, SUM of one argument
			if i+3 > len(rgce) {
				return unknown
			}
			flags := rgce[i]
			n := 3
			if flags&0x04 != 0 { // tAttrChoose: a jump table follows
				n += 2 * (int(rgce[i+1]) | int(rgce[i+2])<<8 + 1)
			}
			if i+n > len(rgce) {
				return unknown // a jump table past the tokens
			}
			if flags&0x10 != 0 { // tAttrSum
				if _, ok := pop(1); !ok {
					return unknown
				}
				stack = append(stack, formula.Arith())
			}
			i += n
		case ptg == 0x1C: // an error constant
			i++
			stack = append(stack, formula.Ref())
		case ptg == 0x1D:
			if i >= len(rgce) {
				return unknown
			}
			stack = append(stack, formula.Boolean(rgce[i] != 0))
			i++
		case ptg == 0x1E:
			if i+2 > len(rgce) {
				return unknown
			}
			stack = append(stack, formula.Num(float64(u16(rgce, i))))
			i += 2
		case ptg == 0x1F:
			if i+8 > len(rgce) {
				return unknown
			}
			v := math.Float64frombits(uint64(u32(rgce, i)) | uint64(u32(rgce, i+4))<<32)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return unknown // no spreadsheet writes these
			}
			stack = append(stack, formula.Num(v))
			i += 8
		case ptg >= 0x20 && ptg&0x1F == 0x01: // ptgFunc (class bits 0x20, 0x40, 0x60)
			if i+2 > len(rgce) {
				return unknown
			}
			f, ok := ftab[u16(rgce, i)]
			i += 2
			if !ok || f.args < 0 {
				return unknown
			}
			args, ok := pop(f.args)
			if !ok {
				return unknown
			}
			stack = append(stack, w.budget.Call(f.name, args))
		case ptg >= 0x20 && ptg&0x1F == 0x02: // ptgFuncVar
			if i+3 > len(rgce) {
				return unknown
			}
			nargs, id := int(rgce[i]&0x7F), u16(rgce, i+1)&0x7FFF
			i += 3
			args, ok := pop(nargs)
			if !ok {
				return unknown
			}
			f, known := ftab[id]
			if !known || u16(rgce, i-2)&0x8000 != 0 {
				stack = append(stack, formula.Ref())
				continue
			}
			stack = append(stack, w.budget.Call(f.name, args))
		case ptg >= 0x20:
			size, ok := operandSize[ptg&0x1F|0x20]
			if !ok {
				return unknown // arrays, memory areas, shared formulas…
			}
			n := size[0]
			if w.biff5 {
				n = size[1]
			}
			i += n
			stack = append(stack, formula.Ref())
		default:
			return unknown
		}
	}
	if len(stack) != 1 {
		return unknown
	}
	return stack[0]
}

// tokenString reads the string of a ptgStr token: its length, and in
// BIFF8 its flags, then its characters. It returns the bytes read.
func (w *Workbook) tokenString(b []byte) (string, int, bool) {
	if len(b) < 1 {
		return "", 0, false
	}
	cch := int(b[0])
	if w.biff5 {
		if 1+cch > len(b) {
			return "", 0, false
		}
		return w.text8(b[1 : 1+cch]), 1 + cch, true
	}
	if len(b) < 2 {
		return "", 0, false
	}
	size := cch
	if b[1]&0x01 != 0 {
		size = 2 * cch
	}
	if 2+size > len(b) {
		return "", 0, false
	}
	r := &segReader{segs: [][]byte{b[1 : 2+size]}}
	s, ok := r.unicode(cch, false)
	return s, 2 + size, ok
}
