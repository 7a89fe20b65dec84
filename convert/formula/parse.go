package formula

import (
	"strconv"
	"strings"
)

// spaces are the white space between tokens.
const spaces = " \t\r\n"

// maxDepth bounds the nesting of parentheses and calls Parse follows.
const maxDepth = 100

// Parse reads a formula as .xlsx and .ods files write it, with or without
// its leading "=" (or OpenFormula's "of:="), and returns what it gives.
// A formula it cannot read gives [Unknown]: Parse never fails. It bounds
// nothing but each text's length: see [Budget.Parse].
func Parse(expr string) Value { return (*Budget)(nil).Parse(expr) }

// Parse is [Parse] within the budget, which it credits with the
// formula's length first: a formula whose computation would go past it
// gives a Value with Over set.
func (bu *Budget) Parse(expr string) Value {
	bu.Credit(len(expr))
	s := strings.Trim(expr, spaces)
	if i := strings.Index(s, ":="); i >= 0 && i <= 8 && !strings.ContainsAny(s[:i], `"'[(`) {
		s = s[i+2:] // a namespace prefix: of:=, oooc:=, msoxl:=
	}
	s = strings.TrimPrefix(s, "=")
	p := &parser{src: s, bu: bu}
	p.advance()
	v, ok := p.expr(0, 0)
	if !ok || p.tok.kind != tEOF {
		return Ref()
	}
	return v
}

// tokKind is the kind of a token of a formula.
type tokKind uint8

const (
	tEOF tokKind = iota
	tStr
	tNum
	tName  // a name followed by "(": a function
	tIdent // a reference, a name, TRUE or FALSE
	tOp    // an operator
	tOpen
	tClose
	tSep // , or ;
	tBad // anything else
)

// token is one token of a formula.
type token struct {
	kind tokKind
	text string
	num  float64
}

// parser reads a formula by operator precedence.
type parser struct {
	src string
	pos int
	tok token
	bu  *Budget
}

// binary operators by precedence, lowest first.
var precedence = map[string]int{
	"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1,
	"&": 2,
	"+": 3, "-": 3,
	"*": 4, "/": 4,
	"^": 5,
	":": 7, "~": 7, "!": 7, // ranges, unions, intersections
}

// expr reads an expression whose operators bind tighter than min.
func (p *parser) expr(min, depth int) (Value, bool) {
	if depth > maxDepth {
		return Value{}, false
	}
	left, ok := p.unary(depth)
	if !ok {
		return left, false
	}
	for p.tok.kind == tOp {
		op := p.tok.text
		prec, isBinary := precedence[op]
		if !isBinary || prec <= min {
			break
		}
		p.advance()
		right, ok := p.expr(prec, depth+1)
		if !ok {
			return right, false
		}
		switch {
		case op == "&":
			left = p.bu.Concat(left, right)
		case prec == 1:
			left = Compare()
		case prec == 7:
			left = Ref()
		default:
			left = Arith()
		}
	}
	return left, true
}

// unary reads an operand with its prefix and postfix operators.
func (p *parser) unary(depth int) (Value, bool) {
	if p.tok.kind == tOp && (p.tok.text == "-" || p.tok.text == "+") {
		p.advance()
		v, ok := p.unary(depth + 1)
		if !ok || depth > maxDepth {
			return v, false
		}
		v = Arith()
		return v, true
	}
	v, ok := p.operand(depth)
	for ok && p.tok.kind == tOp && p.tok.text == "%" {
		p.advance()
		v = Arith()
	}
	return v, ok
}

// operand reads a constant, a reference, a call or a parenthesised
// expression.
func (p *parser) operand(depth int) (Value, bool) {
	t := p.tok
	switch t.kind {
	case tStr:
		p.advance()
		return Str(t.text), true
	case tNum:
		p.advance()
		return Num(t.num), true
	case tIdent:
		p.advance()
		switch strings.ToUpper(t.text) {
		case "TRUE":
			return Boolean(true), true
		case "FALSE":
			return Boolean(false), true
		}
		return Ref(), true
	case tOpen:
		p.advance()
		v, ok := p.expr(0, depth+1)
		if !ok || p.tok.kind != tClose {
			return v, false
		}
		p.advance()
		return v, true
	case tName:
		p.advance() // the name; "(" follows
		p.advance()
		var args []Value
		if p.tok.kind == tClose {
			p.advance()
			return p.bu.Call(t.text, nil), true
		}
		for {
			if p.tok.kind == tSep || p.tok.kind == tClose {
				args = append(args, Missing())
			} else {
				a, ok := p.expr(0, depth+1)
				if !ok {
					return a, false
				}
				args = append(args, a)
			}
			switch p.tok.kind {
			case tSep:
				p.advance()
				continue
			case tClose:
				p.advance()
				return p.bu.Call(t.text, args), true
			}
			return Value{}, false
		}
	}
	return Value{}, false
}

// advance reads the next token into p.tok.
func (p *parser) advance() {
	s := p.src
	for p.pos < len(s) && strings.IndexByte(spaces, s[p.pos]) >= 0 {
		p.pos++
	}
	if p.pos >= len(s) {
		p.tok = token{kind: tEOF}
		return
	}
	start := p.pos
	c := s[p.pos]
	switch {
	case c == '"':
		var b strings.Builder
		for p.pos++; ; p.pos++ {
			if p.pos >= len(s) {
				p.tok = token{kind: tBad}
				return
			}
			if s[p.pos] == '"' {
				if p.pos+1 < len(s) && s[p.pos+1] == '"' {
					b.WriteByte('"')
					p.pos++
					continue
				}
				p.pos++
				break
			}
			b.WriteByte(s[p.pos])
		}
		p.tok = token{kind: tStr, text: b.String()}
	case c >= '0' && c <= '9' || c == '.' && p.pos+1 < len(s) && s[p.pos+1] >= '0' && s[p.pos+1] <= '9':
		for p.pos < len(s) && (s[p.pos] >= '0' && s[p.pos] <= '9' || s[p.pos] == '.') {
			p.pos++
		}
		if p.pos < len(s) && (s[p.pos] == 'e' || s[p.pos] == 'E') {
			q := p.pos + 1
			if q < len(s) && (s[q] == '+' || s[q] == '-') {
				q++
			}
			if q < len(s) && s[q] >= '0' && s[q] <= '9' {
				for p.pos = q; p.pos < len(s) && s[p.pos] >= '0' && s[p.pos] <= '9'; p.pos++ {
				}
			}
		}
		// A number followed by name characters is a reference (1:1, 2A).
		if p.pos < len(s) && isNameByte(s[p.pos]) {
			p.identRest(start)
			return
		}
		v, err := strconv.ParseFloat(s[start:p.pos], 64)
		if err != nil || !isFinite(v) {
			p.tok = token{kind: tBad}
			return
		}
		p.tok = token{kind: tNum, num: v}
	case c == '(':
		p.pos++
		p.tok = token{kind: tOpen}
	case c == ')':
		p.pos++
		p.tok = token{kind: tClose}
	case c == ',' || c == ';':
		p.pos++
		p.tok = token{kind: tSep}
	case c == '<' || c == '>':
		p.pos++
		if p.pos < len(s) && (s[p.pos] == '=' || c == '<' && s[p.pos] == '>') {
			p.pos++
		}
		p.tok = token{kind: tOp, text: s[start:p.pos]}
	case strings.IndexByte("=&+-*/^%:~!", c) >= 0:
		p.pos++
		p.tok = token{kind: tOp, text: s[start:p.pos]}
	case c == '#':
		// An error constant (#N/A, #REF!): its value is an error.
		for p.pos++; p.pos < len(s) && (isNameByte(s[p.pos]) || s[p.pos] == '/' || s[p.pos] == '!' || s[p.pos] == '?'); p.pos++ {
		}
		p.tok = token{kind: tIdent, text: s[start:p.pos]}
	case c == '{':
		// An array constant: not followed.
		p.tok = token{kind: tBad}
	case c == '[' || c == '\'' || c == '$' || isNameByte(c):
		p.identRest(start)
	default:
		p.tok = token{kind: tBad}
	}
}

// identRest reads the rest of a reference or a name that starts at
// start: letters, digits, $ . _ ! :, quoted sheet names and bracketed
// parts ([.A1], Table1[Column]). A name followed by "(" is a function.
func (p *parser) identRest(start int) {
	s := p.src
	for p.pos < len(s) {
		c := s[p.pos]
		switch {
		case c == '[':
			end := strings.IndexByte(s[p.pos:], ']')
			if end < 0 {
				p.tok = token{kind: tBad}
				return
			}
			p.pos += end + 1
		case c == '\'':
			end := strings.IndexByte(s[p.pos+1:], '\'')
			if end < 0 {
				p.tok = token{kind: tBad}
				return
			}
			p.pos += end + 2
		case isNameByte(c) || c == '$':
			p.pos++
		case c == '!' && p.pos > start:
			p.pos++ // Sheet1!A1
		default:
			goto done
		}
	}
done:
	text := s[start:p.pos]
	q := p.pos
	for q < len(s) && s[q] == ' ' {
		q++
	}
	if q < len(s) && s[q] == '(' && !strings.ContainsAny(text, "[]'!$") {
		p.pos = q
		p.tok = token{kind: tName, text: text}
		return
	}
	p.tok = token{kind: tIdent, text: text}
}

// isNameByte reports whether c may be part of a name or a reference.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '\\' || c >= 0x80
}
