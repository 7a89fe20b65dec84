package lint

import (
	"fmt"
	"strings"
	"testing"
)

func TestSummaryEscape(t *testing.T) {
	redact := func(s string) string { return strings.ReplaceAll(s, "ovk-Key-42", "[redacted]") }
	tests := []struct {
		name, in, want string
	}{
		{"plain", `language "French" is not an Officevibe language`, `language "French" is not an Officevibe language`},
		{"html", "<script>alert(1)</script>", `\<script\>alert(1)\</script\>`},
		{"entity", "&amp; &#60;", `\&amp; \&\#60;`},
		{"table cell", "a|b", `a\|b`},
		{"emphasis and code", "**b** _i_ `c` ~~s~~", "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~"},
		{"link and image", "[x](http://e.com) ![i](p.png)", `\[x\](http\://e.com) \!\[i\](p.png)`},
		{"mention, reference, emoji, math", "@team #12 :tada: $x$", `\@team \#12 \:tada\: \$x\$`},
		{"backslash", `C:\HR\users.csv`, `C\:\\HR\\users.csv`},
		{"line breaks and tabs", "a\r\nb\tc\nd", "a  b c d"},
		{"control characters", "a\x00b\x1bc\x7f", "a\uFFFDb\uFFFDc\uFFFD"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
		{"non-ascii kept", "Zoë 🎈 — ü", "Zoë 🎈 — ü"},
		{"cut", strings.Repeat("é", 400), strings.Repeat("é", summaryTextRunes-1) + "…"},
		{"secret redacted before escaping", "key ovk-Key-42 in a cell", `key \[redacted\] in a cell`},
	}
	p := &summaryPrinter{opt: PrintOptions{Redact: redact}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.escape(tt.in, summaryTextRunes); got != tt.want {
				t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// A key whose pieces an escape would split: redacted whole first.
	key := "ab:cd:ef:gh:ij"
	p = &summaryPrinter{opt: PrintOptions{Redact: func(s string) string { return strings.ReplaceAll(s, key, "[redacted]") }}}
	if got := p.escape("x "+key, 100); strings.Contains(got, `ab\:cd`) || !strings.Contains(got, "redacted") {
		t.Errorf("escape of a key with punctuation = %q", got)
	}
}

func TestSummaryVerdict(t *testing.T) {
	tests := []struct {
		name    string
		fs      []Finding
		strict  bool
		heading string
		says    string
	}{
		{"clean", nil, false, "## ✅ ovsync lint: passed", "No problems found in 10 users, 2 teams, 12 mappings."},
		{"errors", []Finding{{Rule: RuleCycle, Severity: Error, Message: "m"}}, false, "## ❌ ovsync lint: failed",
			"**1 error, 0 warnings, 0 info** in 10 users, 2 teams, 12 mappings. Errors block `ovsync push`"},
		{"warnings pass", []Finding{{Rule: RuleEmailCase, Severity: Warning, Message: "m"}}, false, "## ✅ ovsync lint: passed",
			"0 errors, 1 warning, 0 info in 10 users"},
		{"warnings fail when strict", []Finding{{Rule: RuleEmailCase, Severity: Warning, Message: "m"}}, true, "## ❌ ovsync lint: failed",
			"With `--strict`, warnings fail the run too."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Findings: tt.fs, Summary: Summary{Users: 10, Teams: 2, Mappings: 12}}
			countFixture(r)
			out := printString(t, "summary", r, PrintOptions{Strict: tt.strict})
			if first, _, _ := strings.Cut(out, "\n"); first != tt.heading {
				t.Errorf("heading %q, want %q", first, tt.heading)
			}
			if !strings.Contains(out, tt.says) {
				t.Errorf("summary does not say %q:\n%s", tt.says, out)
			}
		})
	}
}

// TestSummaryOfManyFindings prints the summary of 200,000 findings of one
// rule beside a few of others: small, every rule counted, the first
// findings of each listed with how many more there are.
func TestSummaryOfManyFindings(t *testing.T) {
	r := manyFindings(map[group]int{
		{RuleDuplicateName, Warning}: 200_000,
		{RuleCycle, Error}:           3,
		{RuleUserWithoutTeam, Info}:  7,
	})
	out := printString(t, "summary", r, PrintOptions{FullReport: "lint.json"})
	checkSummary(t, r, out)
	if len(out) > 16<<10 {
		t.Errorf("summary of %d bytes for 3 rules", len(out))
	}
	for _, want := range []string{
		"### `duplicate-name`: warning, 200000 findings",
		"- … and 199995 more",
		"- … and 2 more",
		"Data/groups-mapping.csv:2 — finding 0 of cycle",
		"Every finding is in lint.json (`--format json`).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary does not hold %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "of duplicate-name\n"); n != summaryFirst {
		t.Errorf("%d findings of duplicate-name listed, want %d", n, summaryFirst)
	}
	if strings.Contains(out, "stops here") {
		t.Error("a small summary says it stops")
	}
}

// TestSummaryBounded prints the summary of findings of every rule at
// every severity with the longest messages and paths it shows: it stops
// within its bound, keeps the whole table, and says that it stopped.
func TestSummaryBounded(t *testing.T) {
	var fs []Finding
	long := strings.Repeat("<|😀", 400)
	for _, rule := range Rules {
		for _, s := range []Severity{Error, Warning, Info} {
			for i := range 6 {
				fs = append(fs, Finding{Rule: rule.ID, Severity: s, File: strings.Repeat("ü/", 300) + "users.csv",
					Line: i + 1, Message: long})
			}
		}
	}
	fs = append(fs, Finding{Rule: "not-a-rule|<b>", Severity: Error, Message: "m"})
	SortFindings(fs)
	r := &Report{Findings: fs}
	countFixture(r)
	out := printString(t, "summary", r, PrintOptions{})
	if len(out) > maxSummaryBytes || maxSummaryBytes >= 1<<20 {
		t.Errorf("summary of %d bytes, bound %d, GitHub's limit %d", len(out), maxSummaryBytes, 1<<20)
	}
	if len(out) < maxSummaryBytes-summaryReserve-8<<10 {
		t.Errorf("summary of %d bytes stops well before its bound %d", len(out), maxSummaryBytes)
	}
	if !strings.Contains(out, "*The summary stops here to stay within GitHub's limit of 1 MiB.*\n\n`ovsync lint --format json` lists every finding.\n") {
		t.Errorf("summary does not close with where to see everything:\n%s", out[len(out)-500:])
	}
	if strings.Contains(out, "<b>") || strings.Contains(out, "<|") {
		t.Error("HTML or a cell separator from the input is not escaped")
	}
	for _, rule := range Rules {
		for _, s := range []string{"error", "warning", "info"} {
			if row := fmt.Sprintf("| `%s` | %s | 6 |\n", rule.ID, s); !strings.Contains(out, row) {
				t.Errorf("table row %q missing", row)
			}
		}
	}
	if !strings.Contains(out, `| not\-a\-rule\|\<b\> | error | 1 |`) && !strings.Contains(out, `| not-a-rule\|\<b\> | error | 1 |`) {
		t.Error("a rule ID outside the catalogue is not escaped in the table")
	}
}
