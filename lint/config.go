package lint

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/editdist"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/loopback"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/redact"
)

// Config is the original tool's config.json, read unchanged:
//
//	{"Configuration": {"ApiUrl": "...", "ApiKey": "", "UsersCsv": "./Data/users.csv", ...}}
type Config struct {
	// Path is the config file's path as given.
	Path string
	// APIURL is ApiUrl: https://app.officevibe.com or the sandbox.
	APIURL string
	// APIKey is ApiKey as written in the file; prefer OFFICEVIBE_API_KEY.
	APIKey string
	// UsersCSV, GroupsCSV and MappingCSV are the CSV paths, resolved
	// against the config file's folder.
	UsersCSV, GroupsCSV, MappingCSV string
	// SyncManagerEmail is where Officevibe sends a notice of a failed sync.
	SyncManagerEmail string
	// InviteNewUsers sends an invitation to every member a sync creates.
	InviteNewUsers bool

	// Folder is set, and Path empty, when the files were found in a
	// folder of org files without config.json ([DataFolder]): the config
	// then holds nothing but the three paths.
	Folder string

	// display and findings are the config's path as displayed and what
	// LoadConfig found in it, for a [Run] given this config; written,
	// null and at are each CSV path as written in the file, whether it is
	// null, and the position of its value, for [Config.CheckFiles].
	display  string
	findings []Finding
	loaded   bool
	written  [3]string
	null     [3]bool
	at       [3][2]int
	// values are the string values of the known keys but ApiKey, with
	// the position of their key, for rule api-key.
	values []configValue
}

// configValue is a string value of config.json at the position of its key.
type configValue struct {
	key, value string
	line, col  int
}

// keyFindings returns an api-key finding for each value of the config
// (ApiKey aside) that holds one of keys whole, at its key, without
// quoting it.
func (c *Config) keyFindings(keys *redact.Redactor) []Finding {
	var out []Finding
	for _, v := range c.values {
		if keys.Holds(v.value) {
			out = append(out, Finding{Rule: RuleAPIKey, Severity: Error, File: c.display, Line: v.line, Column: v.col,
				Field: v.key, Message: v.key + " holds the API key", Key: v.key,
				Hint: "remove it: the key goes in OFFICEVIBE_API_KEY (or ApiKey), and nowhere else"})
		}
	}
	return out
}

// pathKeys are the keys of the three CSV paths, by [Kind].
var pathKeys = [3]string{"UsersCsv", "GroupsCsv", "MappingCsv"}

// configKeys are the keys of the Configuration object, as the original
// tool spells them.
var configKeys = []string{"ApiUrl", "ApiKey", "UsersCsv", "GroupsCsv", "MappingCsv", "SyncManagerEmail", "InviteNewUsers"}

// ConfigError is a config.json that cannot be used: unreadable, not
// JSON, not of the original shape, or a value of the wrong type. It makes
// the run fail (exit status 2).
type ConfigError struct {
	File         string
	Line, Column int
	Msg, Hint    string
}

// Error returns "file:line:col: message", and the hint on a second line.
func (e *ConfigError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d:%d", e.Line, e.Column)
	}
	s += ": " + e.Msg
	if e.Hint != "" {
		s += "\n\thint: " + e.Hint
	}
	return s
}

// ReadPath reads the org a PATH argument names, as every subcommand that
// takes one reads it: a folder of org files without config.json (see
// [DataFolder]) gives a Config that holds only their paths; otherwise the
// config.json that [FindConfig] finds is loaded ([LoadConfig]) and the
// files it names must exist ([Config.CheckFiles]). "" is the current
// folder.
func ReadPath(path string) (*Config, []Finding, error) {
	paths, ok, err := DataFolder(path)
	if err != nil {
		return nil, nil, err
	}
	if ok {
		return &Config{Folder: cmp.Or(path, "."), UsersCSV: paths[KindUsers], GroupsCSV: paths[KindGroups], MappingCSV: paths[KindMapping]}, nil, nil
	}
	cfgPath, err := FindConfig(path)
	if err != nil {
		return nil, nil, err
	}
	cfg, findings, err := LoadConfig(cfgPath, displaypath.Of(cfgPath))
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.CheckFiles(); err != nil {
		return nil, nil, err
	}
	return cfg, findings, nil
}

// FindConfig turns a PATH argument into a config file path: a file is
// taken as is, a folder must hold config.json.
func FindConfig(path string) (string, error) {
	if path == "" {
		path = "."
	}
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s: no such file or folder", path)
		}
		return "", err
	}
	if !st.IsDir() {
		if strings.EqualFold(filepath.Ext(path), ".csv") {
			return "", fmt.Errorf("%s is a CSV file, not a config.json: name the files with --users, --groups and --mapping", path)
		}
		return path, nil
	}
	p := filepath.Join(path, "config.json")
	if _, err := os.Stat(p); err != nil {
		if _, ok, _ := DataFolder(path); ok {
			return "", dataFolderNeedsConfig(path)
		}
		return "", fmt.Errorf("%s: no config.json in this folder (give the config file's path, or --users, --groups and --mapping)", path)
	}
	return p, nil
}

// dataFolderNeedsConfig says why a folder of org files without
// config.json is not enough where a config is needed (plan, push, ping):
// the config names the target, and the record of the last push to it is
// kept beside the config.
func dataFolderNeedsConfig(dir string) error {
	hints := []string{`write a config.json beside them that names them, its ApiUrl the target (see "ovsync push --help")`,
		"to compare them with the last push without a config: ovsync diff STATE " + dir + ", STATE the state file of that push (.ovsync/state.json beside its config)"}
	parent := filepath.Join(dir, "..", "config.json")
	if cfg, _, err := LoadConfig(parent, displaypath.Of(parent)); err == nil && sameFile(filepath.Dir(cfg.UsersCSV), dir) {
		hints = []string{"give the config.json that names these files: " + displaypath.Of(parent)}
	}
	return fmt.Errorf("%s holds the org's files but no config.json: a plan or a push needs one, for its target (ApiUrl) and the record of the last push kept beside it\nhint: %s",
		dir, strings.Join(hints, "\nhint: "))
}

// sameFile reports whether the paths a and b name the same folder.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// LoadConfig reads a config.json of the original tool. Problems that do
// not stop the run come back as findings (rule config) at the position of
// the key; a file that cannot be used is a [*ConfigError].
//
// It reads in phases: the file ([readConfigFile]), the shape
// ([configReader.configuration]), each key ([configReader.readKey]), the
// keys that must be there ([configReader.checkPresent]), then the CSV
// paths against the config's folder ([Config.resolvePaths]).
func LoadConfig(path, display string) (*Config, []Finding, error) {
	raw, err := readConfigFile(path, display)
	if err != nil {
		return nil, nil, err
	}
	r := &configReader{raw: raw, display: display, cfg: &Config{Path: path}}
	keys, confOff, err := r.configuration()
	if err != nil {
		return nil, nil, err
	}
	found := map[string]bool{}
	for _, k := range keys {
		found[k.name] = true
		if err := r.readKey(k); err != nil {
			return nil, nil, err
		}
	}
	if err := r.checkPresent(found, confOff); err != nil {
		return nil, nil, err
	}
	cfg := r.cfg
	cfg.resolvePaths()
	cfg.display, cfg.findings, cfg.loaded = display, r.findings, true
	return cfg, r.findings, nil
}

// readConfigFile reads the config file, without the byte order mark that
// PowerShell's Out-File writes.
func readConfigFile(path, display string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the config: %w", display, fserr.WithoutPath(err))
	}
	return bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF}), nil
}

// configShapeHint is the hint of every error about the config's shape.
const configShapeHint = `the file must look like {"Configuration": {"ApiUrl": "https://app.officevibe.com", "UsersCsv": "./Data/users.csv", ...}}`

// configReader reads the keys of one config file into cfg, gathering the
// findings they give.
type configReader struct {
	raw      []byte
	display  string
	cfg      *Config
	findings []Finding
}

// fail returns the [*ConfigError] of a problem at byte offset off.
func (r *configReader) fail(off int64, msg, hint string) error {
	line, col := offsetPos(r.raw, off)
	return &ConfigError{File: r.display, Line: line, Column: col, Msg: msg, Hint: hint}
}

// note adds a finding of rule config at byte offset off.
func (r *configReader) note(off int64, sev Severity, field, value, msg, hint string) {
	line, col := offsetPos(r.raw, off)
	r.findings = append(r.findings, Finding{Rule: RuleConfig, Severity: sev, File: r.display, Line: line, Column: col,
		Field: field, Value: value, Message: msg, Hint: hint, Key: field})
}

// configuration checks that the file is JSON of the original shape and
// returns the keys of its Configuration object, with the object's offset.
func (r *configReader) configuration() ([]jsonKey, int64, error) {
	var probe any
	if err := json.Unmarshal(r.raw, &probe); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the bytes read, the bad one included.
			return nil, 0, r.fail(se.Offset-1, "not valid JSON: "+se.Error(), configShapeHint)
		}
		return nil, 0, r.fail(0, "not valid JSON: "+err.Error(), configShapeHint)
	}
	top, err := objectKeys(r.raw, 0)
	if err != nil {
		return nil, 0, r.fail(0, "not a JSON object", configShapeHint)
	}
	i := slices.IndexFunc(top, func(k jsonKey) bool { return k.name == "Configuration" })
	if i < 0 {
		return nil, 0, r.fail(0, `no "Configuration" object`, configShapeHint)
	}
	confOff := top[i].valueOff
	keys, err := objectKeys(r.raw[:confOff+int64(len(top[i].value))], confOff)
	if err != nil {
		return nil, 0, r.fail(confOff, `"Configuration" is not an object`, configShapeHint)
	}
	return keys, confOff, nil
}

// readKey reads one key of the Configuration object: an unknown key is a
// warning, a value of the wrong type an error. Findings point at the key,
// errors at the value.
func (r *configReader) readKey(k jsonKey) error {
	if !slices.Contains(configKeys, k.name) {
		hint := "known keys: " + strings.Join(configKeys, ", ")
		if near := nearestKey(k.name); near != "" {
			hint = fmt.Sprintf("did you mean %q?", near)
		}
		r.note(k.off, Warning, k.name, "", fmt.Sprintf("unknown key %q is ignored", k.name), hint)
		return nil
	}
	if k.name == "InviteNewUsers" {
		return r.readInvite(k)
	}
	var s string
	isNull := string(k.value) == "null"
	if !isNull {
		if err := json.Unmarshal(k.value, &s); err != nil {
			return r.fail(k.valueOff, k.name+" must be a string", fmt.Sprintf("write it in quotes: %q: \"...\"", k.name))
		}
	}
	cfg := r.cfg
	if k.name != "ApiKey" {
		line, col := offsetPos(r.raw, k.off)
		cfg.values = append(cfg.values, configValue{key: k.name, value: s, line: line, col: col})
	}
	if kind := slices.Index(pathKeys[:], k.name); kind >= 0 {
		cfg.written[kind], cfg.null[kind] = s, isNull
		cfg.at[kind][0], cfg.at[kind][1] = offsetPos(r.raw, k.valueOff)
	}
	switch k.name {
	case "ApiUrl":
		cfg.APIURL = s
		if msg, hint := checkAPIURL(s); msg != "" {
			r.note(k.off, Error, k.name, s, msg, hint)
		}
	case "ApiKey":
		cfg.APIKey = s
		if s != "" {
			r.note(k.off, Info, k.name, "", "ApiKey is written in the config file",
				"prefer the OFFICEVIBE_API_KEY environment variable, and keep the key out of files")
		}
	case "UsersCsv":
		cfg.UsersCSV = s
	case "GroupsCsv":
		cfg.GroupsCSV = s
	case "MappingCsv":
		cfg.MappingCSV = s
	case "SyncManagerEmail":
		cfg.SyncManagerEmail = s
		if s != "" && !ValidEmail(s) {
			r.note(k.off, Warning, k.name, s, fmt.Sprintf("SyncManagerEmail %q is not a plain email address", s),
				"write one address, like hr-ops@example.com, or leave it empty")
		}
	}
	return nil
}

// readInvite reads InviteNewUsers, a JSON boolean.
func (r *configReader) readInvite(k jsonKey) error {
	if err := json.Unmarshal(k.value, &r.cfg.InviteNewUsers); err != nil {
		return r.fail(k.valueOff, "InviteNewUsers must be true or false", "write it without quotes: \"InviteNewUsers\": false")
	}
	if r.cfg.InviteNewUsers {
		r.note(k.off, Info, k.name, "true", "InviteNewUsers is true: every member the sync creates gets an invitation",
			"on a first import, consider false and invite from the app")
	}
	return nil
}

// checkPresent fails when a CSV path key is missing from the
// Configuration object at confOff, and warns when ApiUrl is.
func (r *configReader) checkPresent(found map[string]bool, confOff int64) error {
	for kind, k := range pathKeys {
		if !found[k] {
			return r.fail(confOff, fmt.Sprintf("%q is missing from Configuration: no %s file to read", k, Kind(kind)),
				fmt.Sprintf(`add the path of the file, relative to the config's folder: "%s": "./Data/%s"`, k, Legacy.FileNames[kind]))
		}
	}
	if !found["ApiUrl"] {
		r.note(confOff, Warning, "ApiUrl", "", `"ApiUrl" is missing: push needs it`,
			`add "ApiUrl": "https://app.officevibe.com" (or https://sandbox.officevibe.com)`)
	}
	return nil
}

// resolvePaths resolves the CSV paths against the config file's folder.
func (c *Config) resolvePaths() {
	dir := filepath.Dir(c.Path)
	c.UsersCSV = resolvePath(dir, c.UsersCSV)
	c.GroupsCSV = resolvePath(dir, c.GroupsCSV)
	c.MappingCSV = resolvePath(dir, c.MappingCSV)
}

// CheckFiles fails with a [*ConfigError] when the config names no CSV
// file to read where every command that reads the org needs one: a path
// that is empty or null (read as no file, it would lint nothing and push
// an org without it), or that names no file or a folder. The error names
// the key, the config file (at the key's value) and the path, with what
// the folder holds instead when a file there has a close name. A file
// that exists but cannot be read is left to its reader, which names it.
//
// [LoadConfig] does not check this: a config also tells "ovsync convert"
// where to write, and there only the files converted need a path.
func (c *Config) CheckFiles() error {
	if c.Folder != "" {
		return nil // DataFolder found every file
	}
	for kind, p := range [3]string{c.UsersCSV, c.GroupsCSV, c.MappingCSV} {
		var msg, hint string
		if p == "" || c.loaded && strings.TrimSpace(c.written[kind]) == "" {
			what := "empty"
			if c.null[kind] {
				what = "null"
			}
			msg = fmt.Sprintf("%s is %s: no %s file to read", pathKeys[kind], what, Kind(kind))
			hint = fmt.Sprintf(`write the path of the file, relative to the config's folder: "%s": "./Data/%s"`, pathKeys[kind], Legacy.FileNames[kind])
			return c.error(Kind(kind), msg, hint)
		}
		st, err := os.Stat(p)
		switch {
		case err == nil && !st.IsDir():
			continue
		case err == nil:
			msg = fmt.Sprintf("%s names %s, which is a folder, not a CSV file", pathKeys[kind], displaypath.Of(p))
			hint = fmt.Sprintf("name the %s file in it", Kind(kind))
		case errors.Is(err, fs.ErrNotExist):
			msg = fmt.Sprintf("%s names %s, which does not exist", pathKeys[kind], displaypath.Of(p))
			hint = missingFileHint(p, c.written[kind])
		default:
			continue
		}
		return c.error(Kind(kind), msg, hint)
	}
	return nil
}

// error returns a [*ConfigError] at the value of kind's path.
func (c *Config) error(kind Kind, msg, hint string) error {
	file := c.display
	if file == "" {
		file = displaypath.Of(c.Path)
	}
	return &ConfigError{File: file, Line: c.at[kind][0], Column: c.at[kind][1], Msg: msg, Hint: hint}
}

// missingFileHint says what to do about a CSV path of the config that does
// not exist: a file of a close name in its folder, or the folder missing.
func missingFileHint(p, written string) string {
	dir := filepath.Dir(p)
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("the folder %s does not exist: paths are read relative to the config's folder", displaypath.Of(dir))
	case err != nil:
		return "write the file's path, relative to the config's folder"
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() {
			files = append(files, e.Name())
		}
	}
	if near := nearNames(files, filepath.Base(p), false); len(near) > 0 {
		hint := fmt.Sprintf("%s holds %s", displaypath.Of(dir), plural.And(near))
		if base := filepath.Base(p); len(near) == 1 && strings.HasSuffix(written, base) {
			hint += fmt.Sprintf(": did you mean %q?", strings.TrimSuffix(written, base)+near[0])
		}
		return hint
	}
	hint := "write the file's path, relative to the config's folder"
	if written != "" {
		hint = fmt.Sprintf("the config says %q, read relative to the config's folder; %s holds %s", written, displaypath.Of(dir), listNames(files, 10))
	}
	return hint
}

// checkAPIURL says what is wrong with an ApiUrl, if anything: it must be
// an absolute https URL, or http to a loopback address (tests).
func checkAPIURL(s string) (msg, hint string) {
	const hint0 = "use https://app.officevibe.com (production) or https://sandbox.officevibe.com (sandbox)"
	if s == "" {
		return "ApiUrl is empty", hint0
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("ApiUrl %q is not an absolute URL", s), hint0
	}
	switch {
	case u.Scheme == "https":
		return "", ""
	case u.Scheme == "http" && loopback.Is(u.Hostname()):
		return "", ""
	}
	return fmt.Sprintf("ApiUrl %q is not https: the API key would travel in clear text", s), hint0
}

// resolvePath resolves a CSV path of the config against the config's
// folder. Backslashes, as a Windows config writes them, are separators.
func resolvePath(dir, p string) string {
	if p == "" {
		return ""
	}
	if runtime.GOOS != "windows" {
		p = strings.ReplaceAll(p, `\`, "/")
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// nearestKey returns the known key a misspelt one most likely means.
func nearestKey(k string) string {
	best, bestDist := "", 4
	for _, known := range configKeys {
		d := editdist.Levenshtein(strings.ToLower(k), strings.ToLower(known))
		if d < bestDist {
			best, bestDist = known, d
		}
	}
	return best
}

// jsonKey is one key of a JSON object with the byte offsets of the key
// and of its value in the file.
type jsonKey struct {
	name          string
	value         json.RawMessage
	off, valueOff int64
}

// objectKeys lists the keys of the JSON object that starts at offset base
// of raw (raw ends with it or later), with their offsets in raw. The
// caller has checked that raw is valid JSON.
func objectKeys(raw []byte, base int64) ([]jsonKey, error) {
	obj := raw[base:]
	dec := json.NewDecoder(bytes.NewReader(obj))
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if t != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	var keys []jsonKey
	for dec.More() {
		off := base + skipSpace(obj, dec.InputOffset())
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := t.(string)
		var v json.RawMessage
		valOff := base + skipSpace(obj, dec.InputOffset())
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		keys = append(keys, jsonKey{name: name, value: v, off: off, valueOff: valOff})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return keys, nil
}

// skipSpace returns the offset of the next byte of b from off that is not
// JSON white space, a comma or a colon.
func skipSpace(b []byte, off int64) int64 {
	for off < int64(len(b)) && strings.IndexByte(" \t\r\n,:", b[off]) >= 0 {
		off++
	}
	return off
}

// offsetPos converts a byte offset of b to a 1-based line and byte column.
func offsetPos(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
