package graph

import (
	"bufio"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Colours of the marks, shared by DOT and Mermaid (GitHub's Primer
// palette, readable on light and dark backgrounds).
const (
	colorLine    = "#57606a"
	colorFill    = "#f6f8fa"
	colorRed     = "#cf222e"
	colorRedFill = "#ffebe9"
	colorOrange  = "#bc4c00"
	colorOrFill  = "#fff1e5"
	colorBlue    = "#0969da"
	colorGrey    = "#8c959f"
	colorWhite   = "#ffffff"
	fontName     = "Helvetica,Arial,sans-serif"
)

// writeDOT writes the graph in Graphviz's DOT language. Node names are
// "t" and the team's index, or "u" and the user's index, so any id is
// safe; the ids are in the labels.
func (g *Graph) writeDOT(w *bufio.Writer) {
	w.WriteString("digraph org {\n")
	w.WriteString("\tgraph [rankdir=" + g.direction() + ", fontname=\"" + fontName + "\", fontsize=10, nodesep=0.3, ranksep=0.5];\n")
	w.WriteString("\tnode [shape=box, style=\"rounded,filled\", color=\"" + colorLine + "\", fillcolor=\"" + colorFill + "\", fontname=\"" + fontName + "\", fontsize=10];\n")
	w.WriteString("\tedge [color=\"" + colorLine + "\", arrowsize=0.7];\n")
	var b []byte
	var lines []string
	for i := range g.nodes {
		n := &g.nodes[i]
		lines = g.label(n, lines)
		b = append(b[:0], '\t')
		b = g.appendDOTName(b, n)
		b = appendDOTNode(b, lines, n.kind, n.marks)
		w.Write(b)
	}
	for _, e := range g.edges {
		b = append(b[:0], '\t')
		b = g.appendDOTName(b, &g.nodes[e.from])
		b = append(b, " -> "...)
		b = g.appendDOTName(b, &g.nodes[e.to])
		b = appendDOTEdgeAttrs(b, e)
		w.Write(b)
	}
	g.writeDOTLegend(w)
	w.WriteString("}\n")
}

// appendDOTName appends the node name of n.
func (g *Graph) appendDOTName(b []byte, n *node) []byte {
	if n.kind == userNode {
		b = append(b, 'u')
	} else {
		b = append(b, 't')
	}
	return strconv.AppendInt(b, int64(n.index), 10)
}

// appendDOTNode appends the attributes of a node with the given label
// lines, kind and marks, and the end of its statement.
func appendDOTNode(b []byte, lines []string, kind nodeKind, marks Marks) []byte {
	b = append(b, " [label="...)
	b = appendDOTLabel(b, lines)
	style := "rounded,filled"
	if kind == userNode {
		b = append(b, ", shape=ellipse"...)
		style = "filled"
	}
	switch {
	case marks&(MarkMissing|MarkNoManager) != 0:
		style += ",dashed"
	case marks&MarkEmpty != 0:
		style += ",dotted"
	}
	if style != "rounded,filled" {
		b = append(b, ", style=\""+style+"\""...)
	}
	switch {
	case marks&MarkMissing != 0:
		b = append(b, ", color=\""+colorRed+"\", fontcolor=\""+colorRed+"\", fillcolor=\""+colorRedFill+"\", penwidth=1.5"...)
	case marks&MarkGap != 0:
		b = append(b, ", color=\""+colorOrange+"\", fillcolor=\""+colorOrFill+"\", penwidth=2"...)
	case marks&markManager != 0:
		b = append(b, ", color=\""+colorBlue+"\", fillcolor=\""+colorWhite+"\", penwidth=2"...)
	case marks&MarkEmpty != 0 || kind == userNode:
		b = append(b, ", fillcolor=\""+colorWhite+"\""...)
	}
	return append(b, "];\n"...)
}

// appendDOTEdgeAttrs appends the attributes of an edge and the end of its
// statement.
func appendDOTEdgeAttrs(b []byte, e edge) []byte {
	switch {
	case e.cycle:
		b = append(b, " [color=\""+colorRed+"\", fontcolor=\""+colorRed+"\", penwidth=2.5, label=\"cycle\", fontname=\""+fontName+"\", fontsize=9]"...)
	case e.kind == memberEdge:
		b = append(b, " [color=\""+colorGrey+"\", arrowhead=none]"...)
	case e.kind == managerEdge:
		b = append(b, " [color=\""+colorBlue+"\", penwidth=2, arrowhead=none]"...)
	}
	return append(b, ";\n"...)
}

// writeDOTLegend writes the legend as a cluster of sample nodes. From top
// to bottom, invisible edges stack them in a column where no sample edge
// links them; from left to right, Graphviz puts the nodes of one rank in a
// column already.
func (g *Graph) writeDOTLegend(w *bufio.Writer) {
	w.WriteString("\tsubgraph cluster_legend {\n")
	w.WriteString("\t\tlabel=\"Legend\"; style=\"rounded\"; color=\"#d0d7de\"; fontcolor=\"" + colorLine + "\";\n")
	var b []byte
	entries := g.legend()
	for i, le := range entries {
		b = append(b[:0], "\t\tlegend"...)
		b = strconv.AppendInt(b, int64(i), 10)
		if le.note {
			b = append(b, " [shape=note, style=filled, fillcolor=\""+colorWhite+"\", label="...)
			b = appendDOTLabel(b, strings.Split(le.text, "\n"))
			b = append(b, "];\n"...)
		} else {
			b = appendDOTNode(b, strings.Split(le.text, "\n"), le.kind, le.marks)
		}
		w.Write(b)
	}
	for i := 1; i < len(entries); i++ {
		b = append(b[:0], "\t\tlegend"...)
		b = strconv.AppendInt(b, int64(i-1), 10)
		b = append(b, " -> legend"...)
		b = strconv.AppendInt(b, int64(i), 10)
		e := entries[i].edge
		switch {
		case e != nil:
			b = appendDOTEdgeAttrs(b, *e)
		case g.direction() == "LR":
			continue
		default:
			b = append(b, " [style=invis];\n"...)
		}
		w.Write(b)
	}
	w.WriteString("\t}\n")
}

// appendDOTLabel appends lines as one quoted DOT label, a line break
// between lines.
func appendDOTLabel(b []byte, lines []string) []byte {
	b = append(b, '"')
	for i, l := range lines {
		if i > 0 {
			b = append(b, `\n`...)
		}
		b = appendDOTEscaped(b, l)
	}
	return append(b, '"')
}

// appendDOTEscaped appends s escaped for the inside of a quoted DOT label
// (the quotes not included), so that Graphviz draws s as written:
//
//   - a quote and a backslash are preceded by a backslash (Graphviz reads
//     \n, \l, \N and others as escapes);
//   - & is written &amp; (Graphviz reads &name; entities in labels);
//   - a line break (LF, CRLF or CR) becomes \n, a centred line break;
//   - a tab becomes a space, other control characters and bytes that are
//     not UTF-8 become U+FFFD, which Graphviz would refuse or drop.
//
// Everything else, <, >, |, {}, [] and any Unicode letter or emoji
// included, is written as is: outside record shapes and HTML labels,
// Graphviz gives them no meaning.
func appendDOTEscaped(b []byte, s string) []byte {
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
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '&':
			b = append(b, "&amp;"...)
		case '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b = append(b, '\\', 'n')
		case '\n':
			b = append(b, '\\', 'n')
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

// appendUTF8 appends the character that starts s, a byte of 0x80 or more,
// and returns how many bytes of s it took; a byte that does not start
// valid UTF-8 becomes U+FFFD. The DOT and Mermaid escapers share it: both
// pass every character beyond ASCII through as is.
func appendUTF8(b []byte, s string) ([]byte, int) {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		return append(b, "\uFFFD"...), 1
	}
	return append(b, s[:size]...), size
}
