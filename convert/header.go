package convert

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ovsync/ovsync/lint"
)

// headerRows is how many rows of a sheet are searched for its header.
const headerRows = 20

// Kinds are the three files, in the order convert reports them.
var Kinds = []lint.Kind{lint.KindUsers, lint.KindGroups, lint.KindMapping}

// ParseKind reads a --kind value: users, groups or mapping (also the file
// names users.csv, groups.csv, groups-mapping.csv).
func ParseKind(s string) (lint.Kind, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	for _, k := range Kinds {
		if n == k.String() || n == lint.Legacy.FileNames[k] || n == strings.TrimSuffix(lint.Legacy.FileNames[k], ".csv") {
			return k, nil
		}
	}
	return 0, fmt.Errorf("kind %q: use users, groups or mapping", s)
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

// header is a sheet's header row matched to a file's columns.
type header struct {
	kind lint.Kind
	row  int    // 0-based index of the header row
	at   string // the row's name in messages
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

// matchHeader matches the cell texts of a row to the columns of kind.
func matchHeader(cells, refs []string, row int, at string, k lint.Kind) *header {
	std := map[string]string{}
	for _, c := range lint.Legacy.Columns(k) {
		std[normalise(c)] = c
	}
	h := &header{kind: k, row: row, at: at, raw: cells, refs: refs}
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
	for _, c := range lint.Legacy.Required(k) {
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

// requiredList names the required columns of kind for messages:
// users.csv (id, email).
func requiredList(k lint.Kind) string {
	return fmt.Sprintf("%s (%s)", lint.Legacy.FileNames[k], strings.Join(lint.Legacy.Required(k), ", "))
}

// allRequiredLists names the required columns of the kinds.
func allRequiredLists(kinds []lint.Kind) string {
	var parts []string
	for _, k := range kinds {
		parts = append(parts, requiredList(k))
	}
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " or " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// quoteList writes texts as a short quoted list for messages, cut after
// max characters.
func quoteList(texts []string, max int) string {
	var b strings.Builder
	for i, t := range texts {
		if i > 0 {
			b.WriteString(", ")
		}
		if b.Len() > max {
			b.WriteString("…")
			break
		}
		b.WriteString(fmt.Sprintf("%q", t))
	}
	return b.String()
}

// classification is what the first rows of a sheet say it is.
type classification struct {
	header  *header  // the header found, or nil
	partial *header  // without a header: the closest match (two or more standard columns), or nil
	first   []string // the first non-empty row's cells, for messages
	firstAt string   // its name
	empty   bool     // the sheet holds no value at all
	ambig   []lint.Kind
}

// classify reads the first rows of a sheet for a header row of one of
// the kinds: the first row (of the first headerRows) that holds all the
// required columns of a kind. When a row holds those of several kinds,
// the kind with the most standard columns wins; a tie is ambiguous.
func classify(r rowReader, kinds []lint.Kind) (*classification, error) {
	c := &classification{empty: true}
	for r.Next() && r.Row() < headerRows {
		cells := make([]string, r.Len())
		refs := make([]string, r.Len())
		any := false
		for i := range cells {
			v, _ := r.Cell(i)
			cells[i], refs[i] = v, r.CellName(i)
			if strings.TrimSpace(v) != "" {
				any = true
			}
		}
		if !any {
			continue
		}
		if c.empty {
			c.empty, c.first, c.firstAt = false, trimTrailing(cells), r.RowName()
		}
		var best *header
		tie := false
		for _, k := range kinds {
			h := matchHeader(cells, refs, r.Row(), r.RowName(), k)
			if len(h.missing) > 0 {
				if h.std >= 2 && (c.partial == nil || h.std > c.partial.std) {
					c.partial = h
				}
				continue
			}
			switch {
			case best == nil || h.std > best.std:
				best, tie = h, false
				c.ambig = []lint.Kind{k}
			case h.std == best.std:
				tie = true
				c.ambig = append(c.ambig, k)
			}
		}
		if best != nil {
			if tie {
				return c, nil
			}
			c.header, c.ambig = best, nil
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

// trimTrailing drops the empty texts at the end.
func trimTrailing(s []string) []string {
	n := len(s)
	for n > 0 && strings.TrimSpace(s[n-1]) == "" {
		n--
	}
	return s[:n]
}
