package lint

import (
	"bufio"
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/ovsync/ovsync/internal/table"

	"github.com/ovsync/ovsync/internal/plural"
)

// textPrinter writes the format people read and problem matchers parse:
// one file:line:col: severity: message [rule] line per finding, hints on
// their own indented lines, then a summary table and a count line.
type textPrinter struct {
	w   *bufio.Writer
	max int
}

func newTextPrinter(w *bufio.Writer, opt PrintOptions) printer {
	return &textPrinter{w: w, max: opt.MaxPerRule}
}

// summaryRow is one row of the summary table. A rule whose severity varies
// by case (config, no-rows) has one row per severity, so that the rows of
// each severity add up to the count line.
type summaryRow struct {
	rule     string
	severity Severity
	count    int
}

func (p *textPrinter) print(r *Report) error {
	s := r.Summary
	if len(r.Findings) == 0 {
		fmt.Fprintf(p.w, "no problems found in %s%s\n", rowCounts(s), notChecked(s))
		return nil
	}
	shown := make(map[string]int)
	hidden := make(map[string]int)
	for _, f := range r.Findings {
		if p.max > 0 && shown[f.Rule] >= p.max {
			hidden[f.Rule]++
			continue
		}
		shown[f.Rule]++
		p.w.WriteString(f.String())
		p.w.WriteByte('\n')
		if f.Hint != "" {
			p.w.WriteString("    hint: ")
			p.w.WriteString(f.Hint)
			p.w.WriteByte('\n')
		}
	}
	rows := summaryRows(r.Findings)
	for _, rule := range cappedRules(rows, hidden) {
		fmt.Fprintf(p.w, "%s: %s not shown (--max-per-rule 0 shows all)\n",
			rule, plural.Count(hidden[rule], "more finding", "more findings"))
	}
	p.w.WriteByte('\n')
	if err := p.table(rows); err != nil {
		return err
	}
	fmt.Fprintf(p.w, "%s, %s, %s in %s%s\n",
		plural.Count(s.Errors, "error", "errors"),
		plural.Count(s.Warnings, "warning", "warnings"),
		plural.Count(s.Infos, "info", "info"),
		rowCounts(s), notChecked(s))
	return nil
}

// table draws the summary table (see package table for the style).
func (p *textPrinter) table(rows []summaryRow) error {
	cells := make([][]string, len(rows))
	for i, row := range rows {
		cells[i] = []string{row.rule, row.severity.String(), strconv.Itoa(row.count)}
	}
	return table.Write(p.w, []string{"RULE", "SEVERITY", "COUNT"}, cells, 2)
}

// summaryRows counts the findings per rule and severity, most serious
// severity first, then by rule ID.
func summaryRows(fs []Finding) []summaryRow {
	type key struct {
		rule     string
		severity Severity
	}
	counts := make(map[key]int)
	for _, f := range fs {
		counts[key{f.Rule, f.Severity}]++
	}
	rows := make([]summaryRow, 0, len(counts))
	for k, n := range counts {
		rows = append(rows, summaryRow{k.rule, k.severity, n})
	}
	slices.SortFunc(rows, func(a, b summaryRow) int {
		return cmp.Or(cmp.Compare(b.severity, a.severity), cmp.Compare(a.rule, b.rule))
	})
	return rows
}

// cappedRules returns the rules with hidden findings in the order of the
// summary table, each once.
func cappedRules(rows []summaryRow, hidden map[string]int) []string {
	var rules []string
	for _, row := range rows {
		if hidden[row.rule] > 0 && !slices.Contains(rules, row.rule) {
			rules = append(rules, row.rule)
		}
	}
	return rules
}

// rowCounts says how many rows each file had: "240 users, 31 teams,
// 402 mappings".
func rowCounts(s Summary) string {
	return fmt.Sprintf("%s, %s, %s",
		plural.Count(s.Users, "user", "users"),
		plural.Count(s.Teams, "team", "teams"),
		plural.Count(s.Mappings, "mapping", "mappings"))
}

// notChecked says which files were not given, so that a clean run on a
// subset does not read as a clean org: " (groups.csv not checked)", or ""
// when all three were.
func notChecked(s Summary) string {
	if len(s.NotChecked) == 0 {
		return ""
	}
	v := Legacy
	for _, voc := range Vocabularies {
		if voc.Name == s.Format {
			v = voc
		}
	}
	names := make([]string, 0, len(s.NotChecked))
	for _, kind := range s.NotChecked {
		if k, err := ParseKind(kind); err == nil {
			names = append(names, v.FileNames[k])
		}
	}
	return fmt.Sprintf(" (%s not checked)", plural.And(names))
}
