package graph

import (
	"bufio"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Mermaid class names of the marks, in the order their classDef lines are
// written.
var mermaidClasses = []struct {
	name, style string
	has         func(kind nodeKind, m Marks) bool
}{
	{"user", "fill:" + colorWhite,
		func(k nodeKind, m Marks) bool { return k == userNode }},
	{"manager", "stroke:" + colorBlue + ",stroke-width:2px",
		func(k nodeKind, m Marks) bool { return m&markManager != 0 }},
	{"nomanager", "stroke-dasharray:6 4",
		func(k nodeKind, m Marks) bool { return m&MarkNoManager != 0 && m&MarkMissing == 0 }},
	{"empty", "fill:" + colorWhite + ",color:" + colorLine + ",stroke-dasharray:2 3",
		func(k nodeKind, m Marks) bool { return m&MarkEmpty != 0 && m&MarkMissing == 0 }},
	{"gap", "fill:" + colorOrFill + ",stroke:" + colorOrange + ",stroke-width:2px",
		func(k nodeKind, m Marks) bool { return m&MarkGap != 0 && m&MarkMissing == 0 }},
	{"missing", "fill:" + colorRedFill + ",stroke:" + colorRed + ",color:" + colorRed + ",stroke-dasharray:6 4",
		func(k nodeKind, m Marks) bool { return m&MarkMissing != 0 }},
	{"note", "fill:" + colorWhite + ",stroke:#d0d7de,color:" + colorLine,
		nil},
}

// Link styles of the edge kinds that are not plain.
const (
	mermaidCycleStyle   = "stroke:" + colorRed + ",stroke-width:3px,color:" + colorRed
	mermaidMemberStyle  = "stroke:" + colorGrey
	mermaidManagerStyle = "stroke:" + colorBlue + ",stroke-width:2px"
)

// writeMermaid writes the graph as a Mermaid flowchart: the same nodes,
// edges, labels and marks as DOT, with classes for the node marks and link
// styles for the edges (Mermaid numbers links in the order they appear).
func (g *Graph) writeMermaid(w *bufio.Writer) {
	w.WriteString("flowchart " + g.direction() + "\n")
	var b []byte
	var lines []string
	classes := make([][]byte, len(mermaidClasses))
	for i := range g.nodes {
		n := &g.nodes[i]
		lines = g.label(n, lines)
		b = append(b[:0], '\t')
		name := len(b)
		b = g.appendDOTName(b, n)
		for c, mc := range mermaidClasses {
			if mc.has != nil && mc.has(n.kind, n.marks) {
				classes[c] = appendClassMember(classes[c], b[name:])
			}
		}
		b = appendMermaidNode(b, lines, n.kind)
		w.Write(b)
	}
	var cycle, member, manager []int
	for i, e := range g.edges {
		b = append(b[:0], '\t')
		b = g.appendDOTName(b, &g.nodes[e.from])
		b = appendMermaidArrow(b, e)
		b = g.appendDOTName(b, &g.nodes[e.to])
		b = append(b, '\n')
		w.Write(b)
		switch {
		case e.cycle:
			cycle = append(cycle, i)
		case e.kind == memberEdge:
			member = append(member, i)
		case e.kind == managerEdge:
			manager = append(manager, i)
		}
	}
	// The legend, its nodes named l0, l1, ...; its links follow the
	// graph's in Mermaid's numbering.
	w.WriteString("\tsubgraph legend [\"Legend\"]\n")
	w.WriteString("\t\tdirection TB\n")
	entries := g.legend()
	for i, le := range entries {
		b = append(b[:0], "\t\tl"...)
		name := len(b) - 1
		b = strconv.AppendInt(b, int64(i), 10)
		if le.note {
			classes[len(classes)-1] = appendClassMember(classes[len(classes)-1], b[name:])
		}
		for c, mc := range mermaidClasses {
			if mc.has != nil && mc.has(le.kind, le.marks) {
				classes[c] = appendClassMember(classes[c], b[name:])
			}
		}
		b = appendMermaidNode(b, strings.Split(le.text, "\n"), le.kind)
		w.Write(b)
	}
	link := len(g.edges)
	for i := 1; i < len(entries); i++ {
		b = append(b[:0], "\t\tl"...)
		b = strconv.AppendInt(b, int64(i-1), 10)
		e := entries[i].edge
		if e == nil {
			b = append(b, " ~~~ l"...)
		} else {
			b = appendMermaidArrow(b, *e)
			b = append(b, 'l')
			switch {
			case e.cycle:
				cycle = append(cycle, link)
			case e.kind == memberEdge:
				member = append(member, link)
			case e.kind == managerEdge:
				manager = append(manager, link)
			}
		}
		link++
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, '\n')
		w.Write(b)
	}
	w.WriteString("\tend\n")
	w.WriteString("\tclassDef default fill:" + colorFill + ",stroke:" + colorLine + ",color:#1f2328\n")
	w.WriteString("\tstyle legend fill:" + colorWhite + ",stroke:#d0d7de,color:" + colorLine + "\n")
	for c, mc := range mermaidClasses {
		if len(classes[c]) == 0 {
			continue
		}
		w.WriteString("\tclassDef " + mc.name + " " + mc.style + "\n")
		w.WriteString("\tclass ")
		w.Write(classes[c])
		w.WriteString(" " + mc.name + "\n")
	}
	writeLinkStyle(w, cycle, mermaidCycleStyle)
	writeLinkStyle(w, member, mermaidMemberStyle)
	writeLinkStyle(w, manager, mermaidManagerStyle)
}

// appendClassMember appends a node name to a comma-separated list.
func appendClassMember(list, name []byte) []byte {
	if len(list) > 0 {
		list = append(list, ',')
	}
	return append(list, name...)
}

// writeLinkStyle writes one linkStyle statement for the links numbered in
// links, if any.
func writeLinkStyle(w *bufio.Writer, links []int, style string) {
	if len(links) == 0 {
		return
	}
	b := []byte("\tlinkStyle ")
	for i, l := range links {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(l), 10)
	}
	b = append(b, ' ')
	b = append(b, style...)
	b = append(b, '\n')
	w.Write(b)
}

// appendMermaidNode appends the shape and label of a node: a rounded box
// for a team, a stadium for a user.
func appendMermaidNode(b []byte, lines []string, kind nodeKind) []byte {
	open, end := `("`, `")`
	if kind == userNode {
		open, end = `(["`, `"])`
	}
	b = append(b, open...)
	for i, l := range lines {
		if i > 0 {
			b = append(b, "<br>"...)
		}
		b = appendMermaidEscaped(b, l)
	}
	b = append(b, end...)
	return append(b, '\n')
}

// appendMermaidArrow appends the arrow of an edge, spaces around it: a
// plain arrow to a sub-team (labelled on a cycle), a line to a member, a
// thick line to a manager.
func appendMermaidArrow(b []byte, e edge) []byte {
	switch {
	case e.cycle:
		return append(b, " -->|cycle| "...)
	case e.kind == memberEdge:
		return append(b, " --- "...)
	case e.kind == managerEdge:
		return append(b, " === "...)
	}
	return append(b, " --> "...)
}

// appendMermaidEscaped appends s escaped for the inside of a quoted Mermaid
// label (the quotes not included), so that Mermaid shows s as written:
//
//   - ", #, &, <, >, ` and \ are written as Mermaid entity codes (#34;
//     and so on): a quote would end the label, # starts an entity code, <
//     and & would be read as HTML, a backtick starts a Markdown string;
//   - Mermaid draws a backslash and an n as a line break, even when the
//     backslash is an entity code, so an invisible U+2060 WORD JOINER is
//     put between them;
//   - so is a colon, unless a space follows it: Mermaid's pre-processing
//     of style statements cuts the ";" off a line holding "style", a colon
//     and then "#...;" with no space between, and would break the entity
//     codes of the label;
//   - a line break (LF, CRLF or CR) becomes <br>;
//   - a tab becomes a space, other control characters and bytes that are
//     not UTF-8 become U+FFFD.
//
// Everything else, |, {}, [] and any Unicode letter or emoji included,
// is written as is: inside quotes Mermaid gives them no meaning.
func appendMermaidEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			var size int
			b, size = appendUTF8(b, s[i:])
			i += size
			continue
		}
		i++
		switch c {
		case '"', '#', '&', '<', '>', '`':
			b = appendMermaidEntity(b, c)
		case '\\':
			b = appendMermaidEntity(b, c)
			if i < len(s) && s[i] == 'n' {
				b = append(b, wordJoiner...)
			}
		case ':':
			if i < len(s) && s[i] == ' ' {
				b = append(b, c)
			} else {
				b = appendMermaidEntity(b, c)
			}
		case '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b = append(b, "<br>"...)
		case '\n':
			b = append(b, "<br>"...)
		case '\t':
			b = append(b, ' ')
		default:
			if c < 0x20 || c == 0x7f {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, c)
			}
		}
	}
	return b
}

// wordJoiner is U+2060 WORD JOINER, an invisible character that keeps
// Mermaid from reading a backslash and an n as a line break.
const wordJoiner = "\u2060"

// appendMermaidEntity appends c as a Mermaid entity code, #60; for <.
func appendMermaidEntity(b []byte, c byte) []byte {
	b = append(b, '#')
	b = strconv.AppendInt(b, int64(c), 10)
	return append(b, ';')
}
