package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/lint"
)

func TestNoManagerValues(t *testing.T) {
	// Every spelling of nothing is no manager: six roots, each a
	// manager of one.
	export := "id,email,Manager ID\n"
	for i, v := range []string{"", "NULL", "null", "None", "N/A", "#N/A"} {
		id := string(rune('a' + i))
		export += id + "," + id + "@x.co," + v + "\n" + id + "1," + id + "1@x.co," + id + "\n"
	}
	r := runOn(t, export, Options{})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	if len(r.warns) != 1 || !strings.HasPrefix(r.warns[0], "6 people have no manager: a at line 2, b at line 4,") {
		t.Errorf("warnings: %q", r.warns)
	}
	lintClean(t, r.dir)
}

func TestRootsWarnings(t *testing.T) {
	export := "id,email,firstName,lastName,Manager ID\n" +
		"1,a@x.co,Ana,A,1\n" + // their own manager
		"2,b@x.co,Bo,B,1\n" +
		"3,c@x.co,Cy,C,99\n" + // unknown
		"4,d@x.co,Di,D,3\n"
	r := runOn(t, export, Options{UnknownManagerRoot: true})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	want := []string{
		"1 person is their own manager, built as a root: 1 (Ana A) at line 2 | leave the manager of the top of the organisation empty",
		"1 person has a manager the export does not hold, built as a root (--unknown-manager root): 3 (Cy C) at line 4 | their teams do not reach the rest of the organisation: correct the managers, or add them to the export",
		`2 people have no manager: 1 (Ana A) at line 2, 3 (Cy C) at line 4 | an organisation has one top (Officevibe: "all should have a supervisor except the CEO"): give the others their managers, unless the export holds several organisations`,
	}
	if diff := cmp.Diff(want, r.warns); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.files["groups.csv"], "D-3,Cy C – direct reports\n") {
		t.Errorf("groups.csv:\n%s", r.files["groups.csv"])
	}
	lintClean(t, r.dir)
}

func TestManagersByEmail(t *testing.T) {
	export := "Associate ID,Business Email,Reports To\n" +
		"A1,Ana@X.co,\n" +
		"A2,bo@x.co,ANA@x.co\n" +
		"A3,cy@x.co,A1\n" // a value without @ is an id
	r := runOn(t, export, Options{})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	want := "groupId,userId,subGroupId,isMember,isManager\nD-A1,A1,,FALSE,TRUE\nD-A1,A2,,TRUE,FALSE\nD-A1,A3,,TRUE,FALSE\n"
	if diff := cmp.Diff(want, r.files["groups-mapping.csv"]); diff != "" {
		t.Errorf("mapping (-want +got):\n%s", diff)
	}
	if !regexpMatch(`\| manager values matched by id +\| +1 \|`, r.log) || !regexpMatch(`\| manager values matched by email +\| +1 \|`, r.log) {
		t.Errorf("log:\n%s", r.log)
	}
}

func TestWhere(t *testing.T) {
	export := "id,email,Manager ID,Status,Type\n" +
		"1,a@x.co,,Active,Employee\n" +
		"2,b@x.co,1, ACTIVE ,Employee\n" +
		"3,c@x.co,1,Active,Contractor\n" +
		"4,d@x.co,1,Terminated,Employee\n"
	r := runOn(t, export, Options{Where: []string{"Status=active", "Type!=Contractor"}})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	if diff := cmp.Diff("id,email\n1,a@x.co\n2,b@x.co\n", r.files["users.csv"]); diff != "" {
		t.Errorf("users.csv (-want +got):\n%s", diff)
	}
	if !regexpMatch(`\| rows left out by --where +\| +2 \|`, r.log) {
		t.Errorf("log:\n%s", r.log)
	}
}

func TestNames(t *testing.T) {
	long := strings.Repeat("Maximilian", 5) // 50 characters
	export := "id,email,firstName,lastName,jobTitle,Manager ID\n" +
		"1,a@x.co,Dana,Silva,CEO,\n" +
		"2,b@x.co,Dana,Silva,CTO,1\n" + // two Dana Silvas, titles differ
		"3,c@x.co,Sam,Lee,Engineer,2\n" +
		"4,d@x.co,Sam,Lee,Engineer,2\n" + // two Sam Lees, same title
		"5,e@x.co,Sam,Lée,Engineer,2\n" + // the same without accents
		"6,f@x.co," + long + ",Müller-Lüdenscheidt,Engineer,1\n" +
		"7,g@x.co,Ed,Po,,3\n8,h@x.co,Fy,Fo,,4\n9,i@x.co,Gi,Go,,5\n10,j@x.co,Hu,Ho,,6\n"
	r := runOn(t, export, Options{})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	want := `id,name
H-1,Dana Silva (CEO) – full hierarchy
D-1,Dana Silva (CEO) – direct reports
H-2,Dana Silva (CTO) – full hierarchy
D-2,Dana Silva (CTO) – direct reports
D-3,Sam Lee (3) – direct reports
D-4,Sam Lee (4) – direct reports
D-5,Sam Lée (5) – direct reports
D-6,MaximilianMaximilianMaximilianMa… – direct reports
`
	if diff := cmp.Diff(want, r.files["groups.csv"]); diff != "" {
		t.Errorf("groups.csv (-want +got):\n%s", diff)
	}
	for _, l := range strings.Split(r.files["groups.csv"], "\n") {
		if n := utf8.RuneCountInString(l); n > len("H-1,")+50 {
			t.Errorf("a name over 50 characters: %q", l)
		}
	}
	lintClean(t, r.dir)
}

func TestTemplatesAndPrefix(t *testing.T) {
	r := runOn(t, smallExport, Options{
		TeamIDPrefix: "hr-",
		Names:        Names{Direct: "{first} {last}'s team", Hierarchy: "All of {name} ({title})", Segment: "{value}"},
		TeamBy:       []string{"Department"},
	})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	want := `id,name
hr-H-1,All of Ana Silva (CEO)
hr-D-1,Ana Silva's team
hr-D-2,Bo Li's team
hr-S-department=exec,Exec
hr-S-department=finance,Finance
hr-S-department=r&d,R&D
`
	if diff := cmp.Diff(want, r.files["groups.csv"]); diff != "" {
		t.Errorf("groups.csv (-want +got):\n%s", diff)
	}
	lintClean(t, r.dir)
}

func TestSegments(t *testing.T) {
	export := "id,email,Manager ID,Department,Location\n" +
		"1,a@x.co,,R&D,Montréal\n" +
		"2,b@x.co,1,r&d,Montreal\n" + // one segment: the spelling most have
		"3,c@x.co,1,R&D,MONTRÉAL\n" +
		"4,d@x.co,1,NULL,Lisbon\n" + // no department
		"5,e@x.co,1,Sales,\n"
	r := runOn(t, export, Options{TeamBy: []string{"Department", "Location"}})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	wantGroups := `id,name
D-1,a@x.co – direct reports
S-department=r&d,Department: R&D
S-department=sales,Department: Sales
S-location=lisbon,Location: Lisbon
S-location=montreal,Location: MONTRÉAL
`
	if diff := cmp.Diff(wantGroups, r.files["groups.csv"]); diff != "" {
		t.Errorf("groups.csv (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.files["groups-mapping.csv"], "S-department=r&d,1,,TRUE,FALSE\nS-department=r&d,2,,TRUE,FALSE\nS-department=r&d,3,,TRUE,FALSE\nS-department=sales,5,,TRUE,FALSE\n") {
		t.Errorf("mapping:\n%s", r.files["groups-mapping.csv"])
	}
	if strings.Contains(r.files["users.csv"], "R&D") {
		t.Error("a --team-by column left as a property without --property")
	}
	lintClean(t, r.dir)
}

func TestProvisioningFormat(t *testing.T) {
	export := "Employee ID,First Name,Last Name,Work Email,Language,Manager ID,Hire Date\n" +
		"1,Ana,Silva,a@x.co,Português,,2020-01-02\n" +
		"2,Bo,Li,b@x.co,French,1,2021-03-04\n"
	r := runOn(t, export, Options{Format: "provisioning", Properties: []string{"Hiring Date=Hire Date"}})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	want := map[string]string{
		"members.csv":        "externalMemberId,email,firstName,lastName,languagePreferences,Hiring Date\n1,a@x.co,Ana,Silva,pt,2020-01-02\n2,b@x.co,Bo,Li,fr,2021-03-04\n",
		"teams.csv":          "externalTeamId,teamName\nD-1,Ana Silva – direct reports\n",
		"teams-mappings.csv": "externalTeamId,externalMemberId,externalSubteamId,isMember,isManager\nD-1,1,,FALSE,TRUE\nD-1,2,,TRUE,FALSE\n",
	}
	if diff := cmp.Diff(want, r.files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	rep := lintClean(t, r.dir)
	if rep.Summary.Format != lint.Provisioning.Name {
		t.Errorf("lint read the %s format", rep.Summary.Format)
	}
}

func TestConfigDestination(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfg, []byte(`{"Configuration": {"ApiUrl": "https://app.officevibe.com", "UsersCsv": "./Data/u.csv", "GroupsCsv": "./Data/g.csv", "MappingCsv": "./Data/m.csv"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runOn(t, smallExport, Options{Config: dir})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	for _, f := range []string{"u.csv", "g.csv", "m.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "Data", f)); err != nil {
			t.Error(err)
		}
	}
	rep, err := lint.Run(lint.Options{Path: dir})
	if err != nil || rep.Summary.Errors+rep.Summary.Warnings > 0 {
		t.Errorf("lint of the config: %v, %+v", err, rep.Summary)
	}
}

func TestNothingWrittenOnDefects(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "new", "Data")
	bad := smallExport + "6,bo@x.co,Dup,Email,,1,R&D,1\n"
	r := runOn(t, bad, Options{OutDir: out})
	if r.defects == nil {
		t.Fatal("built")
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("the folders made for the output are left")
	}
	// Over files already there: they stay as they were.
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "users.csv"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runOn(t, bad, Options{OutDir: out})
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "users.csv")); string(b) != "old\n" {
		t.Errorf("users.csv is %q", b)
	}
}
