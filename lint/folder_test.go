package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/displaypath"
)

// TestDataFolder checks which folders read as an org's files, that all
// three must be there, and what the error says when one is not.
func TestDataFolder(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		ok    bool
		paths [3]string // file names found, by kind
		err   string    // the whole error, DIR for the folder
	}{
		{name: "legacy names", files: []string{"users.csv", "groups.csv", "groups-mapping.csv", "notes.txt"}, ok: true,
			paths: [3]string{"users.csv", "groups.csv", "groups-mapping.csv"}},
		{name: "Workleap names", files: []string{"members.csv", "teams.csv", "teams-mappings.csv"}, ok: true,
			paths: [3]string{"members.csv", "teams.csv", "teams-mappings.csv"}},
		{name: "names in another case", files: []string{"Users.csv", "GROUPS.CSV", "groups-mapping.csv"}, ok: true,
			paths: [3]string{"Users.csv", "GROUPS.CSV", "groups-mapping.csv"}},
		{name: "a config wins", files: []string{"config.json", "users.csv"}},
		{name: "no org file", files: []string{"notes.txt", "budget.csv"}},
		{name: "empty"},
		{name: "a misnamed file", files: []string{"users.csv", "group.csv", "groups-mapping.csv"}, ok: true,
			err: "DIR: groups.csv is missing from this folder of org files (no config.json)\n" +
				"hint: found group.csv: did you mean groups.csv?\n" +
				"hint: a folder without config.json is read as the three files users.csv, groups.csv, groups-mapping.csv: name them so, or give a subset on purpose with --users, --groups and --mapping"},
		{name: "a second extension", files: []string{"users.csv.txt", "groups.csv", "groups-mapping.csv"}, ok: true,
			err: "DIR: users.csv is missing from this folder of org files (no config.json)\n" +
				"hint: found users.csv.txt: did you mean users.csv?\n" +
				"hint: a folder without config.json is read as the three files users.csv, groups.csv, groups-mapping.csv: name them so, or give a subset on purpose with --users, --groups and --mapping"},
		{name: "two missing, one without a close name", files: []string{"users.csv", "group.csv", "links.csv"}, ok: true,
			err: "DIR: groups.csv and groups-mapping.csv are missing from this folder of org files (no config.json)\n" +
				"hint: found group.csv: did you mean groups.csv?\n" +
				"hint: the folder holds group.csv, links.csv, users.csv\n" +
				"hint: a folder without config.json is read as the three files users.csv, groups.csv, groups-mapping.csv: name them so, or give a subset on purpose with --users, --groups and --mapping"},
		{name: "Workleap names, one misspelt", files: []string{"members.csv", "teams.csv", "team-mappings.csv"}, ok: true,
			err: "DIR: teams-mappings.csv is missing from this folder of org files (no config.json)\n" +
				"hint: found team-mappings.csv: did you mean teams-mappings.csv?\n" +
				"hint: a folder without config.json is read as the three files members.csv, teams.csv, teams-mappings.csv: name them so, or give a subset on purpose with --users, --groups and --mapping"},
		{name: "another format's name is no close name", files: []string{"users.csv", "groups.csv", "teams-mappings.csv"}, ok: true,
			err: "DIR: groups-mapping.csv is missing from this folder of org files (no config.json)\n" +
				"hint: the folder holds groups.csv, teams-mappings.csv, users.csv\n" +
				"hint: a folder without config.json is read as the three files users.csv, groups.csv, groups-mapping.csv: name them so, or give a subset on purpose with --users, --groups and --mapping"},
		{name: "only close names", files: []string{"user.csv"}, ok: true,
			err: "DIR: users.csv, groups.csv and groups-mapping.csv are missing from this folder of org files (no config.json)\n" +
				"hint: found user.csv: did you mean users.csv?\n" +
				"hint: the folder holds user.csv\n" +
				"hint: a folder without config.json is read as the three files users.csv, groups.csv, groups-mapping.csv: name them so, or give a subset on purpose with --users, --groups and --mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("id\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) < len(tt.files) {
				t.Skip("the file system ignores case")
			}
			paths, ok, err := DataFolder(dir)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (err %v)", ok, tt.ok, err)
			}
			got := ""
			if err != nil {
				got = strings.ReplaceAll(err.Error(), displaypath.Of(dir), "DIR")
			}
			if diff := cmp.Diff(tt.err, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tt.err != "" {
				return
			}
			var want [3]string
			for k, name := range tt.paths {
				if name != "" {
					want[k] = filepath.Join(dir, name)
				}
			}
			if paths != want {
				t.Errorf("paths = %q, want %q", paths, want)
			}
		})
	}
	for _, p := range []string{"no/such/folder", "folder_test.go"} {
		if _, ok, err := DataFolder(p); ok || err != nil {
			t.Errorf("DataFolder(%q) = %v, %v; want not a folder of org files", p, ok, err)
		}
	}
}

// TestRunDataFolder lints a folder of org files through its PATH, with
// no file not checked, and the current folder when PATH is "".
func TestRunDataFolder(t *testing.T) {
	data, err := filepath.Abs("../testdata/sample/Data")
	if err != nil {
		t.Fatal(err)
	}
	rep := runOK(t, Options{Path: data})
	if rep.Config != "" || rep.Summary.Users != 87 || rep.Summary.NotChecked != nil || len(rep.Findings) != 0 {
		t.Errorf("config %q, %d users, not checked %q, %d findings; want no config, 87 users, all checked, none",
			rep.Config, rep.Summary.Users, rep.Summary.NotChecked, len(rep.Findings))
	}
	t.Chdir(data)
	if rep := runOK(t, Options{}); rep.Summary.Users != 87 {
		t.Errorf("the current folder: %d users, want 87", rep.Summary.Users)
	}
}

// TestNotChecked checks that the summary names the files not given.
func TestNotChecked(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		want []string
	}{
		{Options{Users: "../testdata/sample/Data/users.csv"}, []string{"groups", "mapping"}},
		{Options{Mapping: "../testdata/sample/Data/groups-mapping.csv"}, []string{"users", "groups"}},
		{Options{Users: "../testdata/sample/Data/users.csv", Groups: "../testdata/sample/Data/groups.csv", Mapping: "../testdata/sample/Data/groups-mapping.csv"}, nil},
		{Options{Path: "../testdata/sample"}, nil},
	} {
		rep := runOK(t, tc.opt)
		if diff := cmp.Diff(tc.want, rep.Summary.NotChecked); diff != "" {
			t.Errorf("%+v: not checked (-want +got):\n%s", tc.opt, diff)
		}
	}
}

// TestFindConfigDataFolder checks that a command needing a config, given
// a folder of org files, says why it needs one, and names the config
// above that names the folder's files.
func TestFindConfigDataFolder(t *testing.T) {
	_, err := FindConfig("../testdata/sample/Data")
	want := "../testdata/sample/Data holds the org's files but no config.json: a plan or a push needs one, for its target (ApiUrl) and the record of the last push kept beside it\n" +
		"hint: give the config.json that names these files: " + displaypath.Of("../testdata/sample/config.json")
	if err == nil || err.Error() != want {
		t.Errorf("FindConfig = %v\nwant %s", err, want)
	}
	dir := t.TempDir()
	for _, f := range []string{"users.csv", "groups.csv", "groups-mapping.csv"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("id\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := FindConfig(dir); err == nil || !strings.Contains(err.Error(), "\nhint: write a config.json beside them") {
		t.Errorf("FindConfig = %v, want the hint to write a config", err)
	}
}
