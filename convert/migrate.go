package convert

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// MigrateOptions says which legacy org to migrate and where to.
type MigrateOptions struct {
	// Config is the legacy config.json (or its folder); used when no file
	// is given directly.
	Config string
	// Users, Groups and Mapping name the legacy files without a config.
	Users, Groups, Mapping string
	// Out is the folder for the successor files. With a config, it gets a
	// config.json and Data/members.csv, Data/teams.csv and
	// Data/teams-mappings.csv; without, the three files.
	Out string
	// Redactor removes the API key from every file written (a key in a
	// cell of the legacy files); the config's ApiKey is added to it. Nil
	// removes nothing.
	Redactor *redact.Redactor
	// Log receives notes (an ApiKey of the config that was not copied);
	// nil is quiet.
	Log io.Writer
}

// Renamed is one name the migration changed, for the report.
type Renamed struct {
	// What is "file", "column" or "values".
	What string
	// From and To are the old and new names (for values, a description).
	From, To string
	// Count is the number of values changed, for "values".
	Count int
}

// Migrate rewrites a legacy Officevibe org (users.csv, groups.csv,
// groups-mapping.csv) in Workleap's API provisioning format: files and
// columns renamed, language names turned into codes, every other column
// and every row kept as written and in order. It reads the rows through
// lint's reader and writes all files or none. It refuses to write over
// its input, and input that is not in the legacy format. The config's
// ApiKey is not copied: the new config.json has an empty ApiKey, and a
// note to opt.Log says where the key goes instead (OFFICEVIBE_API_KEY),
// so that no new file holds the key.
func Migrate(opt MigrateOptions) ([]Renamed, error) {
	if opt.Out == "" {
		return nil, errors.New("give the output folder with --out DIR")
	}
	in, cfg, err := migrateInputs(opt)
	if err != nil {
		return nil, err
	}
	out, err := migrateOutputs(opt, in, cfg)
	if err != nil {
		return nil, err
	}
	renamed, err := writeMigration(opt, in, out, cfg)
	if err != nil {
		return nil, err
	}
	if cfg != nil && strings.TrimSpace(cfg.APIKey) != "" && opt.Log != nil {
		fmt.Fprintf(opt.Log, "%s: ApiKey not copied into %s, so that no new file holds the key: give it to push and ping with OFFICEVIBE_API_KEY or --api-key-file\n",
			lint.DisplayPath(cfg.Path), lint.DisplayPath(filepath.Join(opt.Out, "config.json")))
	}
	return renamed, nil
}

// migrateInputs returns the legacy files to migrate (users, groups,
// mapping; "" for one not given), named by the options or by the config
// they find, and that config (nil when the files are named).
func migrateInputs(opt MigrateOptions) (in [3]string, cfg *lint.Config, err error) {
	in = [3]string{opt.Users, opt.Groups, opt.Mapping}
	if in == [3]string{} {
		path, err := lint.FindConfig(opt.Config)
		if err != nil {
			return in, nil, err
		}
		if cfg, _, err = lint.LoadConfig(path, lint.DisplayPath(path)); err != nil {
			return in, nil, err
		}
		if opt.Redactor != nil {
			opt.Redactor.Add(cfg.APIKey)
			opt.Redactor.Add(strings.TrimSpace(cfg.APIKey))
		}
		in = [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
	}
	v, err := lint.DetectFormat(in)
	if err != nil {
		return in, nil, err
	}
	if v != lint.Legacy {
		return in, nil, errors.New("the files are already in the Workleap API provisioning format")
	}
	return in, cfg, nil
}

// migrateOutputs creates the folder the files go to (--out, or its Data
// folder beside a new config) and returns the path of each, refusing to
// write over an input.
func migrateOutputs(opt MigrateOptions, in [3]string, cfg *lint.Config) ([3]string, error) {
	var out [3]string
	dataDir := opt.Out
	if cfg != nil {
		dataDir = filepath.Join(opt.Out, "Data")
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return out, fmt.Errorf("%s: cannot create the folder: %w", dataDir, err)
	}
	for k := range in {
		if in[k] == "" {
			continue
		}
		out[k] = filepath.Join(dataDir, lint.Provisioning.FileNames[k])
		for _, p := range in {
			if p != "" && sameFile(p, out[k]) {
				return out, fmt.Errorf("%s: would overwrite an input file: choose another --out folder", lint.DisplayPath(out[k]))
			}
		}
	}
	if cfg != nil && sameFile(cfg.Path, filepath.Join(opt.Out, "config.json")) {
		return out, fmt.Errorf("%s: would overwrite the input config: choose another --out folder", lint.DisplayPath(cfg.Path))
	}
	return out, nil
}

// writeMigration writes each file in to out, and a new config beside
// them when cfg is given, all or none; it returns what it renamed.
func writeMigration(opt MigrateOptions, in, out [3]string, cfg *lint.Config) ([]Renamed, error) {
	var batch atomicfile.Batch
	defer batch.Discard()
	var renamed []Renamed
	for k := range in {
		if in[k] == "" {
			continue
		}
		kind := lint.Kind(k)
		renamed = append(renamed, Renamed{What: "file", From: filepath.Base(in[k]), To: lint.Provisioning.FileNames[k]})
		var changed []Renamed
		err := batch.Add(out[k], func(w io.Writer) error {
			rw := opt.Redactor.Writer(w)
			var err error
			if changed, err = migrateFile(kind, in[k], rw); err != nil {
				return err
			}
			return rw.Close()
		})
		if err != nil {
			return nil, err
		}
		renamed = append(renamed, changed...)
	}
	if cfg != nil {
		err := batch.Add(filepath.Join(opt.Out, "config.json"), func(w io.Writer) error {
			rw := opt.Redactor.Writer(w)
			if err := writeConfig(rw, cfg, out); err != nil {
				return err
			}
			return rw.Close()
		})
		if err != nil {
			return nil, err
		}
	}
	if err := batch.Commit(); err != nil {
		return nil, err
	}
	return renamed, nil
}

// migrateFile writes the successor version of one legacy file to w and
// returns what it renamed.
func migrateFile(kind lint.Kind, path string, w io.Writer) ([]Renamed, error) {
	h, err := lint.ReadHeader(lint.Legacy, kind, path)
	if err != nil || h == nil {
		return nil, err // an empty file stays empty
	}
	cw := csv.NewWriter(w)
	var renamed []Renamed
	header := slices.Clone(h.Names)
	for _, role := range lint.Legacy.Roles(kind) {
		i := h.Col(role)
		if i < 0 {
			continue
		}
		if to := lint.Provisioning.Column(kind, role); header[i] != to {
			renamed = append(renamed, Renamed{What: "column", From: header[i], To: to})
			header[i] = to
		}
	}
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	langCol, langChanged := h.Col(lint.UserLanguage), 0
	var row []string
	err = lint.ReadRows(lint.Legacy, kind, path, func(_ *lint.Header, rec *lint.Record) error {
		row = append(row[:0], rec.Fields...)
		if langCol >= 0 && langCol < len(row) {
			if code, ok := languageCode(row[langCol]); ok && code != row[langCol] {
				row[langCol] = code
				langChanged++
			}
		}
		return cw.Write(row)
	})
	if err != nil {
		return nil, err
	}
	if langCol >= 0 {
		renamed = append(renamed, Renamed{What: "values", From: "language names", To: "language codes", Count: langChanged})
	}
	cw.Flush()
	return renamed, cw.Error()
}

// languageCode returns the successor's code of a legacy language name
// ("Français" -> "fr"); ok is false for a value that is no language name,
// which is kept as written (lint then reports it).
func languageCode(name string) (string, bool) {
	i := slices.Index(lint.Legacy.Languages, name)
	if i < 0 {
		return name, name == ""
	}
	return lint.Provisioning.Languages[i], true
}

// writeConfig writes the config of the migrated org: the legacy config's
// settings, with the CSV paths of the new files relative to it, and
// ApiKey empty (a key is given to push from the environment or a file).
func writeConfig(w io.Writer, cfg *lint.Config, out [3]string) error {
	rel := func(p string) string {
		if p == "" {
			return ""
		}
		return "./Data/" + filepath.Base(p)
	}
	// A struct keeps the original tool's key order.
	type configuration struct {
		APIURL           string `json:"ApiUrl"`
		APIKey           string `json:"ApiKey"`
		UsersCSV         string `json:"UsersCsv"`
		GroupsCSV        string `json:"GroupsCsv"`
		MappingCSV       string `json:"MappingCsv"`
		SyncManagerEmail string `json:"SyncManagerEmail"`
		InviteNewUsers   bool   `json:"InviteNewUsers"`
	}
	doc := struct {
		Configuration configuration
	}{configuration{cfg.APIURL, "", rel(out[lint.KindUsers]), rel(out[lint.KindGroups]),
		rel(out[lint.KindMapping]), cfg.SyncManagerEmail, cfg.InviteNewUsers}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// sameFile reports whether a and b name the same file (b may not exist).
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(sa, sb)
	}
	aa, _ := filepath.Abs(a)
	ab, _ := filepath.Abs(b)
	return aa == ab
}
