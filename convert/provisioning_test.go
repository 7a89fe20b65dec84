package convert

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/lint"
)

// sliceRows is a rowReader over rows of text, named as in a text file.
type sliceRows struct {
	rows [][]string
	i    int // 1-based index of the current row
}

func (r *sliceRows) Next() bool                  { r.i++; return r.i <= len(r.rows) }
func (r *sliceRows) Row() int                    { return r.i - 1 }
func (r *sliceRows) Len() int                    { return len(r.rows[r.i-1]) }
func (r *sliceRows) Cell(c int) (string, string) { return r.rows[r.i-1][c], "" }
func (*sliceRows) Formula(int) (bool, string)    { return false, "" }
func (r *sliceRows) Err() error                  { return nil }
func (r *sliceRows) RowName() string             { return fmt.Sprintf("line %d", r.i) }
func (r *sliceRows) CellName(c int) string       { return fmt.Sprintf("line %d, field %d", r.i, c+1) }
func (r *sliceRows) Progress() (int64, int64)    { return 0, 0 }
func (r *sliceRows) Close() error                { return nil }

// rowsOf splits text into rows of comma-separated cells.
func rowsOf(text string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(text, "\n") {
		rows = append(rows, strings.Split(line, ","))
	}
	return rows
}

// classified is what a test reads of a classification: files by their
// canonical names, which no two formats share.
type classified struct {
	Cands   []string
	At      string
	Renamed []string
	Rival   string
	Missing []string // of the rival, or of the closest match without a header
	Partial string   // the closest match without a header (legacy on a tie)
}

func describe(cl *classification) classified {
	var got classified
	for _, h := range cl.cands {
		got.Cands = append(got.Cands, h.file())
	}
	if len(cl.cands) == 1 {
		got.At, got.Renamed = cl.cands[0].at, cl.cands[0].renamed
	}
	if cl.rival != nil {
		got.Rival, got.Missing = cl.rival.file(), cl.rival.missing
	}
	if p := cl.partial(lint.Legacy); p != nil {
		got.Partial, got.Missing = p.file(), p.missing
	}
	return got
}

// TestClassify classifies header rows of both formats: the file a header
// is, ties, and near misses.
func TestClassify(t *testing.T) {
	both := lint.Vocabularies
	tests := []struct {
		name   string
		rows   string
		vocabs []*lint.Vocabulary // both formats when nil
		kinds  []lint.Kind        // all when nil
		want   classified
	}{
		{name: "legacy users", rows: "id,email,firstName", want: classified{Cands: []string{"users.csv"}, At: "line 1"}},
		{name: "legacy groups", rows: "id,name", want: classified{Cands: []string{"groups.csv"}, At: "line 1"}},
		{name: "legacy mapping", rows: "groupId,userId,subGroupId,isMember,isManager", want: classified{Cands: []string{"groups-mapping.csv"}, At: "line 1"}},
		{
			name: "members",
			rows: "externalMemberId,email,languagePreferences,productAssignations",
			want: classified{Cands: []string{"members.csv"}, At: "line 1"},
		},
		{
			name: "members as HR systems write them",
			rows: "Staff list\n\nExternal Member ID,E-mail,first_name,Language-Preferences,Department",
			want: classified{Cands: []string{"members.csv"}, At: "line 3", Renamed: []string{
				"External Member ID → externalMemberId", "E-mail → email", "first_name → firstName", "Language-Preferences → languagePreferences"}},
		},
		{name: "teams", rows: "externalTeamId,teamName", want: classified{Cands: []string{"teams.csv"}, At: "line 1"}},
		{
			// externalTeamId and externalMemberId are two columns of
			// teams-mappings.csv, which lacks three more.
			name: "teams with their manager",
			rows: "externalTeamId,teamName,externalMemberId",
			want: classified{Cands: []string{"teams.csv"}, At: "line 1"},
		},
		{
			name: "teams-mappings",
			rows: "externalTeamId,externalMemberId,externalSubteamId,isMember,isManager",
			want: classified{Cands: []string{"teams-mappings.csv"}, At: "line 1"},
		},
		{
			// The columns of teams.csv and members.csv are there too, but
			// fewer of them.
			name: "teams-mappings with names and emails",
			rows: "externalTeamId,teamName,externalMemberId,email,externalSubteamId,isMember,isManager",
			want: classified{Cands: []string{"teams-mappings.csv"}, At: "line 1"},
		},
		{
			name: "members with their team",
			rows: "externalMemberId,email,externalTeamId",
			want: classified{Cands: []string{"members.csv"}, At: "line 1"},
		},
		{
			name: "both formats' columns of one file",
			rows: "id,email,externalMemberId",
			want: classified{Cands: []string{"users.csv", "members.csv"}},
		},
		{
			name:   "both formats' columns, one format looked for",
			rows:   "id,email,externalMemberId",
			vocabs: []*lint.Vocabulary{lint.Provisioning},
			want:   classified{Cands: []string{"members.csv"}, At: "line 1"},
		},
		{
			name: "more columns of one format",
			rows: "id,email,externalMemberId,languagePreferences",
			want: classified{Cands: []string{"members.csv"}, At: "line 1"},
		},
		{name: "two legacy files", rows: "id,email,name", want: classified{Cands: []string{"users.csv", "groups.csv"}}},
		{name: "two successor files", rows: "externalMemberId,email,externalTeamId,teamName", want: classified{Cands: []string{"members.csv", "teams.csv"}}},
		{
			name: "near miss: teams-mappings without externalSubteamId",
			rows: "externalTeamId,externalMemberId,isMember,isManager",
			want: classified{Partial: "teams-mappings.csv", Missing: []string{"externalSubteamId"}},
		},
		{
			name: "near miss: teams without teamName",
			rows: "External Team ID,Team,Manager",
			want: classified{},
		},
		{
			name: "near miss: members with id",
			rows: "id,e-mail address,languagePreferences,productAssignations",
			want: classified{Partial: "members.csv", Missing: []string{"externalMemberId", "email"}},
		},
		{
			name: "near miss of either format: legacy named on a tie",
			rows: "email,firstName,lastName",
			want: classified{Partial: "users.csv", Missing: []string{"id"}},
		},
		{
			// A mapping that lacks a column is not read as members.csv
			// for its email column.
			name: "near miss that outweighs a header of another file",
			rows: "externalTeamId,externalMemberId,email,isMember,isManager",
			want: classified{Cands: []string{"members.csv"}, At: "line 1", Rival: "teams-mappings.csv", Missing: []string{"externalSubteamId"}},
		},
		{
			name:  "near miss that outweighs, --kind given",
			rows:  "externalTeamId,externalMemberId,email,isMember,isManager",
			kinds: []lint.Kind{lint.KindUsers},
			want:  classified{Cands: []string{"members.csv"}, At: "line 1"},
		},
		{
			name: "legacy near miss that outweighs",
			rows: "id,email,groupId,userId,isMember,isManager",
			want: classified{Cands: []string{"users.csv"}, At: "line 1", Rival: "groups-mapping.csv", Missing: []string{"subGroupId"}},
		},
		{
			// Read as users.csv, its header would say members.csv to lint.
			name: "near miss of the other format that outweighs",
			rows: "id,email,languagePreferences,productAssignations",
			want: classified{Cands: []string{"users.csv"}, At: "line 1", Rival: "members.csv", Missing: []string{"externalMemberId"}},
		},
		{
			name: "legacy users with every column",
			rows: "id,email,firstName,lastName,jobTitle,imageUrl,language",
			want: classified{Cands: []string{"users.csv"}, At: "line 1"},
		},
		{
			name: "members with every column",
			rows: "externalMemberId,email,firstName,lastName,jobTitle,imageUrl,languagePreferences,productAssignations",
			want: classified{Cands: []string{"members.csv"}, At: "line 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vocabs, kinds := tt.vocabs, tt.kinds
			if vocabs == nil {
				vocabs = both
			}
			if kinds == nil {
				kinds = Kinds
			}
			cl, err := classify(&sliceRows{rows: rowsOf(tt.rows)}, vocabs, kinds)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, describe(cl)); diff != "" {
				t.Errorf("classify(%q) (-want +got):\n%s", tt.rows, diff)
			}
		})
	}
}

// TestChoose settles a header of both formats with the format of the
// run, and names the run's file when no header is found.
func TestChoose(t *testing.T) {
	tests := []struct {
		name  string
		rows  string
		run   *lint.Vocabulary
		want  string   // the header chosen
		cands []string // or the candidates left
		near  string   // the closest match without a header
	}{
		{name: "unknown format", rows: "id,email,externalMemberId", cands: []string{"users.csv", "members.csv"}},
		{name: "legacy run", rows: "id,email,externalMemberId", run: lint.Legacy, want: "users.csv", cands: []string{"users.csv"}},
		{name: "provisioning run", rows: "id,email,externalMemberId", run: lint.Provisioning, want: "members.csv", cands: []string{"members.csv"}},
		{name: "a run of the other format", rows: "externalTeamId,teamName", run: lint.Legacy, want: "teams.csv", cands: []string{"teams.csv"}},
		{name: "two kinds of the run's format", rows: "id,email,name,externalMemberId", run: lint.Legacy, cands: []string{"users.csv", "groups.csv"}},
		{name: "near miss in a legacy run", rows: "email,firstName", run: lint.Legacy, near: "users.csv"},
		{name: "near miss in a provisioning run", rows: "email,firstName", run: lint.Provisioning, near: "members.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := classify(&sliceRows{rows: rowsOf(tt.rows)}, lint.Vocabularies, Kinds)
			if err != nil {
				t.Fatal(err)
			}
			h, cands := cl.choose(tt.run)
			got := ""
			if h != nil {
				got = h.file()
			}
			var files []string
			for _, c := range cands {
				files = append(files, c.file())
			}
			near := ""
			if p := cl.partial(tt.run); p != nil {
				near = p.file()
			}
			if got != tt.want || !cmp.Equal(files, tt.cands) || near != tt.near {
				t.Errorf("choose = %q %v, partial %q; want %q %v, %q", got, files, near, tt.want, tt.cands, tt.near)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]*lint.Vocabulary{"legacy": lint.Legacy, " Provisioning ": lint.Provisioning} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	_, err := ParseFormat("workleap")
	if want := `format "workleap": use legacy or provisioning`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// provisioningGolden holds what the sheets of Org Provisioning.xlsx must
// be converted to.
const provisioningGolden = "testdata/golden/provisioning"

// TestConvertProvisioning converts a workbook whose sheets are in the
// successor format, as .xlsx and as .xls: --out writes the successor
// files, which match their golden files (-update rewrites them from the
// .xlsx) and lint clean in the provisioning format; the log names the
// successor columns renamed and what the sheets became.
func TestConvertProvisioning(t *testing.T) {
	for _, file := range []string{"Org Provisioning.xlsx", "Org Provisioning.xls"} {
		t.Run(file, func(t *testing.T) { testConvertProvisioning(t, file) })
	}
}

func testConvertProvisioning(t *testing.T, file string) {
	dir := t.TempDir()
	var log bytes.Buffer
	res, err := Run(Options{Inputs: fixture(file), OutDir: dir, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != lint.Provisioning {
		t.Errorf("format %v, want provisioning", res.Format.Name)
	}
	var sheets []string
	for _, s := range res.Sheets {
		sheets = append(sheets, fmt.Sprintf("%s: %s %s %s %d", s.Sheet, s.Format.Name, s.Kind, filepath.Base(s.Output), s.Rows))
	}
	want := []string{
		"Members: provisioning users members.csv 7",
		"Teams: provisioning groups teams.csv 8",
		"Teams Mappings: provisioning mapping teams-mappings.csv 23",
	}
	if diff := cmp.Diff(want, sheets); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	for _, k := range Kinds {
		name := lint.Provisioning.FileNames[k]
		out := filepath.Join(dir, name)
		if res.Outputs[k] != out {
			t.Errorf("%s written to %q, want %q", k, res.Outputs[k], out)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join(provisioningGolden, name)
		if *update && file == "Org Provisioning.xlsx" {
			if err := os.WriteFile(golden, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(readCSVFile(t, golden), parseCSV(t, data)); diff != "" {
			t.Errorf("%s differs from %s (-want +got):\n%s", name, golden, diff)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("%d files written, want 3", len(entries))
	}
	rep, err := lint.Run(lint.Options{
		Users:   filepath.Join(dir, "members.csv"),
		Groups:  filepath.Join(dir, "teams.csv"),
		Mapping: filepath.Join(dir, "teams-mappings.csv"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Format != "provisioning" || len(rep.Findings) > 0 {
		t.Errorf("lint: format %q, %d findings (want provisioning, none): %+v", rep.Summary.Format, len(rep.Findings), rep.Findings)
	}
	if rep.Summary.Users != 7 || rep.Summary.Teams != 8 || rep.Summary.Mappings != 23 {
		t.Errorf("summary %+v, want 7 users, 8 teams, 23 mappings", rep.Summary)
	}
	for _, w := range []string{
		"Members: renamed columns: Email → email, First Name → firstName, Last Name → lastName, Language Preferences → languagePreferences\n",
		"Teams: renamed columns: External Team ID → externalTeamId, Team Name → teamName\n",
		"| Teams Mappings | teams-mappings |   23 |",
	} {
		if !strings.Contains(strings.ReplaceAll(log.String(), fixtures+string(filepath.Separator), ""), w) {
			t.Errorf("the log does not say %q:\n%s", w, log.String())
		}
	}
}

// TestConvertProvisioningConfig writes successor sheets to the paths of a
// config.json, whatever their names, and one sheet to standard output.
func TestConvertProvisioningConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := `{"Configuration": {"ApiUrl": "https://app.officevibe.com", "UsersCsv": "./Data/people.csv", "GroupsCsv": "./Data/t.csv", "MappingCsv": "./Data/tm.csv"}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Inputs: fixture("Org Provisioning.xlsx"), Config: dir})
	if err != nil {
		t.Fatal(err)
	}
	for k, name := range map[lint.Kind]string{lint.KindUsers: "people.csv", lint.KindGroups: "t.csv", lint.KindMapping: "tm.csv"} {
		out := filepath.Join(dir, "Data", name)
		if res.Outputs[k] != out {
			t.Errorf("%s written to %q, want %q", k, res.Outputs[k], out)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		golden := readCSVFile(t, filepath.Join(provisioningGolden, lint.Provisioning.FileNames[k]))
		if diff := cmp.Diff(golden, parseCSV(t, data)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	rep, err := lint.Run(lint.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Format != "provisioning" || rep.Summary.Errors > 0 {
		t.Errorf("lint: format %q, %d errors", rep.Summary.Format, rep.Summary.Errors)
	}

	var out bytes.Buffer
	if _, err := Run(Options{Inputs: fixture("Org Provisioning.xlsx"), Kind: "groups", Output: "-", Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(readCSVFile(t, filepath.Join(provisioningGolden, "teams.csv")), parseCSV(t, out.Bytes())); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
}

// TestFormatSettledByRun reads a header of both formats as the other
// sheets of the run are written, and --file-format as told.
func TestFormatSettledByRun(t *testing.T) {
	both := writeFile(t, "both.csv", "id,email,externalMemberId\n1,a@example.com,M-1\n")
	teams := writeFile(t, "teams.csv", "externalTeamId,teamName\nT-1,Sales\n")
	groups := writeFile(t, "groups.csv", "id,name\nT-1,Sales\n")
	tests := []struct {
		name   string
		inputs []string
		format string
		want   map[string]string // file written: its header
	}{
		{"with successor teams", []string{both, teams}, "", map[string]string{
			"members.csv": "id,email,externalMemberId", "teams.csv": "externalTeamId,teamName"}},
		{"with legacy groups", []string{groups, both}, "", map[string]string{
			"users.csv": "id,email,externalMemberId", "groups.csv": "id,name"}},
		{"alone, --file-format provisioning", []string{both}, "provisioning", map[string]string{"members.csv": "id,email,externalMemberId"}},
		{"alone, --file-format legacy", []string{both}, "legacy", map[string]string{"users.csv": "id,email,externalMemberId"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Run(Options{Inputs: tt.inputs, OutDir: dir, Format: tt.format}); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				got[e.Name()] = strings.SplitN(string(data), "\n", 2)[0]
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("files written (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzClassify classifies any header rows: never a panic, and every
// header found holds its file's required columns, on a row of the input.
func FuzzClassify(f *testing.F) {
	f.Add("id,email,name")
	f.Add("x\n\nExternal Member ID,E-mail,externalTeamId,isMember,isManager")
	f.Add("externalTeamId,teamName,externalMemberId,email,externalSubteamId,isMember,isManager")
	f.Add("id,email,languagePreferences,productAssignations\nemail,firstName")
	f.Fuzz(func(t *testing.T, text string) {
		rows := rowsOf(text)
		cl, err := classify(&sliceRows{rows: rows}, lint.Vocabularies, Kinds)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range append(cl.cands, cl.rival) {
			if h == nil {
				continue
			}
			if h.row < 0 || h.row >= len(rows) || len(h.names) != len(rows[h.row]) {
				t.Fatalf("header at row %d of %d, %d names", h.row, len(rows), len(h.names))
			}
		}
		for _, h := range cl.cands {
			if len(h.missing) > 0 || h.std != cl.cands[0].std {
				t.Fatalf("candidate %s lacks %v or has %d standard columns, not %d", h.file(), h.missing, h.std, cl.cands[0].std)
			}
		}
		if cl.rival != nil && (len(cl.rival.missing) == 0 || cl.rival.std <= cl.cands[0].std) {
			t.Fatalf("rival %s: missing %v, %d standard columns", cl.rival.file(), cl.rival.missing, cl.rival.std)
		}
		h, cands := cl.choose(lint.Provisioning)
		if h != nil && len(cands) != 1 {
			t.Fatalf("chose %s among %d", h.file(), len(cands))
		}
		for _, p := range cl.partials {
			if len(p.missing) == 0 || p.std < 2 {
				t.Fatalf("near miss %s: missing %v, %d standard columns", p.file(), p.missing, p.std)
			}
		}
	})
}
