package orggen

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// org is a generated org held in memory.
type org struct {
	users, groups, mapping []byte
	stats                  Stats
}

func generate(t testing.TB, opt Options) org {
	t.Helper()
	var o org
	var u, g, m bytes.Buffer
	st, err := Generate(&u, &g, &m, opt)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", opt, err)
	}
	o.users, o.groups, o.mapping, o.stats = u.Bytes(), g.Bytes(), m.Bytes(), st
	return o
}

func readCSV(t *testing.T, name string, data []byte) (header []string, rows [][]string) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	all, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(all) == 0 {
		t.Fatalf("%s: no header", name)
	}
	return all[0], all[1:]
}

var (
	userIDPattern = regexp.MustCompile(`^[0-9]{7,}$`)
	teamIDPattern = regexp.MustCompile(`^T[0-9]{6,}$`)
	emailPattern  = regexp.MustCompile(`^[a-z-]+\.[a-z-]+[0-9]*@example\.com$`)
	datePattern   = regexp.MustCompile(`^(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]$`)
)

// shape is what checkOrg learns about an org.
type shape struct {
	managers, hierarchyTeams int
	quotedFields             int
}

// checkOrg reads an org back and reports every broken invariant: the files'
// own rules and the org rules of ovsync lint.
func checkOrg(t *testing.T, o org) shape {
	t.Helper()
	var sh shape
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
	}

	// users.csv
	header, users := readCSV(t, "users.csv", o.users)
	if diff := cmp.Diff(strings.Split(strings.TrimSuffix(usersHeader, "\n"), ","), header); diff != "" {
		errorf("users.csv header (-want +got):\n%s", diff)
	}
	if len(users) != o.stats.Users {
		errorf("users.csv has %d rows, stats say %d", len(users), o.stats.Users)
	}
	userIDs := map[string]bool{}
	emails := map[string]bool{}
	for i, u := range users {
		line := i + 2
		id, email, first, last, image, lang, date := u[0], u[1], u[2], u[3], u[5], u[6], u[9]
		if !userIDPattern.MatchString(id) {
			errorf("users.csv:%d: id %q is not a digit string of 7 or more", line, id)
		}
		if userIDs[id] {
			errorf("users.csv:%d: duplicate id %q", line, id)
		}
		userIDs[id] = true
		if !emailPattern.MatchString(email) {
			errorf("users.csv:%d: e-mail %q is not first.last@example.com in lower case", line, email)
		}
		if emails[email] {
			errorf("users.csv:%d: duplicate e-mail %q", line, email)
		}
		emails[email] = true
		if first == "" || last == "" {
			errorf("users.csv:%d: name %q %q is not complete", line, first, last)
		}
		if !slices.Contains(languages, lang) {
			errorf("users.csv:%d: language %q is not an Officevibe language", line, lang)
		}
		if image != "" && !strings.HasPrefix(image, "https://") {
			errorf("users.csv:%d: imageUrl %q is not https", line, image)
		}
		if !datePattern.MatchString(date) {
			errorf("users.csv:%d: hiring date %q", line, date)
		}
		for j, f := range u {
			if f != strings.TrimSpace(f) {
				errorf("users.csv:%d: field %s %q has surrounding spaces", line, header[j], f)
			}
		}
	}

	// groups.csv
	header, groups := readCSV(t, "groups.csv", o.groups)
	if diff := cmp.Diff([]string{"id", "name"}, header); diff != "" {
		errorf("groups.csv header (-want +got):\n%s", diff)
	}
	if len(groups) != o.stats.Teams {
		errorf("groups.csv has %d rows, stats say %d", len(groups), o.stats.Teams)
	}
	teamIDs := map[string]bool{}
	names := map[string]bool{}
	for i, g := range groups {
		line := i + 2
		if !teamIDPattern.MatchString(g[0]) {
			errorf("groups.csv:%d: id %q is not T and six or more digits", line, g[0])
		}
		if teamIDs[g[0]] {
			errorf("groups.csv:%d: duplicate id %q", line, g[0])
		}
		teamIDs[g[0]] = true
		name := strings.ToLower(g[1])
		if g[1] == "" || names[name] {
			errorf("groups.csv:%d: empty or duplicate name %q", line, g[1])
		}
		names[name] = true
	}

	// groups-mapping.csv
	header, mapping := readCSV(t, "groups-mapping.csv", o.mapping)
	if diff := cmp.Diff([]string{"groupId", "userId", "subGroupId", "isMember", "isManager"}, header); diff != "" {
		errorf("groups-mapping.csv header (-want +got):\n%s", diff)
	}
	if len(mapping) != o.stats.Mappings {
		errorf("groups-mapping.csv has %d rows, stats say %d", len(mapping), o.stats.Mappings)
	}
	managerOf := map[string]string{}  // team -> its manager
	managed := map[string][]string{}  // user -> teams they manage
	members := map[string][]string{}  // team -> its members
	memberOf := map[string]int{}      // user -> teams they are a member of
	parent := map[string]string{}     // team -> the team it is a sub-team of
	subTeams := map[string][]string{} // team -> its sub-teams
	pairs := map[[2]string]bool{}     // (team, user or sub-team)
	for i, m := range mapping {
		line := i + 2
		team, user, sub, flags := m[0], m[1], m[2], m[3]+","+m[4]
		if !teamIDs[team] {
			errorf("groups-mapping.csv:%d: unknown team %q", line, team)
		}
		if (user == "") == (sub == "") {
			errorf("groups-mapping.csv:%d: needs exactly one of userId %q and subGroupId %q", line, user, sub)
			continue
		}
		pair := [2]string{team, user + sub}
		if pairs[pair] {
			errorf("groups-mapping.csv:%d: pair %v seen before", line, pair)
		}
		pairs[pair] = true
		if sub != "" {
			if !teamIDs[sub] {
				errorf("groups-mapping.csv:%d: unknown sub-team %q", line, sub)
			}
			if flags != "FALSE,FALSE" {
				errorf("groups-mapping.csv:%d: sub-team row flags %s, want FALSE,FALSE", line, flags)
			}
			if p, ok := parent[sub]; ok {
				errorf("groups-mapping.csv:%d: team %s is a sub-team of %s and %s", line, sub, p, team)
			}
			parent[sub] = team
			subTeams[team] = append(subTeams[team], sub)
			continue
		}
		if !userIDs[user] {
			errorf("groups-mapping.csv:%d: unknown user %q", line, user)
		}
		switch flags {
		case "FALSE,TRUE":
			if m, ok := managerOf[team]; ok {
				errorf("groups-mapping.csv:%d: team %s has managers %s and %s", line, team, m, user)
			}
			managerOf[team] = user
			managed[user] = append(managed[user], team)
		case "TRUE,FALSE":
			members[team] = append(members[team], user)
			memberOf[user]++
		default:
			errorf("groups-mapping.csv:%d: user row flags %s, want TRUE,FALSE or FALSE,TRUE", line, flags)
		}
	}

	// Org rules.
	for id := range teamIDs {
		if _, ok := managerOf[id]; !ok {
			errorf("team-without-manager: %s", id)
		}
		if len(members[id]) == 0 && len(subTeams[id]) == 0 {
			errorf("empty-team: %s", id)
		}
	}
	tops := 0
	for id := range userIDs {
		if memberOf[id] == 0 && len(managed[id]) == 0 {
			errorf("user-without-team: %s", id)
		}
		if memberOf[id] == 0 {
			tops++
		}
		if memberOf[id] > 1 {
			errorf("user %s is a member of %d teams", id, memberOf[id])
		}
	}
	if tops != 1 {
		errorf("%d users are members of no team, want 1 (the top of the org)", tops)
	}
	// cycle: walking up from any team ends at a root within len(teams) steps.
	for id := range teamIDs {
		p, steps := id, 0
		for ok := true; ok; p, ok = parent[p] {
			if steps++; steps > len(teamIDs) {
				errorf("cycle: through team %s", id)
				break
			}
		}
	}
	// manager-without-hierarchy: M manages a team whose member R manages S;
	// some team M manages must be S or hold S through sub-teams.
	for team, m := range managerOf {
		for _, r := range members[team] {
			for _, s := range managed[r] {
				seen := false
				for p, ok, steps := s, true, 0; ok && steps <= len(teamIDs); p, ok = parent[p] {
					if managerOf[p] == m {
						seen = true
						break
					}
					steps++
				}
				if !seen {
					errorf("manager-without-hierarchy: %s manages %s, whose member %s manages %s out of %s's reach", m, team, r, s, m)
				}
			}
		}
	}

	// The shape: direct-reports teams within the span of control, and a
	// hierarchy team for every manager of managers.
	sh.managers = len(managed)
	for team := range teamIDs {
		if n := len(members[team]); n > 0 {
			if (n < minSpan || n > maxSpan) && len(userIDs) > 12 {
				errorf("team %s has %d members, want %d to %d", team, n, minSpan, maxSpan)
			}
		}
		if len(subTeams[team]) > 0 {
			sh.hierarchyTeams++
			if len(members[team]) > 0 {
				errorf("hierarchy team %s has members", team)
			}
		}
	}
	if want := len(managed) + sh.hierarchyTeams; len(teamIDs) != want {
		errorf("%d teams, want %d (one per manager, one per manager of managers)", len(teamIDs), want)
	}
	size := int64(len(o.users) + len(o.groups) + len(o.mapping))
	if o.stats.Bytes != size {
		errorf("stats say %d bytes, files have %d", o.stats.Bytes, size)
	}
	sh.quotedFields = bytes.Count(o.users, []byte(`,"`)) + bytes.Count(o.groups, []byte(`,"`))
	return sh
}

func TestGenerateClean(t *testing.T) {
	o := generate(t, Options{Users: 2000, Seed: 1})
	sh := checkOrg(t, o)

	n := float64(o.stats.Users)
	ratios := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"users per manager", n / float64(sh.managers), 6.5, 8},
		{"managers of managers per manager", float64(sh.hierarchyTeams) / float64(sh.managers), 0.3, 0.55},
		{"teams per user", float64(o.stats.Teams) / n, 0.17, 0.23},
		{"mappings per user", float64(o.stats.Mappings) / n, 1.3, 1.5},
		{"bytes per user", float64(o.stats.Bytes) / n, 130, 175},
	}
	for _, r := range ratios {
		if r.got < r.lo || r.got > r.hi {
			t.Errorf("%s = %.3f, want %.2f to %.2f", r.name, r.got, r.lo, r.hi)
		}
	}
	if sh.quotedFields < 50 {
		t.Errorf("%d quoted fields, want at least 50 (titles and names with commas and quotes)", sh.quotedFields)
	}
	for _, want := range [][]byte{[]byte(`"Robert ""Bob"""`), []byte("ç"), []byte(`"Manager, `), []byte(imageURLPrefix)} {
		if !bytes.Contains(o.users, want) {
			t.Errorf("users.csv has no %s", want)
		}
	}
}

func TestGenerateSizes(t *testing.T) {
	for _, n := range []int{2, 3, 6, 7, 8, 11, 12, 13, 17, 18, 23, 60, 101, 997} {
		for seed := range int64(3) {
			t.Run(fmt.Sprintf("users=%d/seed=%d", n, seed), func(t *testing.T) {
				checkOrg(t, generate(t, Options{Users: n, Seed: seed}))
			})
		}
	}
}

func TestGenerateSameSeedSameBytes(t *testing.T) {
	a := generate(t, Options{Users: 5000, Seed: 42})
	b := generate(t, Options{Users: 5000, Seed: 42})
	for _, f := range []struct {
		name string
		a, b []byte
	}{
		{"users.csv", a.users, b.users},
		{"groups.csv", a.groups, b.groups},
		{"groups-mapping.csv", a.mapping, b.mapping},
	} {
		if !bytes.Equal(f.a, f.b) {
			t.Errorf("%s differs between two runs with seed 42", f.name)
		}
	}
	if diff := cmp.Diff(a.stats, b.stats); diff != "" {
		t.Errorf("stats differ (-first +second):\n%s", diff)
	}
	c := generate(t, Options{Users: 5000, Seed: 43})
	if bytes.Equal(a.users, c.users) || bytes.Equal(a.mapping, c.mapping) {
		t.Errorf("seeds 42 and 43 give the same files")
	}
}

// TestGenerateGolden pins the bytes of a small org, so that a change to the
// generator (and to benchmark inputs) shows up in review.
func TestGenerateGolden(t *testing.T) {
	o := generate(t, Options{Users: 40, Seed: 7})
	for _, f := range []struct {
		name string
		got  []byte
	}{
		{"users.csv", o.users},
		{"groups.csv", o.groups},
		{"groups-mapping.csv", o.mapping},
	} {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", f.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, f.got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(f.got)); diff != "" {
				t.Errorf("%s changed (-want +got):\n%s", f.name, diff)
			}
		})
	}
}

func TestGenerateBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"zero", Options{}, "users must be at least 2, got 0"},
		{"one", Options{Users: 1}, "users must be at least 2, got 1"},
		{"negative", Options{Users: -5}, "users must be at least 2, got -5"},
		{"too many", Options{Users: MaxUsers + 1}, fmt.Sprintf("users must be at most %d, got %d", MaxUsers, MaxUsers+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(io.Discard, io.Discard, io.Discard, tt.opt)
			if err == nil {
				t.Fatalf("Generate(%+v) = nil error, want %q", tt.opt, tt.want)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestGenerateWriteError(t *testing.T) {
	tests := []struct {
		name                   string
		users, groups, mapping io.Writer
		want                   string
	}{
		{"users", failingWriter{}, io.Discard, io.Discard, "write users: disk full"},
		{"groups", io.Discard, failingWriter{}, io.Discard, "write groups: disk full"},
		{"mapping", io.Discard, io.Discard, failingWriter{}, "write mapping: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.users, tt.groups, tt.mapping, Options{Users: 3000, Seed: 1})
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("Generate error = %v, want %v", err, errDiskFull)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Users: 300, Seed: 3}
	st, err := WriteDir(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	want := generate(t, opt)
	if diff := cmp.Diff(want.stats, st); diff != "" {
		t.Errorf("stats (-Generate +WriteDir):\n%s", diff)
	}
	for _, f := range []struct {
		path string
		want []byte
	}{
		{"Data/users.csv", want.users},
		{"Data/groups.csv", want.groups},
		{"Data/groups-mapping.csv", want.mapping},
	} {
		got, err := os.ReadFile(filepath.Join(dir, f.path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("%s differs from what Generate writes", f.path)
		}
	}

	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Configuration map[string]any
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("config.json: %v", err)
	}
	wantCfg := map[string]any{
		"ApiUrl":           "https://app.officevibe.com",
		"ApiKey":           "",
		"UsersCsv":         "./Data/users.csv",
		"GroupsCsv":        "./Data/groups.csv",
		"MappingCsv":       "./Data/groups-mapping.csv",
		"SyncManagerEmail": "",
		"InviteNewUsers":   false,
	}
	if diff := cmp.Diff(wantCfg, cfg.Configuration); diff != "" {
		t.Errorf("config.json (-want +got):\n%s", diff)
	}
}

func TestWriteDirBadFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteDir(file, Options{Users: 10}); err == nil {
		t.Errorf("WriteDir into a file = nil error, want one")
	}
}

func TestTables(t *testing.T) {
	local := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	for _, tab := range []struct {
		name  string
		names []string
	}{
		{"firstNames", firstNames},
		{"lastNames", lastNames},
		{"departments", departments},
	} {
		t.Run(tab.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, n := range tab.names {
				if n != strings.TrimSpace(n) || n == "" {
					t.Errorf("%q is empty or has surrounding spaces", n)
				}
				if seen[strings.ToLower(n)] {
					t.Errorf("%q appears twice", n)
				}
				seen[strings.ToLower(n)] = true
			}
		})
	}
	t.Run("emailLocal", func(t *testing.T) {
		for _, l := range append(slices.Clone(firstLocals), lastLocals...) {
			if !local.MatchString(l) {
				t.Errorf("e-mail form %q is not lower-case ASCII letters and hyphens", l)
			}
		}
	})
	t.Run("firstNames", func(t *testing.T) {
		// A space in a first name could make two people's team names equal.
		for _, n := range firstNames {
			if strings.Contains(n, " ") {
				t.Errorf("first name %q holds a space", n)
			}
		}
	})
	t.Run("countries", func(t *testing.T) {
		for _, c := range countries {
			for _, l := range c.languages {
				if !slices.Contains(languages, l) {
					t.Errorf("%s: %q is not an Officevibe language", c.name, l)
				}
			}
		}
	})
}

func TestCSVField(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Sales", "Sales"},
		{"Manager, Sales", `"Manager, Sales"`},
		{`Robert "Bob"`, `"Robert ""Bob"""`},
		{" lead", `" lead"`},
		{"a\nb", "\"a\nb\""},
		{"Côte d'Ivoire", "Côte d'Ivoire"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, csvField(tt.in)); diff != "" {
				t.Errorf("csvField (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, string(appendCSV(nil, []byte(tt.in)))); diff != "" {
				t.Errorf("appendCSV (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCivil(t *testing.T) {
	for d := hiringFirstDay; d <= hiringLastDay; d++ {
		y, m, day := civil(d)
		wy, wm, wd := time.Unix(int64(d)*86400, 0).UTC().Date()
		if y != wy || m != int(wm) || day != wd {
			t.Fatalf("civil(%d) = %d-%d-%d, want %d-%d-%d", d, y, m, day, wy, wm, wd)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	opt := Options{Users: 100_000, Seed: 1}
	st, err := Generate(io.Discard, io.Discard, io.Discard, opt)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(io.Discard, io.Discard, io.Discard, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCachedWritesOnceAndReuses(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir, err := Cached(50)
	if err != nil {
		t.Fatal(err)
	}
	users := filepath.Join(dir, "Data", "users.csv")
	first, err := os.Stat(users)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Cached(50)
	if err != nil || again != dir {
		t.Fatalf("Cached again = %q, %v; want %q", again, err, dir)
	}
	if second, _ := os.Stat(users); !second.ModTime().Equal(first.ModTime()) {
		t.Error("the cached org was written again")
	}
}
