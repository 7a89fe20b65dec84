package build

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/convert/hrexport"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
)

// headerRows is how many rows of a sheet are searched for the header, as
// convert does.
const headerRows = 20

// columns is what each column of the sheet read is.
type columns struct {
	sheet     int      // the sheet's index in the input
	header    []string // the header's cells, surrounding spaces removed
	headerAt  int      // the header's 0-based row index
	headerPos pos
	role      [hrexport.NumRoles]int // the column of each role, -1 when absent
	key       int                    // the --manager-key column, -1 when none
	image     int                    // the --image-url column, -1 when none
	where     []int                  // the column of each filter
	teamBy    []int                  // the column of each --team-by
	props     []int                  // the column of each property
	used      []int                  // every column read, in order
}

// filter is a --where condition.
type filter struct {
	column, value string
	not           bool
}

// parseFilter reads COLUMN=VALUE or COLUMN!=VALUE.
func parseFilter(s string) (filter, error) {
	col, val, ok := strings.Cut(s, "=")
	f := filter{column: strings.TrimSpace(col), value: strings.TrimSpace(val)}
	if strings.HasSuffix(f.column, "!") {
		f.column, f.not = strings.TrimSpace(strings.TrimSuffix(f.column, "!")), true
	}
	if !ok || f.column == "" {
		return f, fmt.Errorf("--where %q: write COLUMN=VALUE or COLUMN!=VALUE (Status=Current)", s)
	}
	return f, nil
}

// holds reports whether a row's value of the filter's column passes it.
func (f filter) holds(v string) bool {
	return strings.EqualFold(strings.TrimSpace(v), f.value) != f.not
}

// String writes the filter as given.
func (f filter) String() string {
	if f.not {
		return f.column + "!=" + f.value
	}
	return f.column + "=" + f.value
}

// property is a custom column of users.csv: its name there and the
// export's column it comes from.
type property struct{ name, column string }

// parseProperty reads [NAME=]COLUMN.
func parseProperty(s string) (property, error) {
	name, col, ok := strings.Cut(s, "=")
	if !ok {
		col = name
	}
	p := property{name: strings.TrimSpace(name), column: strings.TrimSpace(col)}
	if p.name == "" || p.column == "" {
		return p, fmt.Errorf("--property %q: write COLUMN, or NAME=COLUMN to name it NAME in users.csv", s)
	}
	return p, nil
}

// checkPropertyNames refuses a property named as a standard column of
// users.csv (in either format), or twice.
func checkPropertyNames(props []property) error {
	seen := map[string]string{}
	for _, p := range props {
		for _, v := range lint.Vocabularies {
			for _, c := range v.Columns(lint.KindUsers) {
				if strings.EqualFold(c, p.name) {
					return fmt.Errorf("--property %s: %q is a standard column of %s: the standard columns come from their own flags; name the property otherwise (NAME=COLUMN)", p.name+"="+p.column, c, v.FileNames[lint.KindUsers])
				}
			}
		}
		k := strings.ToLower(p.name)
		if prev, dup := seen[k]; dup {
			return fmt.Errorf("--property: two properties are named %q (%s and %s): name them apart (NAME=COLUMN)", p.name, prev, p.column)
		}
		seen[k] = p.column
	}
	return nil
}

// findHeader chooses the sheet and its header row, and what each column
// is.
func (b *builder) findHeader() error {
	sheets := b.in.Sheets()
	text := len(sheets) == 1 && sheets[0].Name == ""
	var found []*columns
	var errs []error
	var firstRows []string // what the first rows of the sheets read, for messages
	named := false
	for i, s := range sheets {
		if !text && b.opt.Sheet != "" && s.Name != b.opt.Sheet {
			continue
		}
		named = named || b.opt.Sheet != ""
		if s.Hidden && b.opt.Sheet == "" {
			continue
		}
		src := source{path: b.in.Where(i), sheet: s.Name, text: text}
		if !text {
			src.path = b.opt.Input
		}
		cols, first, err := b.scanSheet(i, src)
		switch {
		case err != nil:
			errs = append(errs, err)
		case cols != nil:
			found = append(found, cols)
		case first != "":
			firstRows = append(firstRows, first)
		}
	}
	if b.opt.Sheet != "" && !named && !text {
		var all []string
		for _, s := range sheets {
			all = append(all, fmt.Sprintf("%q", s.Name))
		}
		return fmt.Errorf("%s: --sheet %q: no such sheet (the sheets are %s)", b.opt.Input, b.opt.Sheet, strings.Join(all, ", "))
	}
	if len(errs) > 0 {
		return join(errs...)
	}
	switch len(found) {
	case 0:
		return b.noHeader(text, firstRows)
	case 1:
	default:
		var names []string
		for _, c := range found {
			names = append(names, fmt.Sprintf("%q", sheets[c.sheet].Name))
		}
		return fmt.Errorf("%s: the sheets %s all have an id and a manager column: choose one with --sheet", b.opt.Input, strings.Join(names, " and "))
	}
	b.cols = found[0]
	s := sheets[b.cols.sheet]
	b.src = source{path: b.in.Where(b.cols.sheet), sheet: s.Name, text: text}
	if !text {
		b.src.path = b.opt.Input
	}
	for _, col := range b.cols.used {
		if b.holdsKey(b.cols.header[col]) {
			d := keyDefect(col, "header")
			b.defects.add(d.kind, b.cols.headerPos, b.src.at(b.cols.headerPos, col), "the column's name holds the API key", d.hint)
		}
	}
	return nil
}

// noHeader is the error of an input without a header row.
func (b *builder) noHeader(text bool, firstRows []string) error {
	var need []string
	for _, r := range []hrexport.Role{hrexport.ID, hrexport.Manager} {
		if f := b.opt.Columns.role(r); f != "" {
			need = append(need, fmt.Sprintf("%s column %q", r, f))
		} else {
			need = append(need, fmt.Sprintf("%s column (%s…)", r, strings.Join(hrexport.Headers[r][:4], ", ")))
		}
	}
	where := b.opt.Input
	if !text {
		where += ": no sheet has a header"
	} else {
		where += ": no header"
	}
	msg := fmt.Sprintf("%s: none of the first %d rows has an %s and a %s", where, headerRows, need[0], need[1])
	if len(firstRows) > 0 {
		msg += " (" + strings.Join(firstRows, "; ") + ")"
	}
	return fmt.Errorf("%s\nhint: name the columns with --id and --manager; an export without a manager column (a directory's list of users) cannot say who reports to whom", msg)
}

// scanSheet reads the first rows of sheet i for the header: the first row
// that holds the id and the manager columns. It returns the columns, or
// nil and what the first non-empty row reads.
func (b *builder) scanSheet(i int, src source) (*columns, string, error) {
	rows, err := b.in.Rows(i)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", src.path, err)
	}
	defer rows.Close()
	first := ""
	for rows.Next() && rows.Index() < headerRows {
		cells := make([]string, rows.Len())
		empty := true
		for c := range cells {
			v, _ := rows.Cell(c)
			cells[c] = strings.TrimSpace(v)
			empty = empty && cells[c] == ""
		}
		if empty {
			continue
		}
		p := pos(rows.Index())
		if src.text {
			p = pos(rows.Line())
		}
		if first == "" {
			first = fmt.Sprintf("%s reads %s", src.ref(p, -1), plural.Quoted(cells, 80))
		}
		if !b.isHeader(cells) {
			continue
		}
		cols := &columns{sheet: i, header: cells, headerAt: rows.Index(), headerPos: p}
		return cols, "", b.plan(cols, src)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("%s: %w", src.path, err)
	}
	return nil, first, nil
}

// isHeader reports whether a row holds the id and the manager columns,
// by flag or by name.
func (b *builder) isHeader(cells []string) bool {
	cand := hrexport.Candidates(cells)
	for _, r := range []hrexport.Role{hrexport.ID, hrexport.Manager} {
		if f := b.opt.Columns.role(r); f != "" {
			if len(matchColumn(cells, f)) == 0 {
				return false
			}
		} else if len(cand[r]) == 0 {
			return false
		}
	}
	return true
}

// matchColumn returns the columns of a header named name: written so
// (surrounding spaces aside), or else the same once folded.
func matchColumn(header []string, name string) []int {
	name = strings.TrimSpace(name)
	var exact, folded []int
	fold := hrexport.Fold(name)
	for i, h := range header {
		switch {
		case h == name:
			exact = append(exact, i)
		case fold != "" && hrexport.Fold(h) == fold:
			folded = append(folded, i)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return folded
}

// plan finds each column the run reads in the header, or says why it
// cannot.
func (b *builder) plan(c *columns, src source) error {
	var errs []error
	at := func(col int) string {
		if src.text {
			return fmt.Sprintf("field %d", col+1)
		}
		return src.ref(c.headerPos, col)
	}
	find := func(name, flag string) int {
		m := matchColumn(c.header, name)
		switch len(m) {
		case 0:
			errs = append(errs, fmt.Errorf("%s: %s %q: no such column in the header (the columns are %s)", src.at(c.headerPos, -1), flag, name, plural.Quoted(c.header, 200)))
			return -1
		case 1:
			return m[0]
		}
		errs = append(errs, fmt.Errorf("%s: %s %q: the header has that column twice (%s and %s): rename one in the export", src.at(c.headerPos, -1), flag, name, at(m[0]), at(m[1])))
		return -1
	}
	cand := hrexport.Candidates(c.header)
	flags := b.opt.Columns
	// A name in one column stands for the first and last names, detected
	// only where neither of them is.
	useName := flags.Name != "" || flags.FirstName == "" && flags.LastName == "" && len(cand[hrexport.FirstName]) == 0 && len(cand[hrexport.LastName]) == 0
	for r := range hrexport.NumRoles {
		c.role[r] = -1
		if r == hrexport.Name && !useName || (r == hrexport.FirstName || r == hrexport.LastName) && flags.Name != "" {
			continue
		}
		if f := flags.role(r); f != "" {
			c.role[r] = find(f, r.Flag())
			continue
		}
		switch m := cand[r]; len(m) {
		case 0:
		case 1:
			c.role[r] = m[0]
		default:
			var names []string
			for _, i := range m {
				names = append(names, fmt.Sprintf("%q (%s)", c.header[i], at(i)))
			}
			errs = append(errs, fmt.Errorf("%s: %s could each be the %s column: choose one with %s", src.at(c.headerPos, -1), plural.And(names), r, r.Flag()))
		}
	}
	if len(errs) == 0 {
		switch {
		case c.role[hrexport.Email] < 0:
			errs = append(errs, fmt.Errorf("%s: no email column (%s…): give --email COLUMN: Officevibe knows members by their email", src.at(c.headerPos, -1), strings.Join(hrexport.Headers[hrexport.Email][:4], ", ")))
		case (c.role[hrexport.FirstName] < 0) != (c.role[hrexport.LastName] < 0):
			have, lack := hrexport.FirstName, hrexport.LastName
			if c.role[have] < 0 {
				have, lack = lack, have
			}
			errs = append(errs, fmt.Errorf("%s: a %s column (%q) but no %s column: give %s, or --name for a column that holds both (Officevibe takes both names or neither)", src.at(c.headerPos, -1), have, c.header[c.role[have]], lack, lack.Flag()))
		}
	}
	c.key, c.image = -1, -1
	if flags.ManagerKey != "" {
		c.key = find(flags.ManagerKey, "--manager-key")
	}
	if flags.ImageURL != "" {
		c.image = find(flags.ImageURL, "--image-url")
	}
	for _, f := range b.filters {
		c.where = append(c.where, find(f.column, "--where"))
	}
	for _, t := range b.opt.TeamBy {
		i := find(t, "--team-by")
		for _, j := range c.teamBy {
			if i >= 0 && j >= 0 && hrexport.Fold(c.header[i]) == hrexport.Fold(c.header[j]) {
				errs = append(errs, fmt.Errorf("%s: --team-by %q and --team-by %q name one column: their segments would be the same teams", src.at(c.headerPos, -1), c.header[j], c.header[i]))
			}
		}
		c.teamBy = append(c.teamBy, i)
	}
	for _, p := range b.props {
		c.props = append(c.props, find(p.column, "--property"))
	}
	if len(errs) > 0 {
		return join(errs...)
	}
	for _, i := range slices.Concat(c.role[:], []int{c.key, c.image}, c.where, c.teamBy, c.props) {
		if i >= 0 && !slices.Contains(c.used, i) {
			c.used = append(c.used, i)
		}
	}
	slices.Sort(c.used)
	return nil
}

// printColumns tells the log which column is what.
func (b *builder) printColumns() {
	if b.opt.Log == nil {
		return
	}
	c := b.cols
	b.logf("%s: the header is %s; columns:\n", b.src.path, b.src.ref(c.headerPos, -1))
	line := func(what, detail string) { b.logf("  %-12s %s\n", what, detail) }
	for r := range hrexport.NumRoles {
		if i := c.role[r]; i >= 0 {
			d := fmt.Sprintf("%q", c.header[i])
			if r == hrexport.Manager && c.key >= 0 {
				d += fmt.Sprintf(", the values of %q", c.header[c.key])
			}
			line(r.String(), d)
		}
	}
	if c.image >= 0 {
		line("image URL", fmt.Sprintf("%q", c.header[c.image]))
	}
	for k, f := range b.filters {
		op := "="
		if f.not {
			op = "!="
		}
		line("where", fmt.Sprintf("%q %s %q", c.header[c.where[k]], op, f.value))
	}
	for _, i := range c.teamBy {
		line("team by", fmt.Sprintf("%q", c.header[i]))
	}
	for k, i := range c.props {
		line("property", fmt.Sprintf("%q from %q", b.props[k].name, c.header[i]))
	}
}
