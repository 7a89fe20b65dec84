package lint

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
)

// Options says what to lint and how.
type Options struct {
	// Path is a config.json, a folder holding one, or a folder of org
	// files without one ([ReadPath]). It is read when no file is given
	// directly and Config is nil; "" means the current folder.
	Path string
	// Config is a config already loaded by [LoadConfig]: its files are
	// linted and its findings reported, without reading config.json again
	// (push reads it once for the key and the service, then lints).
	Config *Config
	// Users, Groups and Mapping lint files without a config; any subset
	// may be given. Cross-file rules run only where both sides are given,
	// and the report's summary names the files not given.
	Users, Groups, Mapping string
	// Severities overrides rule severities by rule ID; Off disables.
	Severities map[string]Severity
	// Schemas adds a user's own JSON Schema per file kind ("users",
	// "groups", "mapping"): the path of the schema file.
	Schemas map[string]string
	// Keys knows the API keys of the run (OFFICEVIBE_API_KEY,
	// --api-key-file): a field of the files, or a value of config.json,
	// that holds one whole is an api-key finding, and no finding quotes
	// one. The ApiKey of the config read is added to it (to a redactor of
	// the run's own when nil).
	Keys *redact.Redactor
	// Rows, if set, is handed each record of the three files in the read
	// that lints them ([Row]), for a tool that needs more of the rows than
	// the model keeps without reading the files again (the plan of a push
	// hashes the values it would send). It is called from two goroutines,
	// one reading the users file, the other the groups file then the
	// mapping file, in file order within each; once more after the
	// last record of each file, with a nil Record.
	Rows func(*Row)
	// Digests has lint take the SHA-256 of each file's bytes in the same
	// read ([Report].Digests).
	Digests bool
	// Model, if set, is called once the files are read and their model
	// built, before the org's rules run over it, so that a tool can start
	// on the model (the report's Org) while lint ends its work. The model
	// is then only read, by lint and by the tool alike: the tool must not
	// change it.
	Model func(*Org)
}

// Run lints an org. A returned error means the run itself failed: usage,
// an unreadable file or config, an unknown rule ID. Problems in the files
// are findings in the report.
func Run(opt Options) (*Report, error) {
	for id := range opt.Severities {
		if _, ok := LookupRule(id); !ok {
			return nil, UnknownRule(id)
		}
	}
	rep := &Report{}
	var cfgFindings []Finding
	keys := opt.Keys
	paths := [3]string{opt.Users, opt.Groups, opt.Mapping}
	if paths == [3]string{} {
		cfg := opt.Config
		if cfg == nil {
			var err error
			if cfg, cfgFindings, err = ReadPath(opt.Path); err != nil {
				return nil, err
			}
		} else {
			if err := cfg.CheckFiles(); err != nil {
				return nil, err
			}
			cfgFindings = slices.Clone(cfg.findings)
		}
		rep.Config = cfg.display
		paths = [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
		if cfg.APIKey != "" {
			if keys == nil {
				keys = redact.New()
			}
			keys.Add(cfg.APIKey)
			keys.Add(strings.TrimSpace(cfg.APIKey))
		}
		cfgFindings = append(cfgFindings, cfg.keyFindings(keys)...)
	}
	userSchemas := [3]*jsonschema.Schema{}
	for kind, p := range opt.Schemas {
		k, err := ParseKind(kind)
		if err != nil {
			return nil, err
		}
		s, err := compileUserSchema(p)
		if err != nil {
			return nil, err
		}
		userSchemas[k] = s
	}
	vocab, err := DetectFormat(paths)
	if err != nil {
		return nil, err
	}
	org, findings, err := read(vocab, paths, readOptions{schemas: userSchemas, keys: keys, rows: opt.Rows, digests: opt.Digests, model: opt.Model})
	if err != nil {
		return nil, err
	}
	rep.Org = org
	rep.Files = org.Files
	if opt.Digests {
		for k, sum := range org.digests {
			if paths[k] != "" {
				rep.Digests[k] = hex.EncodeToString(sum[:])
			}
		}
	}
	if len(cfgFindings) > 0 {
		findings = append(cfgFindings, findings...)
	}
	for i := range findings {
		f := &findings[i]
		if f.Rule == RuleAPIKey {
			rep.KeyFields++
		}
		// A finding quotes values: the org's, exactly, but never a key.
		f.Value, f.Message, f.Hint = keys.MaskWhole(f.Value), keys.MaskWhole(f.Message), keys.MaskWhole(f.Hint)
		for j, p := range f.Path {
			f.Path[j] = keys.MaskWhole(p)
		}
	}
	rep.Findings = applySeverities(findings, opt.Severities)
	SortFindings(rep.Findings)
	fillUTF16Columns(rep.Findings)
	rep.count()
	rep.Summary.Users, rep.Summary.Teams, rep.Summary.Mappings = org.Rows[KindUsers], org.Rows[KindGroups], org.Rows[KindMapping]
	rep.Summary.Format = vocab.Name
	for k, p := range paths {
		if p == "" {
			rep.Summary.NotChecked = append(rep.Summary.NotChecked, Kind(k).String())
		}
	}
	return rep, nil
}

// ParseKind reads a file kind: users, groups or mapping, or their
// successor names members, teams or teams-mappings.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(s) {
	case "users", "members":
		return KindUsers, nil
	case "groups", "teams":
		return KindGroups, nil
	case "mapping", "teams-mappings":
		return KindMapping, nil
	}
	return 0, fmt.Errorf("unknown file kind %q (use users, groups or mapping; members, teams or teams-mappings)", s)
}

// compileUserSchema compiles a user-supplied JSON Schema file.
func compileUserSchema(path string) (*jsonschema.Schema, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the schema: %w", path, fserr.WithoutPath(err))
	}
	defer f.Close()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	url := "file://" + filepath.ToSlash(abs)
	if err := c.AddResource(url, f); err != nil {
		return nil, fmt.Errorf("%s: not a JSON schema: %v", path, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid schema: %v", path, err)
	}
	return s, nil
}

// applySeverities applies the overrides and drops disabled findings.
func applySeverities(fs []Finding, over map[string]Severity) []Finding {
	out := fs[:0]
	for _, f := range fs {
		if s, ok := over[f.Rule]; ok {
			f.Severity = s
		}
		if f.Severity != Off {
			out = append(out, f)
		}
	}
	return out
}

// Read reads the files of an org (paths by kind; "" for a file not
// given) and returns the org model with every finding about it, severities
// not yet overridden; a field that holds one of keys (nil: none) whole is
// an api-key finding. Users are read on one core while groups and mapping
// are read on another; the rules that need both sides run after.
func Read(v *Vocabulary, paths [3]string, userSchemas [3]*jsonschema.Schema, keys *redact.Redactor) (*Org, []Finding, error) {
	return read(v, paths, readOptions{schemas: userSchemas, keys: keys})
}

// readOptions are what [Read] and [Run] read an org with: the users'
// schemas, the keys, and Options.Rows and Options.Digests.
type readOptions struct {
	schemas [3]*jsonschema.Schema
	keys    *redact.Redactor
	rows    func(*Row)
	digests bool
	model   func(*Org)
}

// read reads the files of an org: see [Read].
func read(v *Vocabulary, paths [3]string, opt readOptions) (*Org, []Finding, error) {
	userSchemas, keys := opt.schemas, opt.keys
	org := &Org{Vocabulary: v, userIndex: map[string]int32{}, teamIndex: map[string]int32{}}
	org.Files = Files{Users: displaypath.Of(paths[KindUsers]), Groups: displaypath.Of(paths[KindGroups]), Mapping: displaypath.Of(paths[KindMapping])}
	users := &usersReader{org: org, keys: keys, files: fileOptions{hook: opt.rows}}
	teams := &teamsReader{org: org, keys: keys, groupsFile: fileOptions{hook: opt.rows}, mappingFile: fileOptions{hook: opt.rows}}
	if opt.digests {
		users.files.digest, teams.groupsFile.digest, teams.mappingFile.digest = &org.digests[KindUsers], &org.digests[KindGroups], &org.digests[KindMapping]
	}
	var wg sync.WaitGroup
	var errUsers, errTeams error
	wg.Add(2)
	go func() {
		defer wg.Done()
		if paths[KindUsers] != "" {
			errUsers = users.read(v, paths[KindUsers], org.Files.Users, userSchemas[KindUsers])
		}
	}()
	go func() {
		defer wg.Done()
		if paths[KindGroups] != "" {
			if errTeams = teams.readGroups(v, paths[KindGroups], org.Files.Groups, userSchemas[KindGroups]); errTeams != nil {
				return
			}
		}
		if paths[KindMapping] != "" {
			errTeams = teams.readMapping(v, paths[KindMapping], org.Files.Mapping, userSchemas[KindMapping])
		}
	}()
	wg.Wait()
	if errUsers != nil {
		return nil, nil, errUsers
	}
	if errTeams != nil {
		return nil, nil, errTeams
	}
	org.Rows = [3]int{users.fr.rows, teams.groups.rows, teams.mapping.rows}
	teams.resolveUsers()
	org.teamRows = newAdjacency(len(org.Teams), org.Mappings, func(m *Mapping) int32 { return m.Team })
	teams.checkPairs()
	check := &orgChecker{
		org:        org,
		haveUsers:  paths[KindUsers] != "" && users.usable(),
		haveGroups: paths[KindGroups] != "" && teams.groupsUsable(),
		haveMap:    paths[KindMapping] != "" && teams.mappingUsable(),
	}
	org.Usable = [3]bool{check.haveUsers, check.haveGroups, check.haveMap}
	if opt.model != nil {
		opt.model(org)
	}
	orgFindings := check.run(teams)
	// One array for all of them, sized once: a run with many findings
	// copies them once, not at every growth.
	parts := [][]Finding{users.fr.findings, teams.groups.findings, teams.mapping.findings, orgFindings}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	findings := make([]Finding, 0, n)
	for _, p := range parts {
		findings = append(findings, p...)
	}
	users.fr.findings, teams.groups.findings, teams.mapping.findings = nil, nil, nil
	return org, findings, nil
}
