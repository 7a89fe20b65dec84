package convert

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/graph"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// findingKeys lists the findings of a lint run as "kind line rule": the
// columns move when a language name becomes a shorter code.
func findingKeys(t *testing.T, rep *lint.Report) []string {
	t.Helper()
	kinds := map[string]string{rep.Files.Users: "users", rep.Files.Groups: "groups", rep.Files.Mapping: "mapping"}
	var keys []string
	for _, f := range rep.Findings {
		keys = append(keys, kinds[f.File]+" "+strconv.Itoa(f.Line)+" "+f.Rule)
	}
	slices.Sort(keys)
	return keys
}

func dot(t *testing.T, org *lint.Org) string {
	t.Helper()
	g, err := graph.New(org, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := g.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestMigrateRoundTrip migrates orgs and checks that the result is the same
// org: the same lint findings (rule and line; columns move with shorter
// language codes) and the same graph.
func TestMigrateRoundTrip(t *testing.T) {
	orgs := map[string]lint.Options{
		"sample": {Path: "../testdata/sample"},
		"with problems": {
			Users:   writeFile(t, "users.csv", "id,email,firstName,lastName,language,Team\n1,Ana@x.co,Ana,Silva,Français,A\n2,bo@x.co,Bo,,French,B\n3,cy@x.co,Cy,Diaz,,\n"),
			Groups:  writeFile(t, "groups.csv", "id,name\nT-1,One\nT-2,Two\nT-3,Empty\n"),
			Mapping: writeFile(t, "groups-mapping.csv", "groupId,userId,subGroupId,isMember,isManager\nT-1,1,,FALSE,TRUE\nT-1,2,,TRUE,FALSE\nT-2,2,,FALSE,TRUE\nT-2,9,,TRUE,FALSE\nT-1,,T-2,FALSE,FALSE\nT-2,,T-1,FALSE,FALSE\n"),
		},
	}
	for name, in := range orgs {
		t.Run(name, func(t *testing.T) {
			before, err := lint.Run(in)
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if _, err := Migrate(MigrateOptions{Config: in.Path, Users: in.Users, Groups: in.Groups, Mapping: in.Mapping, Out: out}); err != nil {
				t.Fatal(err)
			}
			after := lint.Options{Path: out}
			if in.Path == "" {
				after = lint.Options{Users: filepath.Join(out, "members.csv"), Groups: filepath.Join(out, "teams.csv"), Mapping: filepath.Join(out, "teams-mappings.csv")}
			}
			migrated, err := lint.Run(after)
			if err != nil {
				t.Fatal(err)
			}
			if migrated.Summary.Format != "provisioning" {
				t.Errorf("format %q, want provisioning", migrated.Summary.Format)
			}
			if diff := cmp.Diff(findingKeys(t, before), findingKeys(t, migrated)); diff != "" {
				t.Errorf("findings differ (-legacy +migrated):\n%s", diff)
			}
			if diff := cmp.Diff(dot(t, before.Org), dot(t, migrated.Org)); diff != "" {
				t.Errorf("graphs differ (-legacy +migrated):\n%s", diff)
			}
		})
	}
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMigrateRefusals(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(users, []byte("id,email\n1,a@x.co\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	members := filepath.Join(dir, "members.csv")
	if err := os.WriteFile(members, []byte("externalMemberId,email\n1,a@x.co\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  MigrateOptions
		want string
	}{
		{"no output folder", MigrateOptions{Users: users}, "--out"},
		{"successor files", MigrateOptions{Users: members, Out: t.TempDir()}, "already in the Workleap"},
		{"over its input", MigrateOptions{Mapping: filepath.Join(dir, "teams-mappings.csv"), Groups: filepath.Join(dir, "teams.csv"), Users: users, Out: dir}, "would overwrite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Migrate(tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one with %q", err, tt.want)
			}
		})
	}
}

// TestMigrateAPIKey migrates a config that holds the API key, known to
// a redactor or not (nil): a cell that holds the key whole stops the
// migration, naming its place, and nothing is written; a cell that holds
// a piece of it is data, written as it is, and the new config has no key.
func TestMigrateAPIKey(t *testing.T) {
	const key = "ovk-Migrate-8c1f-44d0-KeyKeyKey"
	for _, tc := range []struct {
		name string
		r    *redact.Redactor
		cell string // the jobTitle
		err  string // "" when it migrates
	}{
		{"whole key, redactor", redact.New(), "Keeper of " + key, "users.csv:2:10: jobTitle holds the API key"},
		{"whole key, nil redactor", nil, strings.ToUpper(key), "users.csv:2:10: jobTitle holds the API key"},
		{"a piece", redact.New(), "Keeper of " + key[4:20], ""},
		{"a piece, nil redactor", nil, key[:len(key)-1], ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte("id,email,jobTitle\n1,a@x.co,"+tc.cell+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := `{"Configuration": {"ApiUrl": "https://app.officevibe.com", "ApiKey": "` + key + `", "UsersCsv": "users.csv", "GroupsCsv": "", "MappingCsv": "", "SyncManagerEmail": "", "InviteNewUsers": false}}`
			if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "new")
			var log bytes.Buffer
			_, err := Migrate(MigrateOptions{Config: dir, Out: out, Redactor: tc.r, Log: &log})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(strings.ToLower(err.Error()), strings.ToLower(key)) {
					t.Fatalf("err = %v, want %q, without the key", err, tc.err)
				}
				if _, err := os.Stat(out); err == nil {
					t.Error("a file or folder was written")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			newCfg, _ := os.ReadFile(filepath.Join(out, "config.json"))
			if !strings.Contains(string(newCfg), `"ApiKey": "",`) || strings.Contains(string(newCfg), key[4:10]) {
				t.Errorf("new config.json holds the key, or no empty ApiKey:\n%s", newCfg)
			}
			members, _ := os.ReadFile(filepath.Join(out, "Data", "members.csv"))
			if want := "1,a@x.co," + tc.cell + "\n"; !strings.HasSuffix(string(members), want) {
				t.Errorf("members.csv:\n%s\nwant its row %q, as written", members, want)
			}
			if !strings.Contains(log.String(), "ApiKey not copied into") {
				t.Errorf("Log = %q, want a note that the key was not copied", log.String())
			}
		})
	}
}
