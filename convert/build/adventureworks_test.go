package build

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sharedCorpus returns the path of a file of ../shared/corpora, skipping
// the test with one line when it is not there (failing under CI).
func sharedCorpus(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "corpora", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v (CI needs ../shared)", p, err)
		}
		t.Skipf("no %s: the shared corpora are not beside the repository", p)
	}
	return p
}

// readCSV reads a whole CSV file (a byte order mark dropped) as records.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestAdventureWorks builds Microsoft's AdventureWorks DimEmployee export
// (one row per version of a person, history rows with Status NULL,
// managers named by the row key of ParentEmployeeKey, NULL for nothing, a
// byte order mark) as the issue asks, read in place. The org lints clean,
// and every manager's teams hold exactly their line, as the export says
// it, worked out here on its own.
func TestAdventureWorks(t *testing.T) {
	src := sharedCorpus(t, "adventureworks/DimEmployee.csv")
	r := runOpt(t, Options{
		Input:  src,
		OutDir: filepath.Join(t.TempDir(), "out"),
		Columns: Columns{ID: "EmployeeNationalIDAlternateKey", Email: "EmailAddress", FirstName: "FirstName",
			LastName: "LastName", Manager: "ParentEmployeeKey", ManagerKey: "EmployeeKey"},
		Where: []string{"Status=Current"},
	})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	lintClean(t, r.dir)

	// The export's own reading: the current rows, each manager by the
	// person of the row whose key the parent key is.
	recs := readCSV(t, src)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	idOfKey := map[string]string{}
	for _, rec := range recs[1:] {
		idOfKey[rec[col["EmployeeKey"]]] = rec[col["EmployeeNationalIDAlternateKey"]]
	}
	reports := map[string][]string{}
	current := 0
	for _, rec := range recs[1:] {
		if rec[col["Status"]] != "Current" {
			continue
		}
		current++
		if p := rec[col["ParentEmployeeKey"]]; p != "NULL" {
			m := idOfKey[p]
			reports[m] = append(reports[m], rec[col["EmployeeNationalIDAlternateKey"]])
		}
	}
	var line func(m string) []string
	line = func(m string) []string {
		var all []string
		for _, r := range reports[m] {
			all = append(all, r)
			all = append(all, line(r)...)
		}
		return all
	}

	// The built org's reading: the members of each team and of its
	// sub-teams, and the teams each person manages.
	members, subs, manages := map[string][]string{}, map[string][]string{}, map[string][]string{}
	for _, rec := range readCSV(t, filepath.Join(r.dir, "groups-mapping.csv"))[1:] {
		team, user, sub, isMember, isManager := rec[0], rec[1], rec[2], rec[3], rec[4]
		switch {
		case sub != "":
			subs[team] = append(subs[team], sub)
		case isMember == "TRUE" && isManager == "FALSE":
			members[team] = append(members[team], user)
		case isMember == "FALSE" && isManager == "TRUE":
			manages[user] = append(manages[user], team)
		default:
			t.Errorf("mapping row %q: a user row is a member or a manager", rec)
		}
	}
	var whole func(team string) []string
	whole = func(team string) []string {
		all := slices.Clone(members[team])
		for _, s := range subs[team] {
			all = append(all, whole(s)...)
		}
		return all
	}
	if users := len(readCSV(t, filepath.Join(r.dir, "users.csv"))) - 1; users != current {
		t.Errorf("%d users, the export has %d current rows", users, current)
	}
	if len(manages) != len(reports) {
		t.Errorf("%d people manage teams, %d have reports", len(manages), len(reports))
	}
	for m, direct := range reports {
		teams := manages[m]
		if len(teams) == 0 {
			t.Errorf("%s has %d reports and manages no team", m, len(direct))
			continue
		}
		// Their direct-reports team holds their reports, no one else.
		if diff := cmp.Diff(sorted(direct), sorted(members["D-"+m])); diff != "" {
			t.Errorf("the direct-reports team of %s (-their reports +members):\n%s", m, diff)
		}
		// The biggest team they manage holds their whole line, no one
		// else, each once.
		var biggest []string
		for _, team := range teams {
			if w := whole(team); len(w) > len(biggest) {
				biggest = w
			}
		}
		if diff := cmp.Diff(sorted(line(m)), sorted(biggest)); diff != "" {
			t.Errorf("the teams of %s (-their line +the people they see):\n%s", m, diff)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
