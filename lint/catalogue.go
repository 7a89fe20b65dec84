package lint

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/editdist"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/table"
)

// ruleFormats are the formats of [PrintRules], by name.
var ruleFormats = map[string]func(*bufio.Writer, []Rule) error{
	"text":     printRulesText,
	"json":     printRulesJSON,
	"markdown": printRulesMarkdown,
}

// RuleFormats returns the names of the formats [PrintRules] writes.
func RuleFormats() []string { return []string{"text", "json", "markdown"} }

// PrintRules writes rules, entries of [Rules], in format:
//
//   - text: a table of rule, severity, files, when (the [Rule.Summary])
//     and fix; for a single rule, each of its fields on its own lines,
//     with When in full;
//   - json: {"version": 1, "rules": [...]}, every field of each rule;
//   - markdown: a table of the rules, then a section of each, as
//     docs/rules.md holds them.
func PrintRules(w io.Writer, format string, rules []Rule) error {
	print, ok := ruleFormats[format]
	if !ok {
		return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(RuleFormats(), ", "))
	}
	bw := bufio.NewWriter(w)
	if err := print(bw, rules); err != nil {
		return err
	}
	return bw.Flush()
}

// ruleWrap is the width of the text fields of one rule, and of the
// prose columns of the table of rules.
const ruleWrap = 72

func printRulesText(w *bufio.Writer, rules []Rule) error {
	if len(rules) == 1 {
		r := rules[0]
		for _, f := range [][2]string{
			{"rule", r.ID},
			{"severity", r.Severity.String()},
			{"files", strings.Join(fileNames(r.Files), ", ")},
			{"when", r.When},
			{"fix", r.Fix},
		} {
			fmt.Fprintf(w, "%-10s%s\n", f[0]+":", strings.Join(wrapWords(f[1], ruleWrap), "\n"+strings.Repeat(" ", 10)))
		}
		return nil
	}
	rows := make([][]string, len(rules))
	for i, r := range rules {
		rows[i] = []string{r.ID, r.Severity.String(), strings.Join(r.Files, ", "), r.Summary, r.Fix}
	}
	if err := table.WriteWrapped(w, []string{"RULE", "SEVERITY", "FILES", "WHEN", "FIX"}, rows, []int{0, 0, 16, 36, 36}); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d rules; \"ovsync rules ID\" shows one in full\n", len(rules))
	return nil
}

// The JSON of the catalogue has its own tagged structs, as the report's
// does.
type (
	jsonCatalogue struct {
		Version int        `json:"version"`
		Rules   []jsonRule `json:"rules"`
	}
	jsonRule struct {
		ID       string   `json:"id"`
		Severity string   `json:"severity"`
		Files    []string `json:"files"`
		Summary  string   `json:"summary"`
		When     string   `json:"when"`
		Fix      string   `json:"fix"`
	}
)

func printRulesJSON(w *bufio.Writer, rules []Rule) error {
	c := jsonCatalogue{Version: 1, Rules: make([]jsonRule, 0, len(rules))}
	for _, r := range rules {
		c.Rules = append(c.Rules, jsonRule{ID: r.ID, Severity: r.Severity.String(), Files: slices.Clone(r.Files),
			Summary: r.Summary, When: r.When, Fix: r.Fix})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

func printRulesMarkdown(w *bufio.Writer, rules []Rule) error {
	fmt.Fprintln(w, "| rule | severity | files | when |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	for _, r := range rules {
		fmt.Fprintf(w, "| [`%s`](#%s) | %s | %s | %s |\n", r.ID, r.ID, r.Severity, strings.Join(r.Files, ", "), mdCell(r.Summary))
	}
	for _, r := range rules {
		fmt.Fprintf(w, "\n### `%s`\n\n", r.ID)
		fmt.Fprintf(w, "- **Severity:** %s\n", r.Severity)
		fmt.Fprintf(w, "- **Files:** %s\n", strings.Join(codeNames(fileNames(r.Files)), ", "))
		fmt.Fprintf(w, "- **When:** %s\n", r.When)
		fmt.Fprintf(w, "- **Fix:** %s\n", r.Fix)
	}
	return nil
}

// mdCell makes s safe in a cell of a Markdown table.
func mdCell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// codeNames puts each of names in backquotes.
func codeNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return out
}

// fileNames names the kinds of file of [Rule.Files] by their legacy file
// names (config.json for "config").
func fileNames(kinds []string) []string {
	out := make([]string, 0, len(kinds))
	for _, k := range kinds {
		if kind, err := ParseKind(k); err == nil {
			out = append(out, Legacy.FileNames[kind])
		} else {
			out = append(out, "config.json")
		}
	}
	return out
}

// wrapWords breaks s into lines of at most width characters at spaces;
// a word longer than width has a line of its own.
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// NearestRules returns the IDs of the n rules whose IDs are nearest to
// id, nearest first: those that hold id (or that id holds) before the
// others, then by edit distance, then in the catalogue's order. It
// suggests what a mistyped ID meant.
func NearestRules(id string, n int) []string {
	id = strings.ToLower(strings.TrimSpace(id))
	type near struct {
		id          string
		holds, dist int
	}
	all := make([]near, len(Rules))
	for i, r := range Rules {
		holds := 1
		if id != "" && (strings.Contains(r.ID, id) || strings.Contains(id, r.ID)) {
			holds = 0
		}
		all[i] = near{r.ID, holds, editdist.Levenshtein(id, r.ID)}
	}
	slices.SortStableFunc(all, func(a, b near) int {
		return cmp.Or(cmp.Compare(a.holds, b.holds), cmp.Compare(a.dist, b.dist))
	})
	out := make([]string, 0, n)
	for _, r := range all[:min(n, len(all))] {
		out = append(out, r.id)
	}
	return out
}

// UnknownRule is the error of a rule ID the catalogue lacks, its hint
// ([UnknownRuleHint]) on a line of its own.
func UnknownRule(id string) error {
	return fmt.Errorf("unknown rule %q\nhint: %s", id, UnknownRuleHint(id))
}

// UnknownRuleHint is the hint of a rule ID the catalogue lacks: the
// nearest IDs, and where every rule is listed.
func UnknownRuleHint(id string) string {
	return fmt.Sprintf(`the nearest rule ids are %s; "ovsync rules" lists every rule`, plural.And(NearestRules(id, 3)))
}
