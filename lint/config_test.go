package lint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
		{name: "missing path", json: `{"Configuration": {"ApiUrl": "https://app.officevibe.com", "GroupsCsv": "g", "MappingCsv": "m"}}`, err: `"UsersCsv" is missing`},
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
	// One file per fuzzing process: a new directory per input cost more
	// than loading the config.
	path := filepath.Join(f.TempDir(), "c.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(string(data), "\n") + 1
		_, findings, err := LoadConfig(path, "c.json")
		var ce *ConfigError
		if errors.As(err, &ce) && (ce.Line > lines || ce.Line < 0) {
			t.Fatalf("error at line %d of %d", ce.Line, lines)
		}
		for _, f := range findings {
			if f.Line < 1 || f.Line > lines || f.Column < 1 {
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
