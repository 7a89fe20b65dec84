package build

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ovsync/ovsync/convert"
	"github.com/ovsync/ovsync/convert/hrexport"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
)

// person is one person of the export: what the org needs of them once the
// whole export is read. The strings share one allocation.
type person struct {
	s   string    // id, email (lower case), manager, name ("First Last") and job title
	end [4]uint32 // where the id, email, manager and name end in s
	at  pos
	nf  uint32 // the length of the first name in name
}

// The person's values.
func (p *person) id() string    { return p.s[:p.end[0]] }
func (p *person) email() string { return p.s[p.end[0]:p.end[1]] }
func (p *person) mgr() string   { return p.s[p.end[1]:p.end[2]] }
func (p *person) name() string  { return p.s[p.end[2]:p.end[3]] }
func (p *person) title() string { return p.s[p.end[3]:] }
func (p *person) first() string { return p.name()[:p.nf] }
func (p *person) last() string  { return strings.TrimSpace(p.name()[p.nf:]) }

// keyRow is a row of the export by its --manager-key value: the id on
// that row, and where it is.
type keyRow struct {
	id string
	at pos
}

// nullValues mean "nothing" in the standard columns of an export: HR
// systems and data warehouses write them for an empty value (FORMAT.md).
var nullValues = []string{"NULL", "null", "None", "N/A", "#N/A"}

// isNull reports whether v, surrounding spaces removed, means nothing.
func isNull(v string) bool { return v == "" || slices.Contains(nullValues, v) }

// clean returns a standard column's value without surrounding spaces, ""
// for a null value.
func clean(v string) string {
	v = strings.TrimSpace(v)
	if isNull(v) {
		return ""
	}
	return v
}

// row holds the values of one row of the export.
type row struct {
	vals []string // by column; only the used columns are filled
	at   pos
	bad  []cellDefect
	// misaligned is set for a text row with more fields than the
	// header (fields): its values cannot be trusted to be in their
	// columns.
	misaligned bool
	fields     int
	computed   int // cells read whose formula ovsync computed
}

// cellDefect is a cell of a row whose value cannot be used: said only if
// the row is kept, or if its column decides that.
type cellDefect struct {
	col             int
	kind, msg, hint string
}

// read reads the rows below the header: it checks each, writes the
// people kept to users.csv (w) and keeps what the org needs of them.
// Defects are recorded; an error means the export could not be read.
//
// The sheet is read (the text decoded and split, the cells rendered) by a
// goroutine of its own, which hands the rows over in batches: reading
// and checking take about as long, and take two cores at once.
func (b *builder) read(w io.Writer) error {
	c := b.cols
	rows, err := b.in.Rows(c.sheet)
	if err != nil {
		return fmt.Errorf("%s: %w", b.src.path, err)
	}
	defer rows.Close()
	out := newCSVOut(w)
	if err := out.row(b.usersHeader()...); err != nil {
		return err
	}
	b.byID, b.byEmail = map[string]int32{}, map[string]int32{}
	if len(b.filters) > 0 {
		b.exclID, b.exclMail = map[string]int32{}, map[string]int32{}
	}
	if c.key >= 0 {
		b.keys = map[string]keyRow{}
	}
	for range c.teamBy {
		b.segments = append(b.segments, &segmentSet{byKey: map[string]int32{}})
	}
	full, free := make(chan *rowBatch, 2), make(chan *rowBatch, 3)
	for range 3 {
		free <- &rowBatch{}
	}
	// The batches are always drained, so that the reading goroutine ends
	// before the sheet is closed.
	var readErr error
	go func() {
		defer close(full)
		readErr = b.readRows(rows, free, full)
	}()
	rec := make([]string, 0, 16)
	var writeErr error
	for batch := range full {
		if batch.estimate > 0 {
			b.sizeHint(batch.estimate)
		}
		for i := range batch.n {
			r := &batch.rows[i]
			b.sum.Computed += r.computed
			if writeErr != nil {
				continue // drain the batches, so that the reader ends
			}
			if r.misaligned {
				b.defects.add("rows with more fields than the header", r.at, b.src.at(r.at, -1),
					fmt.Sprintf("the row has %d fields, the header %d: the fields no longer line up with their columns", r.fields, len(r.vals)),
					"quote the fields that hold the delimiter, or give --delimiter")
				b.placeholder(r)
				continue
			}
			if !b.keep(r) {
				b.sum.Filtered++
				continue
			}
			if rec, writeErr = b.person(r, rec[:0]); writeErr == nil && rec != nil {
				writeErr = out.row(rec...)
			}
		}
		free <- batch
	}
	if writeErr != nil {
		return writeErr
	}
	if readErr != nil {
		return readErr
	}
	if err := out.flush(); err != nil {
		return err
	}
	if len(b.people) == 0 && b.defects.n == 0 {
		what := "no row below the header"
		if b.sum.Filtered > 0 {
			what = fmt.Sprintf("no row passes --where (%s filtered out)", plural.Count(b.sum.Filtered, "row", "rows"))
		}
		b.defects.add("empty exports", c.headerPos, b.src.at(c.headerPos, -1), what+": a push of no one would remove everyone",
			"export the people again, or loosen the filters")
	}
	b.sum.People = len(b.people)
	return nil
}

// batchRows is how many rows a batch hands over.
const batchRows = 512

// rowBatch is rows read, handed from the reading goroutine to read. Its
// rows are used again for the next batch.
type rowBatch struct {
	rows     [batchRows]row
	n        int
	estimate int // when not 0, about how many rows the sheet has
}

// readRows reads the rows below the header into batches taken from free,
// and hands them over through full, until the sheet ends. It reads only
// the builder's settings, never what read changes.
func (b *builder) readRows(rows *convert.Rows, free <-chan *rowBatch, full chan<- *rowBatch) error {
	c := b.cols
	var batch *rowBatch
	seen := 0
	for rows.Next() {
		if rows.Index() <= c.headerAt {
			continue
		}
		if batch == nil {
			batch = <-free
			batch.n, batch.estimate = 0, 0
		}
		r := &batch.rows[batch.n]
		if r.vals == nil {
			r.vals = make([]string, len(c.header))
		}
		r.at = pos(rows.Index())
		if b.src.text {
			r.at = pos(rows.Line())
		}
		if !b.cells(rows, r) {
			continue
		}
		batch.n++
		if seen++; seen == sampleRows {
			if done, total := rows.Progress(); done > 0 && total > done {
				batch.estimate = int(float64(seen) * float64(total) / float64(done) * 1.02)
			}
		}
		if batch.n == batchRows {
			full <- batch
			batch = nil
		}
	}
	if batch != nil && batch.n > 0 {
		full <- batch
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", b.src.path, err)
	}
	return nil
}

// sampleRows is how many rows are read before the rest are counted on:
// the people and their indexes are then made for all of them at once,
// instead of growing (and copying) as they come.
const sampleRows = 4096

// sizeHint makes room for about n people, counted on from the rate of
// the first rows.
func (b *builder) sizeHint(n int) {
	n = min(n, 64<<20) // a hint, not a promise: never more than this at once
	b.people = slices.Grow(b.people, n-len(b.people))
	b.byID = regrow(b.byID, n)
	b.byEmail = regrow(b.byEmail, n)
}

// regrow returns m in a map made for n entries.
func regrow(m map[string]int32, n int) map[string]int32 {
	out := make(map[string]int32, max(n, len(m)))
	maps.Copy(out, m)
	return out
}

// cellSource is what read needs of a sheet's rows.
type cellSource interface {
	Len() int
	Cell(c int) (value, errText string)
	Formula(c int) (computed bool, unknown string)
}

// cells reads the used columns of the current row into r, with the
// defects of its cells. It reports false for a row to skip: an empty one.
// It runs in the reading goroutine: it changes nothing but r.
func (b *builder) cells(rows cellSource, r *row) bool {
	n := rows.Len()
	blank := true
	for col := range n {
		v, e := rows.Cell(col)
		if v != "" || e != "" {
			blank = false
			break
		}
	}
	if blank {
		return false
	}
	// A text row with more fields than the header most often has a value
	// holding the delimiter unquoted ("Head, Sales"): from there on, no
	// value is in its column, even when the extra fields are empty.
	r.misaligned, r.fields = b.src.text && n > len(r.vals), n
	mgr := b.cols.role[hrexport.Manager]
	r.bad, r.computed = r.bad[:0], 0
	for _, col := range b.cols.used {
		r.vals[col] = ""
		if col >= n {
			continue
		}
		v, e := rows.Cell(col)
		comp, unknown := rows.Formula(col)
		switch {
		case unknown != "":
			r.bad = append(r.bad, cellDefect{col, "formula cells without a sure value",
				fmt.Sprintf("%q: a formula without a value ovsync can be sure of: %s", b.cols.header[col], unknown),
				"open the workbook in a spreadsheet program, let it recalculate, save it as .xlsx, and build again"})
		case e == "#N/A" && col == mgr:
			// A lookup that found no manager, as "#N/A" written in text.
		case e != "":
			r.bad = append(r.bad, cellDefect{col, "error cells", fmt.Sprintf("%q: an error cell (%s)", b.cols.header[col], e),
				"fix the formula (or the data it looks up) in the workbook, and build again"})
		case b.holdsKey(v):
			r.bad = append(r.bad, keyDefect(col, b.cols.header[col]))
		default:
			if comp {
				r.computed++
			}
			r.vals[col] = v
		}
	}
	return true
}

// keep applies the filters to a row. A row left out still counts for
// --manager-key, and its id and email tell a manager left out by a
// filter from one the export does not hold.
func (b *builder) keep(r *row) bool {
	c := b.cols
	ok := true
	for k, f := range b.filters {
		if !f.holds(r.vals[c.where[k]]) {
			ok = false
			break
		}
	}
	id := clean(r.vals[c.role[hrexport.ID]])
	if c.key >= 0 {
		if k := clean(r.vals[c.key]); k != "" {
			if prev, dup := b.keys[k]; dup {
				b.defects.add("duplicate keys", r.at, b.src.at(r.at, c.key),
					fmt.Sprintf("--manager-key %q: %q is also the key of %s", c.header[c.key], k, b.src.ref(prev.at, -1)),
					"the manager column must point at one row: choose a --manager-key column whose values are unique")
			} else {
				b.keys[strings.Clone(k)] = keyRow{id: strings.Clone(id), at: r.at}
			}
		}
	}
	for _, d := range r.bad {
		// A key is refused wherever it is: a row left out holds it too.
		if ok || d.col == c.key || slices.Contains(c.where, d.col) || d.kind == keyCells {
			b.defects.add(d.kind, r.at, b.src.at(r.at, d.col), d.msg, d.hint)
		}
	}
	if !ok {
		if id != "" {
			b.exclID[strings.Clone(id)] = r.at
		}
		if e := clean(r.vals[c.role[hrexport.Email]]); e != "" {
			b.exclMail[strings.Clone(strings.ToLower(e))] = r.at
		}
	}
	return ok
}

// person checks a row kept and adds its person. It returns the row of
// users.csv, appended to rec, or nil when the row has defects.
func (b *builder) person(r *row, rec []string) ([]string, error) {
	c := b.cols
	val := func(role hrexport.Role) string {
		if i := c.role[role]; i >= 0 {
			return clean(r.vals[i])
		}
		return ""
	}
	at := func(role hrexport.Role) string { return b.src.at(r.at, c.role[role]) }
	id, email, mgr, title := val(hrexport.ID), val(hrexport.Email), val(hrexport.Manager), val(hrexport.JobTitle)
	first, last := val(hrexport.FirstName), val(hrexport.LastName)
	if c.role[hrexport.Name] >= 0 {
		first, last = splitName(val(hrexport.Name))
	}
	// A person with other defects is still known, so that their reports
	// are not said to have an unknown manager too.
	known := true
	if id == "" {
		known = false
		b.defects.add("people without an id", r.at, at(hrexport.ID), fmt.Sprintf("%q is empty", c.header[c.role[hrexport.ID]]),
			"give every person their id: it is how Officevibe and the mapping know them")
	} else if j, dup := b.byID[id]; dup {
		known = false
		b.defects.add("duplicate ids", r.at, at(hrexport.ID), fmt.Sprintf("id %q is also on %s", id, b.src.ref(b.people[j].at, c.role[hrexport.ID])),
			"give each person their own id, or remove the repeated row (a --where filter leaves out history rows)")
	}
	lower := strings.ToLower(email)
	newEmail := false
	switch {
	case email == "":
		b.defects.add("people without an email", r.at, at(hrexport.Email), fmt.Sprintf("%s has no email (%q is empty)", who(id, first, last), c.header[c.role[hrexport.Email]]),
			"give every person their work email: Officevibe knows members by it")
	case !lint.ValidEmail(lower):
		b.defects.add("invalid emails", r.at, at(hrexport.Email), fmt.Sprintf("email %q is not a plain address like name@example.com", email),
			"write one address, local@domain.tld, without a name or spaces")
	default:
		if j, dup := b.byEmail[lower]; dup {
			b.defects.add("duplicate emails", r.at, at(hrexport.Email), fmt.Sprintf("email %q is also on %s (compared without case)", email, b.src.ref(b.people[j].at, c.role[hrexport.Email])),
				"each member needs their own email: Officevibe keys members by email")
		} else {
			newEmail = true
		}
	}
	if (first == "") != (last == "") {
		role, have := hrexport.LastName, first
		if first == "" {
			role, have = hrexport.FirstName, last
		}
		col := c.role[role]
		if col < 0 {
			col = c.role[hrexport.Name]
		}
		b.defects.add("people with one name", r.at, b.src.at(r.at, col), fmt.Sprintf("%s has a %s but no %s (%q)", who(id, first, last), otherName(role), role, have),
			"give both names or neither: Officevibe refuses one without the other")
	}
	b.checkLength(r, hrexport.FirstName, lint.UserFirstName, first)
	b.checkLength(r, hrexport.LastName, lint.UserLastName, last)
	b.checkLength(r, hrexport.JobTitle, lint.UserJobTitle, title)
	img := ""
	if c.image >= 0 {
		if img = clean(r.vals[c.image]); !lint.ValidImageURL(img) {
			b.defects.add("picture URLs that are not http(s) URLs", r.at, b.src.at(r.at, c.image), fmt.Sprintf("picture URL %q is not an absolute http(s) URL", img),
				"give the full https:// address of the picture, or leave it empty")
		}
	}
	lang := ""
	if v := val(hrexport.Language); v != "" {
		l, ok := b.language(v)
		if !ok {
			b.defects.add("languages Officevibe does not have", r.at, at(hrexport.Language), fmt.Sprintf("language %q is none of Officevibe's", v),
				fmt.Sprintf("use one of %s (or their codes %s), or leave it empty", strings.Join(lint.Legacy.Languages, ", "), strings.Join(lint.Provisioning.Languages, ", ")))
		}
		lang = lint.LanguageIn(b.vocab, l)
	}
	if !known {
		return nil, nil
	}
	if lower != email {
		b.sum.Lowered++
	}
	// One allocation for the strings kept: a million people cost a
	// million strings, and none of them pins the row it came from.
	name := first + " " + last
	if last == "" {
		name = first
	}
	var sb strings.Builder
	sb.Grow(len(id) + len(lower) + len(mgr) + len(name) + len(title))
	for _, s := range []string{id, lower, mgr, name, title} {
		sb.WriteString(s)
	}
	i1 := uint32(len(id))
	i2 := i1 + uint32(len(lower))
	i3 := i2 + uint32(len(mgr))
	p := person{s: sb.String(), end: [4]uint32{i1, i2, i3, i3 + uint32(len(name))}, at: r.at, nf: uint32(len(first))}
	n := int32(len(b.people))
	b.byID[p.id()] = n
	if newEmail {
		b.byEmail[p.email()] = n
	}
	b.people = append(b.people, p)
	for k, col := range c.teamBy {
		b.segOf = append(b.segOf, b.segments[k].add(clean(r.vals[col])))
	}
	rec = append(rec, id, lower)
	if c.role[hrexport.FirstName] >= 0 || c.role[hrexport.Name] >= 0 {
		rec = append(rec, first, last)
	}
	if c.role[hrexport.JobTitle] >= 0 {
		rec = append(rec, title)
	}
	if c.image >= 0 {
		rec = append(rec, img)
	}
	if c.role[hrexport.Language] >= 0 {
		rec = append(rec, lang)
	}
	for _, col := range c.props {
		rec = append(rec, r.vals[col])
	}
	return rec, nil
}

// placeholder adds the person of a row whose values are not checked (its
// defect is said): by its id alone, so that the people it manages are not
// said to have an unknown manager too.
func (b *builder) placeholder(r *row) {
	id := clean(r.vals[b.cols.role[hrexport.ID]])
	if _, dup := b.byID[id]; id == "" || dup {
		return
	}
	id = strings.Clone(id)
	b.byID[id] = int32(len(b.people))
	b.people = append(b.people, person{s: id, end: [4]uint32{uint32(len(id)), uint32(len(id)), uint32(len(id)), uint32(len(id))}, at: r.at})
	for range b.cols.teamBy {
		b.segOf = append(b.segOf, -1)
	}
}

// maxLanguages bounds the language values remembered: an export has a
// handful of them.
const maxLanguages = 1000

// language maps a language value as lint.Language does, remembering the
// values already seen.
func (b *builder) language(v string) (string, bool) {
	if l, ok := b.langs[v]; ok {
		return l, l != ""
	}
	l, ok := lint.Language(v)
	if b.langs == nil {
		b.langs = map[string]string{}
	}
	if len(b.langs) < maxLanguages {
		b.langs[strings.Clone(v)] = l
	}
	return l, ok
}

// usersHeader is the header of users.csv: the standard columns the export
// gives, then the properties.
func (b *builder) usersHeader() []string {
	c, v := b.cols, b.vocab
	h := []string{v.Column(lint.KindUsers, lint.UserID), v.Column(lint.KindUsers, lint.UserEmail)}
	if c.role[hrexport.FirstName] >= 0 || c.role[hrexport.Name] >= 0 {
		h = append(h, v.Column(lint.KindUsers, lint.UserFirstName), v.Column(lint.KindUsers, lint.UserLastName))
	}
	if c.role[hrexport.JobTitle] >= 0 {
		h = append(h, v.Column(lint.KindUsers, lint.UserJobTitle))
	}
	if c.image >= 0 {
		h = append(h, v.Column(lint.KindUsers, lint.UserImageURL))
	}
	if c.role[hrexport.Language] >= 0 {
		h = append(h, v.Column(lint.KindUsers, lint.UserLanguage))
	}
	for _, p := range b.props {
		h = append(h, p.name)
	}
	return h
}

// checkLength records a value over Officevibe's limit for its column.
func (b *builder) checkLength(r *row, role hrexport.Role, lr lint.Role, v string) {
	limit := lint.FieldLimit(lr)
	if len(v) <= limit {
		return
	}
	n := utf8.RuneCountInString(v)
	if n <= limit {
		return
	}
	col := b.cols.role[role]
	if col < 0 {
		col = b.cols.role[hrexport.Name]
	}
	b.defects.add("values over Officevibe's limits", r.at, b.src.at(r.at, col),
		fmt.Sprintf("%s %q has %d characters, over Officevibe's limit of %d", role, cut(v, 60), n, limit),
		fmt.Sprintf("shorten it to %d characters or fewer in the HR system", limit))
}

// cut cuts s to max characters, an ellipsis marking the cut.
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// splitName splits a name in one column: "Last, First" at the comma,
// "First Last" at the first space (so that "First Last" reads back the
// same).
func splitName(s string) (first, last string) {
	if l, f, ok := strings.Cut(s, ","); ok {
		return strings.TrimSpace(f), strings.TrimSpace(l)
	}
	f, l, _ := strings.Cut(s, " ")
	return strings.TrimSpace(f), strings.TrimSpace(l)
}

// otherName is the name that is not role.
func otherName(role hrexport.Role) hrexport.Role {
	if role == hrexport.FirstName {
		return hrexport.LastName
	}
	return hrexport.FirstName
}

// who names a person in messages: their id and name.
func who(id, first, last string) string {
	name := strings.TrimSpace(first + " " + last)
	switch {
	case id == "":
		return fmt.Sprintf("%q", name)
	case name == "":
		return id
	}
	return fmt.Sprintf("%s (%s)", id, name)
}
