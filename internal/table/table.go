// Package table draws the small summary tables ovsync prints for people
// (lint's summary, convert's and migrate's reports, push's plan) in one
// style: plain ASCII borders, so that the widths depend neither on the
// terminal nor on its locale, and numbers aligned right.
package table

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Write draws a table of rows under header. The columns whose indexes are
// in right are aligned right (counts); the others left.
func Write(w io.Writer, header []string, rows [][]string, right ...int) error {
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignLeft
	}
	for _, i := range right {
		if i >= 0 && i < len(align) {
			align[i] = tw.AlignRight
		}
	}
	return write(w, header, rows,
		tablewriter.WithRowAutoWrap(tw.WrapNone), // paths stay on one line
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	)
}

// WriteWrapped draws a table of rows under header, every column aligned
// left, with the text of column i wrapped at word boundaries so that the
// column is at most widths[i] characters wide, its padding of one space
// each side included, when widths[i] is more than 0: for prose, such as
// the rule catalogue, where Write's one line per row would not fit.
func WriteWrapped(w io.Writer, header []string, rows [][]string, widths []int) error {
	max := tw.NewMapper[int, int]()
	for i, n := range widths {
		if n > 0 {
			max.Set(i, n)
		}
	}
	return write(w, header, rows,
		tablewriter.WithRowConfig(tw.CellConfig{
			Formatting:   tw.CellFormatting{AutoWrap: tw.WrapNormal},
			Alignment:    tw.CellAlignment{Global: tw.AlignLeft},
			Padding:      tw.CellPadding{Global: tw.PaddingDefault},
			ColMaxWidths: tw.CellWidth{PerColumn: max},
		}),
	)
}

// write draws a table in the one style of the package, with opts for
// the rows.
func write(w io.Writer, header []string, rows [][]string, opts ...tablewriter.Option) error {
	t := tablewriter.NewTable(w, append([]tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols: tw.NewSymbols(tw.StyleASCII),
		})),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAutoFormat(tw.Off), // headers as given
	}, opts...)...)
	h := make([]any, len(header))
	for i, s := range header {
		h[i] = s
	}
	t.Header(h...)
	for _, row := range rows {
		cells := make([]any, len(row))
		for i, s := range row {
			cells[i] = s
		}
		if err := t.Append(cells...); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}
