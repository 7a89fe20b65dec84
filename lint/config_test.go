package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/displaypath"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name     string
		json     string
		findings []string // "severity line:col message-part"
		err      string   // part of the error, if the config cannot be used
	}{
		{
			name: "the original format",
			json: `{
  "Configuration": {
    "ApiUrl": "https://app.officevibe.com",
    "ApiKey": "",
    "UsersCsv": "./Data/users.csv",
    "GroupsCsv": "./Data/groups.csv",
    "MappingCsv": "./Data/groups-mapping.csv",
    "SyncManagerEmail": "",
    "InviteNewUsers": false
  }
}`,
		},
		{
			name: "typo, key in file, invitations, bad manager email",
			json: "{\"Configuration\": {\n\"ApiUrl\": \"https://sandbox.officevibe.com\",\n\"ApiKey\": \"k\",\n\"UsersCsv\": \"u.csv\", \"GroupsCsv\": \"g.csv\", \"MappingCsv\": \"m.csv\",\n\"SyncManagerEmial\": \"x\",\n\"SyncManagerEmail\": \"not an email\",\n\"InviteNewUsers\": true}}",
			findings: []string{
				"info 3:1 ApiKey is written in the config file",
				"warning 5:1 unknown key \"SyncManagerEmial\" is ignored",
				"warning 6:1 SyncManagerEmail \"not an email\" is not a plain email address",
				"info 7:1 InviteNewUsers is true",
			},
		},
		{
			name:     "http to a remote host",
			json:     `{"Configuration": {"ApiUrl": "http://app.officevibe.com", "UsersCsv": "u", "GroupsCsv": "g", "MappingCsv": "m"}}`,
			findings: []string{"error 1:20 ApiUrl \"http://app.officevibe.com\" is not https"},
		},
		{
			name: "http to loopback is fine",
			json: `{"Configuration": {"ApiUrl": "http://127.0.0.1:8080", "UsersCsv": "u", "GroupsCsv": "g", "MappingCsv": "m"}}`,
		},
		{
			name:     "missing ApiUrl",
			json:     `{"Configuration": {"UsersCsv": "u", "GroupsCsv": "g", "MappingCsv": "m"}}`,
			findings: []string{"warning 1:19 \"ApiUrl\" is missing"},
		},
		{name: "not JSON", json: "{\n  \"Configuration\": {,\n}", err: "cfg.json:2:21: not valid JSON"},
		{name: "a list", json: `[1, 2]`, err: "not a JSON object"},
		{name: "no Configuration", json: `{"Config": {}}`, err: `no "Configuration" object`},
		{name: "Configuration not an object", json: `{"Configuration": "x"}`, err: `"Configuration" is not an object`},
		{name: "InviteNewUsers as a string", json: `{"Configuration": {"InviteNewUsers": "false", "UsersCsv": "u", "GroupsCsv": "g", "MappingCsv": "m"}}`, err: "InviteNewUsers must be true or false"},
		{name: "path not a string", json: `{"Configuration": {"UsersCsv": 5, "GroupsCsv": "g", "MappingCsv": "m"}}`, err: "UsersCsv must be a string"},
		{name: "missing path", json: `{"Configuration": {"ApiUrl": "https://app.officevibe.com", "GroupsCsv": "g", "MappingCsv": "m"}}`, err: `cfg.json:1:19: "UsersCsv" is missing from Configuration: no users file to read`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cfg.json")
			if err := os.WriteFile(path, []byte(tt.json), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, findings, err := LoadConfig(path, "cfg.json")
			if tt.err != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want a ConfigError with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, f := range findings {
				want := ""
				if i < len(tt.findings) {
					want = tt.findings[i]
				}
				prefix := f.Severity.String() + " " + itoa(f.Line) + ":" + itoa(f.Column) + " "
				if strings.HasPrefix(want, prefix) && strings.Contains(f.Message, strings.TrimPrefix(want, prefix)) {
					got = append(got, want)
				} else {
					got = append(got, prefix+f.Message)
				}
			}
			if diff := cmp.Diff(tt.findings, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if cfg.UsersCSV == "" || !filepath.IsAbs(cfg.UsersCSV) && !strings.HasPrefix(cfg.UsersCSV, filepath.Dir(path)) {
				t.Errorf("UsersCSV %q not resolved against the config's folder", cfg.UsersCSV)
			}
		})
	}
}

func TestResolvePathTakesWindowsSeparators(t *testing.T) {
	got := resolvePath("/srv/sync", `.\Data\users.csv`)
	if want := filepath.FromSlash("/srv/sync/Data/users.csv"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzLoadConfig checks that no config makes LoadConfig panic, and that
// every position it gives lies inside the file.
func FuzzLoadConfig(f *testing.F) {
	for _, p := range []string{"../testdata/sample/config.json", "../testdata/broken/config.json"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Configuration": {"ApiUrl": 1}}`))
	f.Add([]byte("{\"Configuration\": {\"UsersCsv\": \"\", \"GroupsCsv\": null, \"MappingCsv\": \"./none.csv\"}}"))
	f.Add([]byte("\xEF\xBB\xBF{\"Configuration\": {\r\n\"UsersCsv\": \"u.csv\", \"GroupsCsv\": \"g\", \"MappingCsv\": \"m\"}}"))
	// One file per fuzzing process: a new directory per input cost more
	// than loading the config.
	path := filepath.Join(f.TempDir(), "c.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), []byte("\n"))
		cfg, findings, err := LoadConfig(path, "c.json")
		if err == nil {
			// The paths, resolved in the fuzzing folder, are only looked
			// at (stat), never read.
			err = cfg.CheckFiles()
		}
		var ce *ConfigError
		if errors.As(err, &ce) {
			if ce.Line != 0 || ce.Column != 0 {
				if ce.Line < 1 || ce.Line > len(lines) || ce.Column < 1 || ce.Column > len(lines[ce.Line-1])+1 {
					t.Fatalf("error at %d:%d, outside the file: %v", ce.Line, ce.Column, err)
				}
			}
			if !utf8.ValidString(ce.Msg) && utf8.Valid(data) {
				t.Fatalf("message not UTF-8: %q", ce.Msg)
			}
		}
		for _, f := range findings {
			if f.Line < 1 || f.Line > len(lines) || f.Column < 1 || f.Column > len(lines[f.Line-1])+1 {
				t.Fatalf("finding outside the file: %v", f)
			}
		}
	})
}

// TestRunWithLoadedConfig lints with a config LoadConfig already read:
// the same report as from its path, config findings included, and
// config.json is not read again (here it is gone).
func TestRunWithLoadedConfig(t *testing.T) {
	t.Chdir("..")
	byPath := runOK(t, Options{Path: "testdata/broken"})
	dir := t.TempDir()
	data := filepath.Join(dir, "Data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"config.json", "Data/users.csv", "Data/groups.csv", "Data/groups-mapping.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata/broken", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(dir, "config.json")
	cfg, _, err := LoadConfig(cfgPath, "testdata/broken/config.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(cfgPath); err != nil {
		t.Fatal(err)
	}
	loaded := runOK(t, Options{Config: cfg})
	strip := func(r *Report) []string {
		var out []string
		for _, f := range r.Findings {
			f.File = filepath.Base(f.File)
			out = append(out, strings.ReplaceAll(f.String(), dir, "testdata/broken"))
		}
		return out
	}
	if diff := cmp.Diff(strip(byPath), strip(loaded)); diff != "" {
		t.Errorf("findings differ (-by path +loaded):\n%s", diff)
	}
	if loaded.Config != "testdata/broken/config.json" || loaded.Summary.Infos != byPath.Summary.Infos {
		t.Errorf("config %q, %d infos; want the displayed path and %d infos", loaded.Config, loaded.Summary.Infos, byPath.Summary.Infos)
	}
}

// TestCheckFiles checks that a CSV path of the config that names no file
// is an error naming the key, the config file at the value, and the path,
// with what the folder holds instead.
func TestCheckFiles(t *testing.T) {
	tests := []struct {
		name      string
		users     string // UsersCsv as written
		raw       string // UsersCsv's JSON value, when not users quoted
		files     []string
		dirs      []string
		msg, hint string
	}{
		{name: "all there", users: "./Data/users.csv", files: []string{"Data/users.csv"}},
		{name: "empty", users: "", files: []string{"Data/users.csv"},
			msg: "UsersCsv is empty: no users file to read", hint: `write the path of the file, relative to the config's folder: "UsersCsv": "./Data/users.csv"`},
		{name: "spaces", users: " \t", files: []string{"Data/users.csv"},
			msg: "UsersCsv is empty: no users file to read", hint: `write the path of the file, relative to the config's folder: "UsersCsv": "./Data/users.csv"`},
		{name: "null", raw: "null", files: []string{"Data/users.csv"},
			msg: "UsersCsv is null: no users file to read", hint: `write the path of the file, relative to the config's folder: "UsersCsv": "./Data/users.csv"`},
		{name: "no such file", users: "./Data/users.csv", files: []string{"Data/people.csv"},
			msg:  "UsersCsv names DIR/Data/users.csv, which does not exist",
			hint: `the config says "./Data/users.csv", read relative to the config's folder; DIR/Data holds groups-mapping.csv, groups.csv, people.csv`},
		{name: "a close name", users: "./Data/user.csv", files: []string{"Data/users.csv"},
			msg:  "UsersCsv names DIR/Data/user.csv, which does not exist",
			hint: `DIR/Data holds users.csv: did you mean "./Data/users.csv"?`},
		{name: "another case", users: `Data\users.csv`, files: []string{"Data/Users.csv"},
			msg:  "UsersCsv names DIR/Data/users.csv, which does not exist",
			hint: `DIR/Data holds Users.csv: did you mean "Data\\Users.csv"?`},
		{name: "no such folder", users: "./Dta/users.csv", files: []string{"Data/users.csv"},
			msg:  "UsersCsv names DIR/Dta/users.csv, which does not exist",
			hint: "the folder DIR/Dta does not exist: paths are read relative to the config's folder"},
		{name: "a folder", users: "./Data", dirs: []string{"Data"},
			msg: "UsersCsv names DIR/Data, which is a folder, not a CSV file", hint: "name the users file in it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, d := range append(tt.dirs, "Data") {
				if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range append(tt.files, "Data/groups.csv", "Data/groups-mapping.csv") {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("id\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "Data", "users.csv")); err == nil && tt.msg != "" && tt.files[0] == "Data/Users.csv" {
				t.Skip("the file system ignores case: Users.csv is users.csv")
			}
			js, _ := json.Marshal(tt.users)
			if tt.raw != "" {
				js = []byte(tt.raw)
			}
			cfgJSON := "{\"Configuration\": {\n  \"UsersCsv\": " + string(js) + ",\n  \"GroupsCsv\": \"./Data/groups.csv\", \"MappingCsv\": \"./Data/groups-mapping.csv\"}}"
			path := filepath.Join(dir, "config.json")
			if err := os.WriteFile(path, []byte(cfgJSON), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, _, err := LoadConfig(path, "cfg.json") // convert writes to paths yet to exist
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.CheckFiles()
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("CheckFiles: %v", err)
				}
				return
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("CheckFiles = %v, want a ConfigError", err)
			}
			fix := func(s string) string { return filepath.ToSlash(strings.ReplaceAll(s, displaypath.Of(dir), "DIR")) }
			got := fmt.Sprintf("%s:%d:%d: %s | %s", ce.File, ce.Line, ce.Column, fix(ce.Msg), fix(ce.Hint))
			want := fmt.Sprintf("cfg.json:2:15: %s | %s", tt.msg, tt.hint)
			if got != want {
				t.Errorf("error:\n got %s\nwant %s", got, want)
			}
			if _, _, err := ReadPath(dir); !errors.As(err, &ce) {
				t.Errorf("ReadPath = %v, want the same ConfigError", err)
			}
		})
	}
}
