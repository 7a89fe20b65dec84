package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/push/plan"
)

// tagOpen matches the start of an element or comment in HTML: what a
// value from the files must never produce.
var tagOpen = regexp.MustCompile(`(?i)<(script|/script|img|style|/style|iframe|svg|!--)`)

// FuzzPage checks that no value from the files, wherever the page shows
// it, makes markup: the page keeps exactly its own elements.
func FuzzPage(f *testing.F) {
	for _, s := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `</script><!--`, "\u2028</ScRiPt >", `{{.}}`, "\xff\xfe<", `&lt;&#x3C;`} {
		f.Add(s, s, s)
	}
	want := pageTags(f, &Data{Users: []User{}, Teams: []Team{}, Roots: []int32{}, Gaps: [][4]int32{}, Sources: []Source{}, Findings: []Finding{}})
	f.Fuzz(func(t *testing.T, name, field, message string) {
		d := &Data{
			Version: DataVersion, Tool: name, Generated: name, Format: name, Config: name,
			Sources:  []Source{{File: name, Header: []string{field, name}, Rows: []Row{{Line: 2, Fields: []string{field, message}}}}},
			Findings: []Finding{{Rule: name, Severity: "error", Line: 2, Column: 1, Field: field, Message: message, Hint: name, Row: 0, Cell: 0, Team: 0, User: 0}},
			Users:    []User{{name, field, message, 0}},
			Teams:    []Team{{ID: name, Name: field, Members: []int32{0}, Managers: []int32{0}, Subs: []int32{}}},
			Roots:    []int32{0},
			Gaps:     [][4]int32{},
			Plan:     fuzzPlan(name, field, message),
		}
		d.Files.Users, d.Files.Groups, d.Files.Mapping = name, field, message
		if got := pageTags(t, d); got != want {
			t.Errorf("values %q, %q, %q change the page's elements:\n got %s\nwant %s", name, field, message, got, want)
		}
		if written, encoded := dataAsWritten(t, d); written != encoded {
			t.Errorf("values %q, %q, %q: the data written is not json.Encoder's:\n got %s\nwant %s", name, field, message, written, encoded)
		}
	})
}

// pageTags writes the page of d and returns its element starts, in order,
// outside its own style and script.
func pageTags(t testing.TB, d *Data) string {
	var b bytes.Buffer
	if err := writePage(&b, d); err != nil {
		t.Fatal(err)
	}
	html := strings.Replace(strings.Replace(b.String(), pageCSS, "", 1), pageJS, "", 1)
	return strings.ToLower(strings.Join(tagOpen.FindAllString(html, -1), " "))
}

// fuzzPlan is a plan with every list holding the values.
func fuzzPlan(name, field, message string) Plan {
	u := plan.UserRef{ID: name, Email: field, Name: message}
	m := plan.ManagerChange{Team: name, TeamName: field, UserRef: u, People: 2}
	t := plan.TeamRef{ID: name, Name: message, Members: 3}
	p := FromPlan(&plan.Plan{Protocol: name, StateFile: name, Notes: []string{field}, Guards: []string{name}, Changes: plan.Changes{
		UsersRemoved: []plan.UserRef{u}, ManagersLost: []plan.ManagerChange{m}, TeamsRemoved: []plan.TeamRef{t},
		EmailChanges: []plan.EmailChange{{ID: name, Name: field, From: message, To: name}},
		UsersAdded:   []plan.UserRef{u}, TeamsAdded: []plan.TeamRef{t}, ManagersGained: []plan.ManagerChange{m},
		TeamsRenamed: []plan.TeamRename{{ID: name, From: field, To: message}},
		UsersChanged: []plan.UserChange{{UserRef: u, Fields: []string{field, message}}},
		Moves:        []plan.Move{{UserRef: u, From: []string{field}, To: []string{message}}},
	}})
	p.StateFile = name
	return p
}
