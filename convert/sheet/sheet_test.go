package sheet

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRef(t *testing.T) {
	tests := []struct {
		row, col int
		want     string
	}{
		{0, 0, "A1"},
		{11, 6, "G12"},
		{0, 25, "Z1"},
		{0, 26, "AA1"},
		{0, 51, "AZ1"},
		{0, 52, "BA1"},
		{65535, 255, "IV65536"},
		{1<<20 - 1, MaxCols - 1, "XFD1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Ref(tt.row, tt.col); got != tt.want {
				t.Errorf("Ref(%d, %d) = %q, want %q", tt.row, tt.col, got, tt.want)
			}
			c := Cell{Row: tt.row, Col: tt.col}
			if got := c.Ref(); got != tt.want {
				t.Errorf("Cell.Ref() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCorrupt(t *testing.T) {
	base := fmt.Errorf("workbook is %w", ErrCorrupt)
	err := Corrupt(base, "row number %q", "x")
	if !errors.Is(err, base) || !errors.Is(err, ErrCorrupt) {
		t.Errorf("%v does not wrap its base and ErrCorrupt", err)
	}
	want := `workbook is truncated or corrupt (row number "x"): open it in a spreadsheet program and save it again`
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// put is a cell to put: its value (or error, or why it is unknown), its
// column and how many times it repeats.
type put struct {
	cell   Cell
	col, n int
}

// layout is a row as the assembly gives it: its cells' values by column
// ("" for an empty one), and what lies past the limit.
type layout struct {
	Values       []string
	Beyond, At   int
	Empty        bool
	RowsAtPlace  bool
	ColsAtPlace  bool
	LastNotEmpty bool
}

func layoutOf(r *Row, index int) layout {
	cells := r.Cells()
	l := layout{Empty: r.Empty(), RowsAtPlace: true, ColsAtPlace: true, LastNotEmpty: len(cells) == 0 || !cells[len(cells)-1].Empty()}
	l.Beyond, l.At = r.Beyond()
	for c, cell := range cells {
		v := cell.Value + cell.Err + cell.Unknown
		l.Values = append(l.Values, v)
		l.RowsAtPlace = l.RowsAtPlace && cell.Row == index
		l.ColsAtPlace = l.ColsAtPlace && cell.Col == c
	}
	return l
}

func TestRow(t *testing.T) {
	a, b := Cell{Value: "a"}, Cell{Value: "b"}
	tests := []struct {
		name  string
		limit int // 0: none
		puts  []put
		want  layout
	}{
		{"nothing", 0, nil, layout{}},
		{"in place", 0, []put{{a, 0, 1}, {b, 1, 1}}, layout{Values: []string{"a", "b"}}},
		{"gaps laid out empty", 0, []put{{a, 1, 1}, {b, 4, 1}}, layout{Values: []string{"", "a", "", "", "b"}}},
		{"an error and an unknown formula are values", 0, []put{{Cell{Err: "#N/A"}, 0, 1}, {Cell{Unknown: "why"}, 2, 1}}, layout{Values: []string{"#N/A", "", "why"}}},
		{"empty cells not laid out", 0, []put{{a, 0, 1}, {Cell{Computed: true}, 3, 5}}, layout{Values: []string{"a"}}},
		{"repeated", 0, []put{{a, 1, 3}}, layout{Values: []string{"", "a", "a", "a"}}},
		{"past the limit counted", 2, []put{{a, 0, 1}, {b, 5, 1}, {a, 9, 1}}, layout{Values: []string{"a"}, Beyond: 2, At: 5}},
		{"a repeat across the limit", 3, []put{{a, 1, 10}}, layout{Values: []string{"", "a", "a"}, Beyond: 8, At: 3}},
		{"only past the limit", 1, []put{{a, 4, 2}}, layout{Beyond: 2, At: 4}},
		{"limit zero", -1, []put{{a, 0, 1}}, layout{Beyond: 1, At: 0}},
		{"far away", 0, []put{{a, MaxCols - 1, 1}}, layout{Values: append(make([]string, MaxCols-1), "a")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRow(nil)
			switch {
			case tt.limit > 0:
				r.Limit(tt.limit)
			case tt.limit < 0:
				r.Limit(0)
			}
			r.Start(7)
			for _, p := range tt.puts {
				r.Put(&p.cell, p.col, p.n)
			}
			want := tt.want
			want.RowsAtPlace, want.ColsAtPlace, want.LastNotEmpty = true, true, true
			want.Empty = len(want.Values) == 0 && want.Beyond == 0
			if diff := cmp.Diff(want, layoutOf(&r, 7)); diff != "" {
				t.Errorf("row (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRowReused starts row after row on one buffer, gives a row again
// as a later one (its cells' Row fields following), and lays a far-away
// cell out in one allocation.
func TestRowReused(t *testing.T) {
	r := NewRow(make([]Cell, 0, 4))
	r.Start(0)
	r.Put(&Cell{Value: "x"}, 2, 1)
	r.Repeat(5)
	if got := layoutOf(&r, 5); !got.RowsAtPlace || len(got.Values) != 3 {
		t.Errorf("row given again: %+v", got)
	}
	r.Start(6)
	if !r.Empty() || len(r.Cells()) != 0 {
		t.Errorf("a new row holds %v", r.Cells())
	}
	far := &Cell{Value: "y"}
	if n := testing.AllocsPerRun(10, func() {
		r.cells = nil
		r.Start(8)
		r.Put(far, 1000, 1)
	}); n > 2 {
		// One allocation (two under the race detector, which keeps
		// slices.Grow's make apart), not one for each doubling.
		t.Errorf("a far-away cell took %v allocations, want one", n)
	}
	r.Limit(MaxCols + 10)
	r.Start(9)
	r.Put(&Cell{Value: "z"}, MaxCols-1, 1)
	if n, _ := r.Beyond(); n != 0 || len(r.Cells()) != MaxCols {
		t.Errorf("a limit past the sheet's width kept %d cells, %d beyond", len(r.Cells()), n)
	}
}
