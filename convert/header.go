package convert

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ovsync/ovsync/convert/hrexport"
	"github.com/ovsync/ovsync/convert/sheet"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
)

// headerRows is how many rows of a sheet are searched for its header.
const headerRows = 20

// Kinds are the three files, in the order convert reports them.
var Kinds = []lint.Kind{lint.KindUsers, lint.KindGroups, lint.KindMapping}

// ParseKind reads a --kind value: users, groups or mapping (also the file
// names users.csv, groups.csv, groups-mapping.csv). The kinds are the same
// in both formats: users are the members of members.csv, groups the teams
// of teams.csv, mapping the rows of teams-mappings.csv.
func ParseKind(s string) (lint.Kind, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	for _, k := range Kinds {
		if n == k.String() || n == lint.Legacy.FileNames[k] || n == strings.TrimSuffix(lint.Legacy.FileNames[k], ".csv") {
			return k, nil
		}
	}
	return 0, fmt.Errorf("kind %q: use users, groups or mapping", s)
}

// ParseFormat reads a --file-format value, the name of a file format
// ([lint.Vocabulary].Name): legacy or provisioning.
func ParseFormat(s string) (*lint.Vocabulary, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	var names []string
	for _, v := range lint.Vocabularies {
		if n == v.Name {
			return v, nil
		}
		names = append(names, v.Name)
	}
	return nil, fmt.Errorf("format %q: use %s", s, plural.Or(names))
}

// kindLabel names the kind of a header in messages that suggest --kind:
// the kind itself in the legacy format, whose files the kinds are named
// after, and the file name in another.
func kindLabel(v *lint.Vocabulary, k lint.Kind) string {
	if v == lint.Legacy {
		return k.String()
	}
	return v.FileNames[k]
}

// normalise folds a column name for matching: case, white space,
// underscores and hyphens do not count ("First Name", "first_name" and
// "FIRSTNAME" are all "firstname"), nor does a stray byte order mark.
func normalise(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '\uFEFF' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// header is a sheet's header row matched to the columns of a file of one
// format.
type header struct {
	vocab *lint.Vocabulary
	kind  lint.Kind
	row   int    // 0-based index of the header row
	at    string // the row's name in messages
	// names holds each column's name in the output, "" for a column with
	// no header (dropped).
	names []string
	// raw holds each header cell as written; refs its name in messages
	// (Users!B1).
	raw, refs []string
	// std is the number of standard columns matched.
	std int
	// renamed lists the columns whose names were changed, "First Name →
	// firstName".
	renamed []string
	// missing lists the required columns absent from the row.
	missing []string
}

// file is the canonical name of the header's file: users.csv, teams.csv…
func (h *header) file() string { return h.vocab.FileNames[h.kind] }

// matchHeader matches the cell texts of a row to the columns of the file
// of kind k in the format v.
func matchHeader(cells, refs []string, row int, at string, v *lint.Vocabulary, k lint.Kind) *header {
	std := map[string]string{}
	for _, c := range v.Columns(k) {
		std[normalise(c)] = c
	}
	h := &header{vocab: v, kind: k, row: row, at: at, raw: cells, refs: refs}
	found := map[string]bool{}
	for _, raw := range cells {
		name := strings.TrimSpace(raw)
		if canon, ok := std[normalise(name)]; ok && name != "" {
			if !found[canon] {
				h.std++
			}
			found[canon] = true
			if name != canon {
				h.renamed = append(h.renamed, fmt.Sprintf("%s → %s", name, canon))
			}
			name = canon
		}
		h.names = append(h.names, name)
	}
	for _, c := range v.Required(k) {
		if !found[c] {
			h.missing = append(h.missing, c)
		}
	}
	return h
}

// duplicate returns an error naming the first column whose output name
// appears twice, or nil.
func (h *header) duplicate() error {
	seen := map[string]int{}
	for i, n := range h.names {
		if n == "" {
			continue
		}
		if j, ok := seen[n]; ok {
			return fmt.Errorf("the columns %q (%s) and %q (%s) are both %q: remove or rename one of them",
				strings.TrimSpace(h.raw[j]), h.refs[j], strings.TrimSpace(h.raw[i]), h.refs[i], n)
		}
		seen[n] = i
	}
	return nil
}

// requiredList names the required columns of a file for messages:
// users.csv (id, email).
func requiredList(v *lint.Vocabulary, k lint.Kind) string {
	return fmt.Sprintf("%s (%s)", v.FileNames[k], strings.Join(v.Required(k), ", "))
}

// allRequiredLists names the required columns of the files of kinds in
// the format v.
func allRequiredLists(v *lint.Vocabulary, kinds []lint.Kind) string {
	var parts []string
	for _, k := range kinds {
		parts = append(parts, requiredList(v, k))
	}
	return plural.Or(parts)
}

// classification is what the first rows of a sheet say it is.
type classification struct {
	// cands are the header row's matches: the files (of any format
	// looked for) whose required columns it holds, with the most
	// standard columns. More than one is ambiguous, unless the format
	// of the other sheets settles it (see choose).
	cands []*header
	// rival is, on the header row, a near miss (a file with a required
	// column missing) with more standard columns than cands: a header
	// that had better be fixed than read as cands.
	rival *header
	// partials are, without a header row, the closest matches of the
	// rows read (two or more standard columns), the best of each format.
	partials []*header
	first    []string // the first non-empty row's cells, for messages
	firstAt  string   // its name
	empty    bool     // the sheet holds no value at all
	// export, when not "", says that a row holds an employee export's
	// id and manager columns (ovsync build reads those).
	export string
}

// classify reads the first rows of a sheet for the header row of a file
// of one of the kinds in one of the formats vocabs: the first row (of the
// first headerRows) that holds all the required columns of a file. When
// a row holds those of several files, the files with the most standard
// columns are its candidates.
func classify(r rowReader, vocabs []*lint.Vocabulary, kinds []lint.Kind) (*classification, error) {
	c := &classification{empty: true}
	cp, _ := r.(sheet.Copier)
	for r.Next() && r.Row() < headerRows {
		if cp != nil && cp.Copy() {
			continue // the row before again: what it was, this one is
		}
		cells, refs, any := rowTexts(r)
		if !any {
			continue
		}
		if c.empty {
			c.empty, c.first, c.firstAt = false, trimTrailing(cells), r.RowName()
		}
		if id, mgr, ok := hrexport.Looks(cells); ok && c.export == "" {
			c.export = fmt.Sprintf("%s has an id column (%q) and a manager column (%q)", r.RowName(), strings.TrimSpace(cells[id]), strings.TrimSpace(cells[mgr]))
		}
		if c.match(cells, refs, r.Row(), r.RowName(), vocabs, kinds) {
			return c, nil
		}
	}
	if !c.empty || r.Err() != nil {
		return c, r.Err()
	}
	// Rows past the first headerRows: not empty, but no header either.
	if r.Row() >= headerRows {
		c.empty = false
		c.first, c.firstAt = nil, ""
	}
	return c, r.Err()
}

// rowTexts returns the values of the cells of the current row of r and
// their names, and whether any holds more than spaces.
func rowTexts(r rowReader) (cells, refs []string, any bool) {
	cells = make([]string, r.Len())
	refs = make([]string, r.Len())
	for i := range cells {
		v, _ := r.Cell(i)
		cells[i], refs[i] = v, r.CellName(i)
		if strings.TrimSpace(v) != "" {
			any = true
		}
	}
	return cells, refs, any
}

// match matches the row cells (named refs), row index row, against the
// header of each kind in each format, keeping the near misses; it
// reports whether the row is a header, its matches made the candidates.
func (c *classification) match(cells, refs []string, row int, rowName string, vocabs []*lint.Vocabulary, kinds []lint.Kind) bool {
	var full []*header
	var near *header // the row's best near miss
	for _, v := range vocabs {
		for _, k := range kinds {
			h := matchHeader(cells, refs, row, rowName, v, k)
			if len(h.missing) > 0 {
				if h.std >= 2 {
					c.addPartial(h)
					if near == nil || h.std > near.std {
						near = h
					}
				}
				continue
			}
			switch {
			case len(full) == 0 || h.std > full[0].std:
				full = []*header{h}
			case h.std == full[0].std:
				full = append(full, h)
			}
		}
	}
	if len(full) == 0 {
		return false
	}
	c.cands, c.partials = full, nil
	if near != nil && near.std > full[0].std {
		c.rival = near
	}
	return true
}

// addPartial keeps h if it is its format's closest match so far.
func (c *classification) addPartial(h *header) {
	for i, p := range c.partials {
		if p.vocab == h.vocab {
			if h.std > p.std {
				c.partials[i] = h
			}
			return
		}
	}
	c.partials = append(c.partials, h)
}

// format returns the one format of the candidates, or nil when there are
// none, or candidates of two formats, or a rival.
func (c *classification) format() *lint.Vocabulary {
	if c.rival != nil || len(c.cands) == 0 {
		return nil
	}
	v := c.cands[0].vocab
	for _, h := range c.cands[1:] {
		if h.vocab != v {
			return nil
		}
	}
	return v
}

// choose returns the header of the sheet given the format of the run
// (nil when unknown): the candidate, or the one candidate of that format.
// Without one, it returns the candidates left, which are ambiguous when
// there are several.
func (c *classification) choose(run *lint.Vocabulary) (*header, []*header) {
	cands := c.cands
	if run != nil {
		var same []*header
		for _, h := range cands {
			if h.vocab == run {
				same = append(same, h)
			}
		}
		if len(same) > 0 {
			cands = same
		}
	}
	if len(cands) == 1 {
		return cands[0], cands
	}
	return nil, cands
}

// partial returns the closest match of a sheet without a header row, or
// nil: on a tie between formats, the one of the run (legacy when unknown).
func (c *classification) partial(run *lint.Vocabulary) *header {
	var best *header
	for _, h := range c.partials {
		if best == nil || h.std > best.std || h.std == best.std && h.vocab == run && best.vocab != run {
			best = h
		}
	}
	return best
}

// trimTrailing drops the empty texts at the end.
func trimTrailing(s []string) []string {
	n := len(s)
	for n > 0 && strings.TrimSpace(s[n-1]) == "" {
		n--
	}
	return s[:n]
}
