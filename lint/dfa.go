package lint

import (
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// dfa answers whether a regular expression matches somewhere in a string,
// as regexp.MatchString does, with a deterministic automaton built once
// when the schema is compiled. Go's regexp simulates the expression for
// each call (several hundred nanoseconds for an email address); the
// automaton costs one table look-up per character.
//
// Symbols are the 128 ASCII characters and the intervals of non-ASCII
// runes that every instruction of the program treats alike. A program
// with folded ranges, line anchors, word boundaries or too many states is
// refused:
// the caller then uses the regexp package.
type dfa struct {
	ascii  [][128]int32 // state -> next state by ASCII character
	other  [][]int32    // state -> next state by non-ASCII interval
	bounds []rune       // start of each non-ASCII interval after the first
	match  []bool       // state: a match has been seen
	atEnd  []bool       // state: a match ends at the end of the input
}

const dfaMaxStates = 4096

// compileDFA builds the automaton of a pattern, or returns nil when the
// pattern needs what the automaton does not do.
func compileDFA(pattern string) *dfa {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil
	}
	b := &dfaBuilder{prog: prog, index: map[string]int32{}}
	cuts := map[rune]bool{}
	for _, in := range prog.Inst {
		switch in.Op {
		case syntax.InstRune:
			if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
				if len(in.Rune) != 1 {
					return nil
				}
				// A single folded rune matches its case orbit: [Hh].
				r := in.Rune[0]
				for f := unicode.SimpleFold(r); ; f = unicode.SimpleFold(f) {
					cuts[max(f, utf8.RuneSelf)] = true
					cuts[max(f+1, utf8.RuneSelf)] = true
					if f == r {
						break
					}
				}
				continue
			}
			for i := 0; i+1 < len(in.Rune); i += 2 {
				cuts[max(in.Rune[i], utf8.RuneSelf)] = true
				cuts[max(in.Rune[i+1]+1, utf8.RuneSelf)] = true
			}
			if len(in.Rune) == 1 {
				cuts[max(in.Rune[0], utf8.RuneSelf)] = true
				cuts[max(in.Rune[0]+1, utf8.RuneSelf)] = true
			}
		case syntax.InstRune1:
			cuts[max(in.Rune[0], utf8.RuneSelf)] = true
			cuts[max(in.Rune[0]+1, utf8.RuneSelf)] = true
		case syntax.InstRuneAnyNotNL, syntax.InstRuneAny:
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 || op == syntax.EmptyBeginText|syntax.EmptyEndText {
				return nil // line anchors and word boundaries: not here
			}
		}
	}
	delete(cuts, utf8.RuneSelf)
	for r := range cuts {
		if r <= utf8.MaxRune {
			b.bounds = append(b.bounds, r)
		}
	}
	slices.Sort(b.bounds)
	// Representatives of the non-ASCII intervals.
	b.reps = append([]rune{utf8.RuneSelf}, b.bounds...)
	b.startPCs = b.closure([]uint32{uint32(prog.Start)}, true, false)
	b.restart = b.closure([]uint32{uint32(prog.Start)}, false, false)
	if _, ok := b.state(b.startPCs); !ok {
		return nil
	}
	for s := 0; s < len(b.sets); s++ {
		var row [128]int32
		for c := range 128 {
			n, ok := b.state(b.step(b.sets[s], rune(c)))
			if !ok {
				return nil
			}
			row[c] = n
		}
		other := make([]int32, len(b.reps))
		for i, r := range b.reps {
			n, ok := b.state(b.step(b.sets[s], r))
			if !ok {
				return nil
			}
			other[i] = n
		}
		b.d.ascii = append(b.d.ascii, row)
		b.d.other = append(b.d.other, other)
	}
	b.d.bounds = b.bounds
	return &b.d
}

// MatchString reports whether the pattern matches somewhere in s.
func (d *dfa) MatchString(s string) bool {
	st := int32(0)
	for _, r := range s {
		if d.match[st] {
			return true
		}
		if r < utf8.RuneSelf {
			st = d.ascii[st][r]
			continue
		}
		i := sort.Search(len(d.bounds), func(i int) bool { return d.bounds[i] > r })
		st = d.other[st][i]
	}
	return d.match[st] || d.atEnd[st]
}

// dfaBuilder builds a dfa by subset construction over the program.
type dfaBuilder struct {
	prog     *syntax.Prog
	d        dfa
	sets     [][]uint32 // state -> sorted instruction set
	index    map[string]int32
	bounds   []rune
	reps     []rune
	startPCs []uint32
	restart  []uint32 // threads starting anew after the first character
}

// state returns the number of the state of set, adding it if new.
func (b *dfaBuilder) state(set []uint32) (int32, bool) {
	var key strings.Builder
	for _, pc := range set {
		key.WriteString(strconv.FormatUint(uint64(pc), 36))
		key.WriteByte(',')
	}
	if n, ok := b.index[key.String()]; ok {
		return n, true
	}
	if len(b.sets) >= dfaMaxStates {
		return 0, false
	}
	n := int32(len(b.sets))
	b.index[key.String()] = n
	b.sets = append(b.sets, set)
	match, atEnd := false, false
	for _, pc := range set {
		in := &b.prog.Inst[pc]
		switch {
		case in.Op == syntax.InstMatch:
			match = true
		case in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&syntax.EmptyEndText != 0:
			if slices.Contains(b.closure([]uint32{in.Out}, false, true), uint32(matchPC(b.prog))) {
				atEnd = true
			}
		}
	}
	b.d.match = append(b.d.match, match)
	b.d.atEnd = append(b.d.atEnd, atEnd)
	return n, true
}

// matchPC returns the program's match instruction.
func matchPC(p *syntax.Prog) int {
	for pc, in := range p.Inst {
		if in.Op == syntax.InstMatch {
			return pc
		}
	}
	return -1
}

// step returns the threads after reading r from set, including threads
// that start at the next position (the pattern is not anchored).
func (b *dfaBuilder) step(set []uint32, r rune) []uint32 {
	var next []uint32
	for _, pc := range set {
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			if in.MatchRune(r) {
				next = append(next, in.Out)
			}
		case syntax.InstMatch:
			next = append(next, pc) // once matched, matched
		}
	}
	return b.closure(append(next, b.restart...), false, false)
}

// closure follows the instructions that read nothing. Begin-of-text
// assertions pass only at the start. End-of-text assertions pass at the
// end of the input; elsewhere they stay in the set, to be judged there.
func (b *dfaBuilder) closure(pcs []uint32, atStart, atEnd bool) []uint32 {
	seen := map[uint32]bool{}
	var out []uint32
	var visit func(pc uint32)
	visit = func(pc uint32) {
		if seen[pc] {
			return
		}
		seen[pc] = true
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			visit(in.Out)
			visit(in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			visit(in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			switch {
			case op&syntax.EmptyEndText != 0 && atEnd:
				visit(in.Out)
			case op&syntax.EmptyEndText != 0:
				out = append(out, pc)
			case op&syntax.EmptyBeginText != 0:
				if atStart {
					visit(in.Out)
				}
			default:
				visit(in.Out)
			}
		case syntax.InstFail:
		default:
			out = append(out, pc)
		}
	}
	for _, pc := range pcs {
		visit(pc)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
