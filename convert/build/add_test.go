package build

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// handDir writes hand-made files (name -> content) to a new folder.
func handDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "add")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAdd(t *testing.T) {
	add := handDir(t, map[string]string{
		"groups.csv": "id,name\nP-SOC,Social Committee\nP-LEAD,Leadership\nP-BO,Ana Silva – direct reports\n",
		"groups-mapping.csv": "groupId,userId,subGroupId,isMember,isManager\n" +
			"P-SOC,5,,FALSE,TRUE\nP-SOC,3,,TRUE,FALSE\nP-SOC,4,,TRUE,FALSE\n" +
			"P-LEAD,1,,FALSE,TRUE\nP-LEAD,,H-1,FALSE,FALSE\n" +
			"P-BO,2,,FALSE,TRUE\nP-BO,3,,TRUE,FALSE\n" +
			// Ana sees the teams her reports manage: a generated team may
			// hold hand-made ones.
			"H-1,,P-SOC,FALSE,FALSE\nH-1,,P-BO,FALSE,FALSE\n",
	})
	r := runOn(t, smallExport, Options{Add: add})
	if r.defects != nil {
		t.Fatalf("defects: %q", r.defects)
	}
	wantGroups := `id,name
H-1,Ana Silva – full hierarchy
D-1,Ana Silva (CEO) – direct reports
D-2,Bo Li – direct reports
P-SOC,Social Committee
P-LEAD,Leadership
P-BO,Ana Silva – direct reports
`
	if diff := cmp.Diff(wantGroups, r.files["groups.csv"]); diff != "" {
		t.Errorf("groups.csv (-want +got):\n%s", diff)
	}
	if !regexpMatch(`\| hand-made teams +\| +3 \|`, r.log) || !regexpMatch(`\| mapping rows +\| +18 \|`, r.log) {
		t.Errorf("log:\n%s", r.log)
	}
	lintClean(t, r.dir)
}

func TestAddRefused(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "an id the build makes",
			files: map[string]string{
				"groups.csv":         "id,name\nP-X,X\nD-2,Mine\n",
				"groups-mapping.csv": "groupId,userId,subGroupId,isMember,isManager\nP-X,1,,FALSE,TRUE\nP-X,2,,TRUE,FALSE\n",
			},
			want: []string{
				`add/groups.csv:3:1: team id "D-2" is also the id of a team the build makes (the direct reports of 2 (Bo Li))` +
					"\nhint: rename the hand-made team, or give --team-id-prefix to keep the generated ids apart",
				"nothing written: the export has 1 defect to fix",
			},
		},
		{
			name: "what lint finds, at the hand-made files' lines",
			files: map[string]string{
				"groups.csv": "id,name\nP-X,X\nP-E,Empty\n",
				"groups-mapping.csv": "groupId,userId,subGroupId,isMember,isManager\n" +
					"P-X,1,,FALSE,TRUE\n" +
					"P-X,99,,TRUE,FALSE\n" +
					"P-X,2,,yes,FALSE\n" +
					"P-X,3,,TRUE,FALSE\n" + // 3 manages nothing; 2 manages D-2, which 1 sees through H-1
					"P-Y,4,,TRUE,FALSE\n",
			},
			want: []string{
				"add/groups.csv:3:0: warning: team \"Empty\" (P-E) has no members and no sub-teams [empty-team]\nhint: add members (isMember TRUE) or sub-teams in the mapping file, or remove the team",
				"add/groups-mapping.csv:3:5: error: user \"99\" is not in out/users.csv [unknown-user]\nhint: add the user to users.csv, or correct the id (a user missing from users.csv is removed from Officevibe)",
				"add/groups-mapping.csv:4:8: error: isMember \"yes\" is not TRUE or FALSE [boolean]\nhint: use \"TRUE\"",
				"add/groups-mapping.csv:6:1: error: team \"P-Y\" is not in out/groups.csv [unknown-team]\nhint: add the team to groups.csv, or correct the id",
				"nothing written: the export has 4 defects to fix",
				"the merged organisation must lint with no error and no warning: fix the hand-made files of --add",
			},
		},
		{
			name: "a hand-made team whose manager's manager cannot see it",
			files: map[string]string{
				"groups.csv":         "id,name\nP-SOC,Social Committee\n",
				"groups-mapping.csv": "groupId,userId,subGroupId,isMember,isManager\nP-SOC,5,,FALSE,TRUE\nP-SOC,3,,TRUE,FALSE\n",
			},
			want: []string{
				"add/groups.csv:2:0: warning: manager \"Ana Silva\" (1) cannot see team \"Social Committee\" (P-SOC), which their report \"Ed Po\" (5) of team \"Ana Silva – direct reports\" (D-1) manages: no team they manage contains it [manager-without-hierarchy]" +
					"\nhint: add a hierarchy team managed by 1 whose sub-teams include P-SOC and D-1 (or add P-SOC as a sub-team of a team 1 manages)",
				"nothing written: the export has 1 defect to fix",
				"the merged organisation must lint with no error and no warning: fix the hand-made files of --add",
			},
		},
		{
			name: "hand-made names that take every name the build could give",
			files: map[string]string{
				"groups.csv":         "id,name\nP-1,Bo Li – direct reports\nP-2,Bo Li (CTO) – direct reports\nP-3,bo li (d-2) – DIRECT REPORTS\n",
				"groups-mapping.csv": "groupId,userId,subGroupId,isMember,isManager\nP-1,3,,TRUE,FALSE\n",
			},
			want: []string{
				`hr.csv:1: team D-2 would be named as a hand-made team: "Bo Li (D-2) – direct reports"` +
					"\nhint: give the team name templates ({name}, {id}…) that tell them apart, or rename the hand-made team",
				"nothing written: the export has 1 defect to fix",
			},
		},
		{
			name:  "people",
			files: map[string]string{"users.csv": "id,email\n9,z@x.co\n", "groups.csv": "id,name\nP,P\n"},
			want:  []string{"--add add: add/users.csv holds people: hand-made files add teams and mappings only, the people come from the export; add them to the export, or leave the file out"},
		},
		{
			name:  "a header without its columns",
			files: map[string]string{"groups.csv": "id,Team Name\nP,P\n"},
			want:  []string{`add/groups.csv:1: the header lacks "name": name the columns as in groups.csv (id and name)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			add := handDir(t, tt.files)
			r := runOn(t, smallExport, Options{Add: add})
			got := make([]string, len(r.defects))
			for i, d := range r.defects {
				got[i] = replaceAll(d, filepath.Dir(add)+string(filepath.Separator), "")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("defects (-want +got):\n%s", diff)
			}
			if r.files != nil {
				t.Errorf("written: %v", r.files)
			}
		})
	}
}
