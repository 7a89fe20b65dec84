package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/redact"
)

// lintFiles lints the given file contents (users, groups, mapping; ""
// for a file not given) and returns "file line:col rule" per finding.
func lintFiles(t *testing.T, users, groups, mapping string) []string {
	t.Helper()
	dir := t.TempDir()
	var opt Options
	for _, f := range []struct {
		name, body string
		dst        *string
	}{{"users.csv", users, &opt.Users}, {"groups.csv", groups, &opt.Groups}, {"mapping.csv", mapping, &opt.Mapping}} {
		if f.body == "" {
			continue
		}
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte(f.body), 0o644); err != nil {
			t.Fatal(err)
		}
		*f.dst = p
	}
	rep, err := Run(opt)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, filepath.Base(f.File)+" "+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Rule+" "+f.Message)
	}
	return got
}

const (
	usersABCD = "id,email,firstName,lastName\n1,a@x.co,Ana,A\n2,b@x.co,Bo,B\n3,c@x.co,Cy,C\n4,d@x.co,Di,D\n"
	mapHeader = "groupId,userId,subGroupId,isMember,isManager\n"
)

// orgRuleTests are small organisations, each with the findings of the
// org rules it plants; FuzzLint starts from them too.
var orgRuleTests = []struct {
	name                   string
	users, groups, mapping string
	want                   []string // "file line:col rule message-part"
}{
	{
		name:   "self-loop",
		groups: "id,name\nT-A,A\n",
		mapping: mapHeader +
			"T-A,1,,FALSE,TRUE\n" +
			"T-A,,T-A,FALSE,FALSE\n",
		want: []string{"mapping.csv 3:6 cycle sub-teams form a cycle: T-A → T-A"},
	},
	{
		name:   "three-team cycle reported once at the closing row",
		groups: "id,name\nT-A,A\nT-B,B\nT-C,C\n",
		mapping: mapHeader +
			"T-A,,T-B,FALSE,FALSE\n" +
			"T-B,,T-C,FALSE,FALSE\n" +
			"T-C,,T-A,FALSE,FALSE\n" +
			"T-A,1,,FALSE,TRUE\nT-B,1,,FALSE,TRUE\nT-C,1,,FALSE,TRUE\n",
		want: []string{"mapping.csv 4:6 cycle sub-teams form a cycle: T-C → T-A → T-B → T-C"},
	},
	{
		name:   "two cycles through one team",
		groups: "id,name\nT-A,A\nT-B,B\nT-C,C\n",
		mapping: mapHeader +
			"T-A,,T-B,FALSE,FALSE\n" +
			"T-B,,T-A,FALSE,FALSE\n" +
			"T-A,,T-C,FALSE,FALSE\n" +
			"T-C,,T-A,FALSE,FALSE\n" +
			"T-A,1,,FALSE,TRUE\nT-B,1,,FALSE,TRUE\nT-C,1,,FALSE,TRUE\n",
		want: []string{
			"mapping.csv 3:6 cycle sub-teams form a cycle: T-B → T-A → T-B",
			"mapping.csv 5:6 cycle sub-teams form a cycle: T-C → T-A → T-C",
			`mapping.csv 5:6 multiple-parents team "A" (T-A) is a sub-team of both "B" (T-B) (line 3) and "C" (T-C)`,
		},
	},
	{
		name:   "manager without hierarchy",
		users:  usersABCD,
		groups: "id,name\nT-1,Ana's team\nT-2,Bo's team\n",
		mapping: mapHeader +
			"T-1,1,,FALSE,TRUE\n" +
			"T-1,2,,TRUE,FALSE\n" +
			"T-2,2,,FALSE,TRUE\n" +
			"T-2,3,,TRUE,FALSE\n" +
			"T-2,4,,TRUE,FALSE\n",
		want: []string{`mapping.csv 2:5 manager-without-hierarchy manager "Ana A" (1) cannot see team "Bo's team" (T-2)`},
	},
	{
		name:   "a hierarchy team fixes it",
		users:  usersABCD,
		groups: "id,name\nT-1,Ana's team\nT-2,Bo's team\nT-1-ALL,Ana's org\n",
		mapping: mapHeader +
			"T-1,1,,FALSE,TRUE\nT-1,2,,TRUE,FALSE\nT-2,2,,FALSE,TRUE\nT-2,3,,TRUE,FALSE\nT-2,4,,TRUE,FALSE\n" +
			"T-1-ALL,1,,FALSE,TRUE\nT-1-ALL,,T-1,FALSE,FALSE\nT-1-ALL,,T-2,FALSE,FALSE\n",
	},
	{
		name:   "a department made only of sub-teams, its manager sees them all",
		users:  usersABCD,
		groups: "id,name\nCS,Customer Service Department\nCS-A,Team A\nCS-B,Team B\n",
		mapping: mapHeader +
			"CS,1,,FALSE,TRUE\nCS,,CS-A,FALSE,FALSE\nCS,,CS-B,FALSE,FALSE\n" +
			"CS-A,2,,FALSE,TRUE\nCS-A,3,,TRUE,FALSE\nCS-B,2,,FALSE,TRUE\nCS-B,4,,TRUE,FALSE\n",
	},
	{
		name:   "dangling ids, multiple parents, empty team, no manager, user in no team",
		users:  usersABCD,
		groups: "id,name\nT-A,A\nT-B,B\nT-C,C\nT-E,Empty\n",
		mapping: mapHeader +
			"T-A,,T-C,FALSE,FALSE\n" +
			"T-B,,T-C,FALSE,FALSE\n" +
			"T-C,1,,TRUE,FALSE\n" +
			"T-A,2,,FALSE,TRUE\nT-B,2,,FALSE,TRUE\n" +
			"T-X,9,,TRUE,FALSE\n",
		want: []string{
			"groups.csv 4:0 team-without-manager team \"C\" (T-C) has no manager",
			"groups.csv 5:0 empty-team team \"Empty\" (T-E) has no members",
			"mapping.csv 3:6 multiple-parents team \"C\" (T-C) is a sub-team of both",
			"mapping.csv 7:1 unknown-team team \"T-X\" is not in",
			"mapping.csv 7:5 unknown-user user \"9\" is not in",
			"users.csv 4:0 user-without-team user \"Cy C\" (3) is in no team",
			"users.csv 5:0 user-without-team user \"Di D\" (4) is in no team",
		},
	},
	{
		name:    "mapping alone: no rule that needs the other files",
		mapping: mapHeader + "T-X,9,,TRUE,TRUE\n",
		// manager-is-member needs the mapping only.
		want: []string{"mapping.csv 2:0 manager-is-member user \"9\" is both a member and a manager of team \"T-X\""},
	},
	{
		name:   "duplicates and conflicts at the later row",
		users:  usersABCD,
		groups: "id,name\nT-A,A\n",
		mapping: mapHeader +
			"T-A,1,,TRUE,TRUE\nT-A,2,,TRUE,FALSE\nT-A,3,,TRUE,FALSE\nT-A,4,,TRUE,FALSE\n" +
			"T-A,1,,TRUE,TRUE\n" +
			"T-A,2,,FALSE,TRUE\n" +
			"T-A,3,,false,false\n",
		want: []string{
			"mapping.csv 2:0 manager-is-member user \"1\" is both a member and a manager of team \"T-A\"",
			"mapping.csv 6:0 duplicate-mapping user \"1\" is put into team \"T-A\" again, as on line 2",
			"mapping.csv 7:0 conflicting-mapping user \"2\" is put into team \"T-A\" again with other flags than on line 3",
			"mapping.csv 8:0 conflicting-mapping user \"3\"",
		},
	},
	{
		name:   "manager-is-member: once per pair, at its first row, never for a sub-team row",
		users:  usersABCD,
		groups: "id,name\nT-A,A\nT-B,B\n",
		mapping: mapHeader +
			"T-A,1,,TRUE,TRUE\nT-A,2,,true,true\nT-A,3,,TRUE,FALSE\n" +
			"T-B,,T-A,TRUE,TRUE\nT-B,4,,FALSE,TRUE\n" +
			"T-A,1,,TRUE,TRUE\n",
		want: []string{
			"mapping.csv 2:0 manager-is-member user \"1\" is both a member and a manager of team \"T-A\"",
			"mapping.csv 3:0 manager-is-member user \"2\" is both a member and a manager of team \"T-A\"",
			"mapping.csv 7:0 duplicate-mapping user \"1\" is put into team \"T-A\" again, as on line 2",
		},
	},
}

func TestOrgRules(t *testing.T) {
	for _, tt := range orgRuleTests {
		t.Run(tt.name, func(t *testing.T) {
			got := lintFiles(t, tt.users, tt.groups, tt.mapping)
			// Compare on the given prefix of each message.
			for i := range got {
				if i < len(tt.want) && strings.HasPrefix(got[i], tt.want[i]) {
					got[i] = tt.want[i]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLanguageAndBooleanHints(t *testing.T) {
	for in, want := range map[string]string{
		"French": "Français", "francais": "Français", "fr": "Français", "FRANÇAIS": "Français", "Francais ": "Français",
		"German": "Deutsche", "Deutsch": "Deutsche", "de": "Deutsche", "Spanish": "Español", "Espanol": "Español",
		"pt-BR": "Português", "Portugese": "Português", "english": "English", "Englsh": "English", "Klingon": "",
	} {
		if got := nearestLanguage(in); got != want {
			t.Errorf("nearestLanguage(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"yes": "TRUE", "1": "TRUE", "x": "TRUE", "Y": "TRUE", "no": "FALSE", "0": "FALSE", "maybe": ""} {
		if got := booleanHint(in); got != want {
			t.Errorf("booleanHint(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLint runs the whole lint pass on three fuzzed files and checks that
// it never panics and that every finding lies inside its file.
//
// The seeds are small on purpose: the fuzzer minimises every input that
// finds new code, and minimising a whole organisation (tens of kilobytes,
// milliseconds a run) took all of a short fuzzing run. The whole sample
// and broken organisations go through the same check in
// TestFindingsInsideTheirFiles. The three files are rewritten in one
// directory per fuzzing process: a new temporary directory per input
// cost more than the lint pass.
func FuzzLint(f *testing.F) {
	for _, org := range []string{"../testdata/sample/Data/", "../testdata/broken/Data/"} {
		f.Add(headLines(f, org+"users.csv", 6), headLines(f, org+"groups.csv", 6), headLines(f, org+"groups-mapping.csv", 8))
	}
	for _, tt := range orgRuleTests {
		f.Add([]byte(tt.users), []byte(tt.groups), []byte(tt.mapping))
	}
	f.Add([]byte(usersABCD), []byte("id,name\nT-A,A\n"), []byte(mapHeader+"T-A,,T-A,FALSE,FALSE\n"))
	// The key of the run, whole in a few fields and in pieces in others.
	f.Add([]byte("id,email,firstName\nfz-key,"+fuzzKey+"@x.co,"+strings.ToUpper(fuzzKey)+"\n"), []byte("id,name\nT,\""+fuzzKey+"\"\nT,"+fuzzKey+"\n"), []byte(mapHeader+"T,fz-key,,TRUE,TRUE\n"))
	keys := redact.New(fuzzKey)
	dir := f.TempDir()
	paths := [3]string{filepath.Join(dir, "users.csv"), filepath.Join(dir, "groups.csv"), filepath.Join(dir, "mapping.csv")}
	f.Fuzz(func(t *testing.T, users, groups, mapping []byte) {
		files := map[string][]byte{"users.csv": users, "groups.csv": groups, "mapping.csv": mapping}
		for _, p := range paths {
			if err := os.WriteFile(p, files[filepath.Base(p)], 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := Run(Options{Users: paths[0], Groups: paths[1], Mapping: paths[2], Keys: keys})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		checkFindingsInside(t, rep, files)
		for _, fd := range rep.Findings {
			if keys.Holds(fd.Message) || keys.Holds(fd.Value) || keys.Holds(fd.Hint) || keys.Holds(strings.Join(fd.Path, " ")) {
				t.Fatalf("a finding quotes the key: %+v", fd)
			}
		}
	})
}

// fuzzKey is the API key FuzzLint lints with.
const fuzzKey = "ov-fz-key-4711"

// checkFindingsInside fails unless every finding of rep lies inside its
// file, files holding the contents by base name: a line of the file (or
// line 0 for the whole file) and byte and UTF-16 columns inside the line,
// a column having its UTF-16 twin.
func checkFindingsInside(t *testing.T, rep *Report, files map[string][]byte) {
	t.Helper()
	lines := map[string][][]byte{}
	for name, b := range files {
		lines[name] = inputLines(t, b)
	}
	for _, fd := range rep.Findings {
		if err := checkInside(lines[filepath.Base(fd.File)], fd.Line, fd.Column, fd.UTF16Column); err != nil || fd.Column > 0 && fd.UTF16Column < 1 {
			t.Fatalf("finding outside its file: %v (UTF-16 column %d): %v", fd, fd.UTF16Column, err)
		}
	}
}

// headLines returns the first n lines of the file at path.
func headLines(f *testing.F, path string, n int) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	end := 0
	for range n {
		i := bytes.IndexByte(b[end:], '\n')
		if i < 0 {
			return b
		}
		end += i + 1
	}
	return b[:end]
}

// TestFindingsInsideTheirFiles lints the whole sample and broken
// organisations and checks every finding's position as FuzzLint does.
func TestFindingsInsideTheirFiles(t *testing.T) {
	for _, org := range []string{"../testdata/sample/Data/", "../testdata/broken/Data/"} {
		files := map[string][]byte{}
		for _, name := range []string{"users.csv", "groups.csv", "groups-mapping.csv"} {
			b, err := os.ReadFile(org + name)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = b
		}
		rep := runOK(t, Options{Users: org + "users.csv", Groups: org + "groups.csv", Mapping: org + "groups-mapping.csv"})
		if org == "../testdata/broken/Data/" && len(rep.Findings) < 20 {
			t.Errorf("%s: %d findings, want the planted ones", org, len(rep.Findings))
		}
		checkFindingsInside(t, rep, files)
	}
}

// TestLongCycleMessage checks that a cycle of 100,000 teams gives a short
// message with the cycle's length, and the whole path in the finding.
func TestLongCycleMessage(t *testing.T) {
	const n = 100_000
	var groups, mapping strings.Builder
	groups.WriteString("id,name\n")
	mapping.WriteString(mapHeader)
	id := func(i int) string { return "T-" + itoa(i%n) }
	for i := range n {
		groups.WriteString(id(i) + ",Team " + itoa(i) + "\n")
	}
	for i := range n {
		mapping.WriteString(id(i) + ",," + id(i+1) + ",FALSE,FALSE\n")
	}
	dir := t.TempDir()
	g, m := filepath.Join(dir, "groups.csv"), filepath.Join(dir, "mapping.csv")
	if err := os.WriteFile(g, []byte(groups.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m, []byte(mapping.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(Options{Groups: g, Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	var cycles []Finding
	for _, f := range rep.Findings {
		if f.Rule == RuleCycle {
			cycles = append(cycles, f)
		}
	}
	if len(cycles) != 1 {
		t.Fatalf("got %d cycle findings, want 1", len(cycles))
	}
	f := cycles[0]
	want := "sub-teams form a cycle of 100000 teams: T-99999 → T-0 → T-1 → T-2 → T-3 → T-4 → T-5 → T-6 → T-7 → T-8 → … → " +
		"T-99990 → T-99991 → T-99992 → T-99993 → T-99994 → T-99995 → T-99996 → T-99997 → T-99998 → T-99999"
	if f.Message != want {
		t.Errorf("message:\n got %s\nwant %s", f.Message, want)
	}
	if len(f.Path) != n+1 || f.Path[0] != "T-99999" || f.Path[1] != "T-0" || f.Path[n] != "T-99999" {
		t.Errorf("path has %d teams, %q … %q; want %d from T-99999 back to it", len(f.Path), f.Path[:2], f.Path[len(f.Path)-1], n+1)
	}
}

// TestTeamRows checks the org's list of rows per team: every row naming
// the team as groupId, in file order, malformed ones included.
func TestTeamRows(t *testing.T) {
	dir := t.TempDir()
	g, m := filepath.Join(dir, "groups.csv"), filepath.Join(dir, "mapping.csv")
	os.WriteFile(g, []byte("id,name\nT-A,A\nT-B,B\n"), 0o644)
	os.WriteFile(m, []byte(mapHeader+"T-B,1,,TRUE,FALSE\nT-A,1,,TRUE,TRUE\nT-B,,T-A,yes,FALSE\nT-B,2,,FALSE,TRUE\n,3,,TRUE,FALSE\n"), 0o644)
	rep := runOK(t, Options{Groups: g, Mapping: m})
	a, _ := rep.Org.TeamIndex("T-A")
	b, _ := rep.Org.TeamIndex("T-B")
	if diff := cmp.Diff([]int32{1}, rep.Org.TeamRows(a)); diff != "" {
		t.Errorf("T-A rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{0, 2, 3}, rep.Org.TeamRows(b)); diff != "" {
		t.Errorf("T-B rows (-want +got):\n%s", diff)
	}
	if rep.Org.Mappings[2].Valid || rep.Org.TeamRows(99) != nil {
		t.Error("the bad boolean row is valid, or an unknown team has rows")
	}
}
