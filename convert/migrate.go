package convert

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
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
	// Redactor knows the API keys of the run; the config's ApiKey is
	// added to it. The new files hold the values as they are, but a field
	// (or a setting of the config) that holds a key whole stops the run,
	// naming the file, line and column, and nothing is written. Nil knows
	// no key.
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
func Migrate(opt MigrateOptions) (_ []Renamed, err error) {
	if opt.Out == "" {
		return nil, errors.New("give the output folder with --out DIR")
	}
	in, cfg, err := migrateInputs(&opt)
	if err != nil {
		return nil, err
	}
	var folders atomicfile.Folders
	// The folders made for the outputs go again if the run fails.
	defer func() {
		if err != nil {
			folders.Undo()
		}
	}()
	out, err := migrateOutputs(opt, in, cfg, &folders)
	if err != nil {
		return nil, err
	}
	renamed, err := writeMigration(opt, in, out, cfg)
	if err != nil {
		return nil, err
	}
	if cfg != nil && strings.TrimSpace(cfg.APIKey) != "" && opt.Log != nil {
		fmt.Fprintf(opt.Log, "%s: ApiKey not copied into %s, so that no new file holds the key: give it to push and ping with OFFICEVIBE_API_KEY or --api-key-file\n",
			displaypath.Of(cfg.Path), displaypath.Of(filepath.Join(opt.Out, "config.json")))
	}
	return renamed, nil
}

// migrateInputs returns the legacy files to migrate (users, groups,
// mapping; "" for one not given), named by the options or by the config
// they find, and that config (nil when the files are named). The config's
// ApiKey joins opt.Redactor (made when nil).
func migrateInputs(opt *MigrateOptions) (in [3]string, cfg *lint.Config, err error) {
	in = [3]string{opt.Users, opt.Groups, opt.Mapping}
	if in == [3]string{} {
		path, err := lint.FindConfig(opt.Config)
		if err != nil {
			return in, nil, err
		}
		if cfg, _, err = lint.LoadConfig(path, displaypath.Of(path)); err != nil {
			return in, nil, err
		}
		if opt.Redactor == nil {
			opt.Redactor = redact.New() // the config's key is known all the same
		}
		opt.Redactor.Add(cfg.APIKey)
		opt.Redactor.Add(strings.TrimSpace(cfg.APIKey))
		in = [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
		for _, s := range []struct{ key, value string }{{"ApiUrl", cfg.APIURL}, {"SyncManagerEmail", cfg.SyncManagerEmail}} {
			if opt.Redactor.Holds(s.value) {
				return in, nil, fmt.Errorf("%s: %s holds the API key: remove it (the key goes in OFFICEVIBE_API_KEY), and migrate again", displaypath.Of(cfg.Path), s.key)
			}
		}
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

// migrateOutputs returns the path of each file (in --out, or in its Data
// folder beside a new config), refusing to write over an input, and then
// makes the folder they go to with folders.
func migrateOutputs(opt MigrateOptions, in [3]string, cfg *lint.Config, folders *atomicfile.Folders) (out [3]string, err error) {
	dataDir := opt.Out
	if cfg != nil {
		dataDir = filepath.Join(opt.Out, "Data")
	}
	for k := range in {
		if in[k] == "" {
			continue
		}
		out[k] = filepath.Join(dataDir, lint.Provisioning.FileNames[k])
		for _, p := range in {
			if p != "" && atomicfile.SameFile(p, out[k]) {
				return out, fmt.Errorf("%s: would overwrite an input file: choose another --out folder", displaypath.Of(out[k]))
			}
		}
	}
	if cfg != nil && atomicfile.SameFile(cfg.Path, filepath.Join(opt.Out, "config.json")) {
		return out, fmt.Errorf("%s: would overwrite the input config: choose another --out folder", displaypath.Of(cfg.Path))
	}
	return out, folders.Make(dataDir)
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
			var err error
			changed, err = migrateFile(kind, in[k], w, opt.Redactor)
			return err
		})
		if err != nil {
			return nil, err
		}
		renamed = append(renamed, changed...)
	}
	if cfg != nil {
		err := batch.Add(filepath.Join(opt.Out, "config.json"), func(w io.Writer) error {
			return writeConfig(w, cfg, out)
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
// returns what it renamed. Values are written as they are; one that holds
// one of keys whole stops it, naming its place.
func migrateFile(kind lint.Kind, path string, w io.Writer, keys *redact.Redactor) ([]Renamed, error) {
	h, err := lint.ReadHeader(lint.Legacy, kind, path)
	if err != nil || h == nil {
		return nil, err // an empty file stays empty
	}
	for i, name := range h.Names {
		if keys.Holds(name) {
			return nil, keyError(fmt.Sprintf("%s:1", displaypath.Of(path)), fmt.Sprintf("column %d of the header", i+1))
		}
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
		for i, v := range row {
			if keys.Holds(v) {
				line, col := rec.Pos(i)
				what := fmt.Sprintf("field %d", i+1)
				if i < len(h.Names) {
					what = h.Names[i]
				}
				return keyError(fmt.Sprintf("%s:%d:%d", displaypath.Of(path), line, col), what)
			}
		}
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

// keyError is the error of a value that holds the API key, at its place
// (file:line:column) and named by what (its column).
func keyError(at, what string) error {
	return fmt.Errorf("%s: %s holds the API key: remove it (the key is a secret, not data), and migrate again", at, what)
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
