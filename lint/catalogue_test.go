package lint

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRulesTable checks that every rule of the catalogue is described
// whole: what "ovsync rules" and docs/rules.md print is never empty.
func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		t.Run(r.ID, func(t *testing.T) {
			if seen[r.ID] {
				t.Errorf("rule %s is in the table twice", r.ID)
			}
			seen[r.ID] = true
			if !regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`).MatchString(r.ID) {
				t.Errorf("id %q is not kebab-case", r.ID)
			}
			if r.Severity == Off {
				t.Error("no default severity")
			}
			if len(r.Files) == 0 {
				t.Error("no files")
			}
			for _, f := range r.Files {
				if _, err := ParseKind(f); err != nil && f != "config" {
					t.Errorf("file kind %q is none of users, groups, mapping, config", f)
				}
			}
			if r.Summary == "" || strings.HasSuffix(r.Summary, ".") {
				t.Errorf("summary %q: want one line without a final period", r.Summary)
			}
			for name, s := range map[string]string{"When": r.When, "Fix": r.Fix} {
				if s == "" || !strings.HasSuffix(s, ".") || strings.Contains(s, "\n") {
					t.Errorf("%s %q: want sentences on one line, ending with a period", name, s)
				}
			}
		})
	}
}

// TestRulesOfSharedCatalogue checks that every rule of the shared
// catalogue, ../shared/RULES.md read in place, is in the table with the
// severity given there.
func TestRulesOfSharedCatalogue(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "RULES.md")
	b, err := os.ReadFile(path)
	if err != nil {
		msg := "the shared rule catalogue is absent (" + path + "): clone the shared folder beside the project to run this test"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	shared := sharedRules(b)
	if len(shared) < 30 {
		t.Fatalf("%s: read %d rules from its tables, want them all", path, len(shared))
	}
	for _, id := range sortedRuleIDs(shared) {
		r, ok := LookupRule(id)
		if !ok {
			t.Errorf("rule %s of %s is not in lint's rule table (lint/rules.go)", id, path)
			continue
		}
		if sev := shared[id]; sev != "" && sev != r.Severity.String() {
			t.Errorf("rule %s: severity %s in the table, %s in %s", id, r.Severity, sev, path)
		}
	}
}

// sharedRules reads the rule IDs of the shared catalogue, with their
// severity: the first two cells of each row of its tables ("| `id` | sev
// |"), and the rules its text names ("rule `schema`").
func sharedRules(md []byte) map[string]string {
	out := map[string]string{}
	row := regexp.MustCompile("^\\| `([a-z-]+)` \\| ([a-z]+) \\|")
	named := regexp.MustCompile("rule `([a-z-]+)`")
	sc := bufio.NewScanner(bytes.NewReader(md))
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			out[m[1]] = m[2]
			continue
		}
		for _, m := range named.FindAllStringSubmatch(sc.Text(), -1) {
			if _, ok := out[m[1]]; !ok {
				out[m[1]] = ""
			}
		}
	}
	return out
}

func TestSharedRules(t *testing.T) {
	md := "| id | sev | when |\n| --- | --- | --- |\n| `encoding` | error | not UTF-8 |\n" +
		"| `no-role` | warning | a user row |\nadd checks; each violation is rule `schema`, severity error\n"
	want := map[string]string{"encoding": "error", "no-role": "warning", "schema": ""}
	if diff := cmp.Diff(want, sharedRules([]byte(md))); diff != "" {
		t.Errorf("sharedRules mismatch (-want +got):\n%s", diff)
	}
}

// sortedRuleIDs returns the keys of m in order.
func sortedRuleIDs(m map[string]string) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// TestRulesInDocs checks that docs/rules.md has a section for every rule
// of the table. (cmd/ovsync's TestDocs checks that the page is current.)
func TestRulesInDocs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules {
		if !bytes.Contains(b, []byte("\n### `"+r.ID+"`\n")) {
			t.Errorf("docs/rules.md has no section for rule %s: run \"go test ./cmd/ovsync -run TestDocs -update\"", r.ID)
		}
	}
}

func TestPrintRules(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		var b bytes.Buffer
		if err := PrintRules(&b, "text", Rules); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, r := range Rules {
			if !regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(r.ID) + ` +\| ` + r.Severity.String() + ` +\|`).MatchString(out) {
				t.Errorf("no row of rule %s, severity %s:\n%s", r.ID, r.Severity, out)
			}
		}
		if !strings.Contains(out, "| RULE ") || !strings.Contains(out, "| FIX ") {
			t.Errorf("no header of rule and fix:\n%s", out)
		}
	})
	t.Run("text of one rule", func(t *testing.T) {
		r, _ := LookupRule(RuleCycle)
		var b bytes.Buffer
		if err := PrintRules(&b, "text", []Rule{r}); err != nil {
			t.Fatal(err)
		}
		// The fields in full, whatever their wrapping.
		flat := strings.Join(strings.Fields(b.String()), " ")
		for _, want := range []string{"rule: cycle", "severity: error", "files: groups-mapping.csv", "when: " + r.When, "fix: " + r.Fix} {
			if !strings.Contains(flat, want) {
				t.Errorf("no %q in:\n%s", want, b.String())
			}
		}
		for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if n := len([]rune(l)); n > 10+ruleWrap {
				t.Errorf("line of %d characters: %q", n, l)
			}
		}
	})
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := PrintRules(&b, "json", Rules); err != nil {
			t.Fatal(err)
		}
		var got jsonCatalogue
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.Version != 1 || len(got.Rules) != len(Rules) {
			t.Fatalf("version %d, %d rules; want version 1, %d rules", got.Version, len(got.Rules), len(Rules))
		}
		for i, r := range Rules {
			want := jsonRule{ID: r.ID, Severity: r.Severity.String(), Files: r.Files, Summary: r.Summary, When: r.When, Fix: r.Fix}
			if diff := cmp.Diff(want, got.Rules[i]); diff != "" {
				t.Errorf("rule %d mismatch (-want +got):\n%s", i, diff)
			}
		}
	})
	t.Run("json of no rule", func(t *testing.T) {
		var b bytes.Buffer
		if err := PrintRules(&b, "json", nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), `"rules": []`) {
			t.Errorf("want an empty list, not null:\n%s", b.String())
		}
	})
	t.Run("markdown", func(t *testing.T) {
		var b bytes.Buffer
		if err := PrintRules(&b, "markdown", Rules); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, r := range Rules {
			for _, want := range []string{
				"| [`" + r.ID + "`](#" + r.ID + ") | " + r.Severity.String() + " | ",
				"\n### `" + r.ID + "`\n\n- **Severity:** " + r.Severity.String() + "\n",
				"\n- **When:** " + r.When + "\n- **Fix:** " + r.Fix + "\n",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("rule %s: no %q", r.ID, want)
				}
			}
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		if err := PrintRules(&bytes.Buffer{}, "xml", Rules); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
			t.Errorf("PrintRules(xml) = %v, want an unknown format error", err)
		}
	})
}

func TestNearestRules(t *testing.T) {
	tests := []struct {
		id   string
		want []string
	}{
		{"email-cas", []string{RuleEmailCase, RuleEmailFormat, RuleHeaderCase}},
		{"hierarchy", []string{RuleNoHierarchy, RuleWhitespace, RuleHeaderCase}},
		{"duplicate", []string{RuleDuplicateID, RuleDuplicateName, RuleDuplicateEmail}},
		{"CYCLE", []string{RuleCycle, RuleBoolean, RuleNoRole}},
		{"team-without-managers", []string{RuleNoManager, RuleUserWithoutTeam, RuleNoHierarchy}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, NearestRules(tt.id, 3)); diff != "" {
				t.Errorf("NearestRules(%q) mismatch (-want +got):\n%s", tt.id, diff)
			}
		})
	}
}

func TestWrapWords(t *testing.T) {
	tests := []struct {
		name, in string
		width    int
		want     []string
	}{
		{"fits", "a bc d", 10, []string{"a bc d"}},
		{"wraps", "aa bb cc dd", 5, []string{"aa bb", "cc dd"}},
		{"long word", "a verylongword b", 4, []string{"a", "verylongword", "b"}},
		{"runes", "éé éé", 5, []string{"éé éé"}},
		{"empty", "", 5, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, wrapWords(tt.in, tt.width)); diff != "" {
				t.Errorf("wrapWords mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
