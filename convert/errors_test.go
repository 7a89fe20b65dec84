package convert

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook returns an .xlsx file written by excelize with the given
// sheets, each a list of rows.
func workbook(t testing.TB, sheets ...sheetData) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetData is a sheet for workbook.
type sheetData struct {
	name string
	rows [][]any
}

// corruptZip returns data, an .xlsx file, with the compressed bytes of
// its first worksheet damaged.
func corruptZip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			out := bytes.Clone(data)
			for i := off + 10; i < off+int64(f.CompressedSize64)-2 && i < off+40; i++ {
				out[i] ^= 0x5A
			}
			return out
		}
	}
	t.Fatal("no worksheet")
	return nil
}

// TestRunErrors runs conversions that must fail: each problem is one line
// naming the file (and sheet and cell where there is one) and what to do,
// and nothing is written.
func TestRunErrors(t *testing.T) {
	org, err := os.ReadFile(filepath.Join(fixtures, "Org.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	groups, err := os.ReadFile(filepath.Join(fixtures, "Groups Sample.xls"))
	if err != nil {
		t.Fatal(err)
	}
	users := [][]any{{"id", "email"}, {"1", "a@example.com"}}
	members := [][]any{{"externalMemberId", "email"}, {"1", "a@example.com"}}
	teams := [][]any{{"External Team ID", "Team Name"}, {"T-1", "Sales"}}
	noTeams := `{"Configuration": {"ApiUrl": "https://app.officevibe.com", "UsersCsv": "./Data/members.csv", "GroupsCsv": "", "MappingCsv": "./Data/teams-mappings.csv"}}`
	tests := []struct {
		name  string
		files map[string][]byte // written to the test's folder
		opt   Options           // Inputs relative to the folder; fixtures as "$FIXTURES/"
		want  []string          // the errors, in order
	}{
		{
			name: "password-protected workbook",
			opt:  Options{Inputs: []string{"$FIXTURES/Password Protected.xls"}},
			want: []string{"$FIXTURES/Password Protected.xls: workbook is password-protected: remove the password in a spreadsheet program, save, and convert again"},
		},
		{
			name:  "truncated xlsx",
			files: map[string][]byte{"org.xlsx": org[:len(org)/2]},
			opt:   Options{Inputs: []string{"org.xlsx"}},
			want:  []string{"org.xlsx: workbook is truncated or corrupt (damaged zip archive: zip: not a valid zip file): open it in a spreadsheet program and save it again"},
		},
		{
			name:  "truncated xls",
			files: map[string][]byte{"groups.xls": groups[:len(groups)-1500]},
			opt:   Options{Inputs: []string{"groups.xls"}},
			want:  []string{"groups.xls: workbook is truncated or corrupt (damaged OLE2 container): open it in a spreadsheet program and save it again"},
		},
		{
			name:  "corrupt xlsx",
			files: map[string][]byte{"org.xlsx": corruptZip(t, org)},
			opt:   Options{Inputs: []string{"org.xlsx"}},
			want:  []string{"org.xlsx: sheet \"Users\" near row 1: workbook is truncated or corrupt"},
		},
		{
			name:  "zip that is not a workbook",
			files: map[string][]byte{"export.xlsx": zipFile(t, "report.txt", "hello")},
			opt:   Options{Inputs: []string{"export.xlsx"}},
			want:  []string{"export.xlsx: a zip archive, but not an Excel workbook (no xl/workbook.xml): unzip it and convert the workbook inside, or save the data from a spreadsheet program as .xlsx"},
		},
		{
			name:  "empty sheet",
			files: map[string][]byte{"empty.xlsx": workbook(t, sheetData{name: "Users"})},
			opt:   Options{Inputs: []string{"empty.xlsx"}},
			want:  []string{"empty.xlsx: Users: the sheet is empty: export the data again, or choose another sheet"},
		},
		{
			name:  "empty file",
			files: map[string][]byte{"users.xls": nil},
			opt:   Options{Inputs: []string{"users.xls"}},
			want:  []string{"users.xls: the file is empty: export the data again"},
		},
		{
			name:  "missing required column",
			files: map[string][]byte{"users.csv": []byte("id,e-mail address,First Name\n1,a@example.com,Ana\n")},
			opt:   Options{Inputs: []string{"users.csv"}},
			want:  []string{`users.csv: line 1 looks like the header of users.csv but lacks the column "email": name the columns as in users.csv (id, email)`},
		},
		{
			name:  "no header",
			files: map[string][]byte{"list.csv": []byte("code,language\nfr,Français\n")},
			opt:   Options{Inputs: []string{"list.csv"}},
			want:  []string{`list.csv: no header: none of the first 20 rows has the columns of users.csv (id, email), groups.csv (id, name) or groups-mapping.csv (groupId, userId, subGroupId, isMember, isManager) (line 1 reads "code", "language"): give the header those column names`},
		},
		{
			name: "error cell",
			opt:  Options{Inputs: []string{"$FIXTURES/Users Lookup Error.xlsx"}},
			want: []string{"$FIXTURES/Users Lookup Error.xlsx: 1 error cell: Users!G12 (#N/A): fix the formulas (or the data they look up) in the workbook, and convert again"},
		},
		{
			name:  "header without rows",
			files: map[string][]byte{"users.xlsx": workbook(t, sheetData{name: "Staff", rows: [][]any{{"id", "email"}}})},
			opt:   Options{Inputs: []string{"users.xlsx"}},
			want:  []string{"users.xlsx: Staff: the header (row 1) has no rows below it: an empty users.csv would remove every member at the next push: fill the sheet in, or leave it out"},
		},
		{
			name:  "ambiguous header",
			files: map[string][]byte{"x.csv": []byte("id,email,name\n1,a@example.com,A\n")},
			opt:   Options{Inputs: []string{"x.csv"}},
			want:  []string{"x.csv: the header (line 1) has the columns of both users and groups: choose with --kind users|groups"},
		},
		{
			name:  "duplicate column",
			files: map[string][]byte{"x.xlsx": workbook(t, sheetData{name: "Users", rows: [][]any{{"id", "Email", "e-mail"}, {"1", "a@example.com", "b@example.com"}}})},
			opt:   Options{Inputs: []string{"x.xlsx"}},
			want:  []string{`x.xlsx: Users: the columns "Email" (Users!B1) and "e-mail" (Users!C1) are both "email": remove or rename one of them`},
		},
		{
			name:  "ragged text row",
			files: map[string][]byte{"users.csv": []byte("id,email,firstName\n1,a@example.com,Ana\n2,b@example.com,Smith, Jr\n")},
			opt:   Options{Inputs: []string{"users.csv"}},
			want:  []string{"users.csv: line 3 has 4 fields, the header 3: quote the fields that hold the delimiter (comma), or give --delimiter"},
		},
		{
			name:  "bare quote",
			files: map[string][]byte{"users.csv": []byte("id,email,firstName\n1,a@example.com,Sam \"The Man\"\n")},
			opt:   Options{Inputs: []string{"users.csv"}},
			want:  []string{`users.csv: line 2, column 21: a quote inside a field that does not start with one: quote the whole field and double each quote inside it ("Sam ""The Man"" Lee"), or export the file again`},
		},
		{
			name:  "binary file",
			files: map[string][]byte{"photo.xls": {0x89, 'P', 'N', 'G', 0, 0, 0, 0}},
			opt:   Options{Inputs: []string{"photo.xls"}},
			want:  []string{"photo.xls: not a spreadsheet or a text file (binary data): export the data as .xlsx or CSV"},
		},
		{
			name:  "two sources of one kind",
			files: map[string][]byte{"a.xlsx": workbook(t, sheetData{"Users", users}), "b.xlsx": workbook(t, sheetData{"Staff", users})},
			opt:   Options{Inputs: []string{"a.xlsx", "b.xlsx"}},
			want:  []string{"a.xlsx: Users and b.xlsx: Staff both have the header of users.csv: convert one at a time, or choose one with --sheet"},
		},
		{
			name:  "legacy and successor sheets in one workbook",
			files: map[string][]byte{"org.xlsx": workbook(t, sheetData{"Users", users}, sheetData{"Teams", teams})},
			opt:   Options{Inputs: []string{"org.xlsx"}},
			want: []string{`the inputs mix two formats: org.xlsx: Users has the header of users.csv (legacy Officevibe format) but org.xlsx: Teams has the header of teams.csv (Workleap API provisioning format): ` +
				`rename the columns of one, or convert the legacy sheets alone and run "ovsync migrate" on the files`},
		},
		{
			name: "legacy and successor files",
			files: map[string][]byte{
				"members.csv": []byte("externalMemberId,email\n1,a@example.com\n"),
				"groups.csv":  []byte("id,name\nT-1,Sales\n"),
				"mapping.csv": []byte("groupId,userId,subGroupId,isMember,isManager\nT-1,1,,TRUE,FALSE\n"),
			},
			opt:  Options{Inputs: []string{"members.csv", "groups.csv", "mapping.csv"}},
			want: []string{"the inputs mix two formats: members.csv has the header of members.csv (Workleap API provisioning format) but groups.csv has the header of groups.csv (legacy Officevibe format): "},
		},
		{
			name:  "successor header without a required column",
			files: map[string][]byte{"members.csv": []byte("External Member ID,e-mail address,First Name\n1,a@example.com,Ana\n")},
			opt:   Options{Inputs: []string{"members.csv"}},
			want:  []string{`members.csv: line 1 looks like the header of members.csv but lacks the column "email": name the columns as in members.csv (externalMemberId, email)`},
		},
		{
			name:  "near miss that outweighs another header",
			files: map[string][]byte{"x.csv": []byte("externalTeamId,externalMemberId,email,isMember,isManager\nT-1,1,a@example.com,TRUE,FALSE\n")},
			opt:   Options{Inputs: []string{"x.csv"}},
			want: []string{`x.csv: line 1 looks like the header of teams-mappings.csv but lacks the column "externalSubteamId": ` +
				`name the columns as in teams-mappings.csv (externalTeamId, externalMemberId, externalSubteamId, isMember, isManager), or give --kind users to convert it as members.csv`},
		},
		{
			name:  "near miss of the other format",
			files: map[string][]byte{"x.csv": []byte("id,email,languagePreferences,productAssignations\n1,a@example.com,en,\n")},
			opt:   Options{Inputs: []string{"x.csv"}},
			want:  []string{`x.csv: line 1 looks like the header of members.csv but lacks the column "externalMemberId": name the columns as in members.csv (externalMemberId, email)`},
		},
		{
			name:  "header of both formats",
			files: map[string][]byte{"x.csv": []byte("title\nid,email,externalMemberId\n1,a@example.com,1\n")},
			opt:   Options{Inputs: []string{"x.csv"}},
			want:  []string{"x.csv: the header (line 2) has the columns of users.csv (legacy) and members.csv (provisioning): choose with --file-format legacy|provisioning"},
		},
		{
			name:  "two successor files",
			files: map[string][]byte{"x.csv": []byte("externalMemberId,email,externalTeamId,teamName\n1,a@example.com,T-1,Sales\n")},
			opt:   Options{Inputs: []string{"x.csv"}},
			want:  []string{"x.csv: the header (line 1) has the columns of both members.csv and teams.csv: choose with --kind users|groups"},
		},
		{
			name:  "successor header without rows",
			files: map[string][]byte{"teams.xlsx": workbook(t, sheetData{name: "Teams", rows: teams[:1]})},
			opt:   Options{Inputs: []string{"teams.xlsx"}},
			want:  []string{"teams.xlsx: Teams: the header (row 1) has no rows below it: an empty teams.csv would remove every team at the next push: fill the sheet in, or leave it out"},
		},
		{
			name:  "two sources of one successor kind",
			files: map[string][]byte{"a.xlsx": workbook(t, sheetData{"Members", members}), "b.xlsx": workbook(t, sheetData{"Staff", members})},
			opt:   Options{Inputs: []string{"a.xlsx", "b.xlsx"}},
			want:  []string{"a.xlsx: Members and b.xlsx: Staff both have the header of members.csv: convert one at a time, or choose one with --sheet"},
		},
		{
			name:  "no header in a successor run",
			files: map[string][]byte{"members.xlsx": workbook(t, sheetData{"Members", members}), "list.csv": []byte("code,language\nfr,Français\n")},
			opt:   Options{Inputs: []string{"members.xlsx", "list.csv"}},
			want: []string{`list.csv: no header: none of the first 20 rows has the columns of members.csv (externalMemberId, email), teams.csv (externalTeamId, teamName) ` +
				`or teams-mappings.csv (externalTeamId, externalMemberId, externalSubteamId, isMember, isManager) (line 1 reads "code", "language"): give the header those column names`},
		},
		{
			name:  "one output, several successor kinds",
			files: map[string][]byte{"org.xlsx": workbook(t, sheetData{"Members", members}, sheetData{"Teams", teams})},
			opt:   Options{Inputs: []string{"org.xlsx"}, Output: "-"},
			want:  []string{"the input gives members.csv, teams.csv: -o writes one file: choose one with --kind users|groups, or write all with --out DIR"},
		},
		{
			name:  "config without the path of a successor file",
			files: map[string][]byte{"config.json": []byte(noTeams), "teams.xlsx": workbook(t, sheetData{"Teams", teams})},
			opt:   Options{Inputs: []string{"teams.xlsx"}, Config: "config.json"},
			want:  []string{"config.json: no path for teams.csv in the config (GroupsCsv)"},
		},
		{
			name:  "unknown format",
			files: map[string][]byte{"x.csv": []byte("id,email\n1,a@example.com\n")},
			opt:   Options{Inputs: []string{"x.csv"}, Format: "workleap"},
			want:  []string{`format "workleap": use legacy or provisioning`},
		},
		{
			name: "one output, several kinds",
			opt:  Options{Inputs: []string{"$FIXTURES/Org.xlsx"}, Output: "-"},
			want: []string{"the input gives users, groups, mapping: -o writes one file: choose one with --kind users|groups|mapping, or write all with --out DIR"},
		},
		{
			name: "unknown sheet",
			opt:  Options{Inputs: []string{"$FIXTURES/Org.xlsx"}, Sheets: []string{"Staff"}},
			want: []string{`--sheet "Staff": no such sheet (the sheets are "Users", "Groups", "Mapping")`},
		},
		{
			name: "missing file",
			opt:  Options{Inputs: []string{"nowhere.xlsx"}},
			want: []string{"nowhere.xlsx: no such file"},
		},
		{
			name:  "every problem reported",
			files: map[string][]byte{"empty.csv": {}},
			opt:   Options{Inputs: []string{"$FIXTURES/Password Protected.xls", "empty.csv"}},
			want: []string{
				"$FIXTURES/Password Protected.xls: workbook is password-protected: remove the password in a spreadsheet program, save, and convert again",
				"empty.csv: the file is empty: export the data again",
			},
		},
	}
	fixturesAbs, err := filepath.Abs(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	expand := func(s string) string { return strings.ReplaceAll(s, "$FIXTURES", fixturesAbs) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for name, data := range tt.files {
				if err := os.WriteFile(name, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opt := tt.opt
			for i, in := range opt.Inputs {
				opt.Inputs[i] = expand(in)
			}
			if opt.Output == "" && opt.Config == "" {
				opt.OutDir = "out"
			}
			var stdout bytes.Buffer
			opt.Stdout = &stdout
			_, err := Run(opt)
			if err == nil {
				t.Fatal("no error")
			}
			var got []string
			if many, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range many.Unwrap() {
					got = append(got, e.Error())
				}
			} else {
				got = []string{err.Error()}
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, expand(w))
			}
			for i := range want {
				if i >= len(got) || !strings.HasPrefix(got[i], want[i]) {
					t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
					break
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
			}
			for _, e := range got {
				if strings.Contains(e, "\n") || strings.HasSuffix(e, ".") {
					t.Errorf("error %q is not one line without a final period", e)
				}
			}
			for _, out := range []string{"out", "Data"} {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("the output folder %s was created", out)
				}
			}
			if stdout.Len() > 0 {
				t.Errorf("wrote %d bytes to stdout", stdout.Len())
			}
		})
	}
}

// zipFile returns a zip archive holding one file.
func zipFile(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
