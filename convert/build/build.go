// Package build makes the three files of an Officevibe organisation from
// an HR system's employee export: one row per person, with a column naming
// the person's manager. It reads the export through convert's readers
// ([convert.OpenInput]: .xlsx, .xls, .ods, HTML tables and CSV/TSV text in
// any encoding convert detects), finds the header and the columns
// ([hrexport]), and writes:
//
//   - users.csv: the chosen columns only, emails in lower case, languages
//     mapped onto Officevibe's values;
//   - for every person with direct reports, a direct-reports team (the
//     reports as members, the person as manager and not member);
//   - for every manager with a report who manages, a hierarchy team
//     managed by them whose sub-teams are their direct-reports team and
//     the hierarchy (or direct-reports) team of each report who manages;
//   - a segment team per distinct value of each --team-by column;
//   - hand-made teams merged from another folder.
//
// Team ids are made only of stable keys (the manager's id, a segment's
// column and value), so that next month's export keeps them. Defects of
// the export (reporting cycles, unknown managers, duplicate ids or emails,
// values over Officevibe's limits…) stop the run, all of them listed with
// their position, and nothing is written. The output lints with no error
// and no warning.
package build

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ovsync/ovsync/convert"
	"github.com/ovsync/ovsync/convert/hrexport"
	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Columns name the columns of the export by flag; "" leaves a role to
// detection.
type Columns struct {
	ID, Email, FirstName, LastName, Name, JobTitle, Language, Manager string
	// ImageURL is the column of the URL of each person's picture. It is
	// never detected: only what is asked for leaves.
	ImageURL string
	// ManagerKey is the column whose values the manager column holds
	// (a row key of a data-warehouse export, an HR system's internal id).
	// It is never detected.
	ManagerKey string
}

// role returns the flag value of role r.
func (c *Columns) role(r hrexport.Role) string {
	return [...]string{c.ID, c.Email, c.FirstName, c.LastName, c.Name, c.JobTitle, c.Language, c.Manager}[r]
}

// Names are the templates of the names of the teams built, at most 50
// characters once filled in. {name} is the person's name ("First Last"),
// {first}, {last}, {id} and {title} their parts; a segment's {column} and
// {value}. "" takes the default.
type Names struct {
	Direct, Hierarchy, Segment string
}

// The default team name templates.
const (
	DefaultDirect    = "{name} – direct reports"
	DefaultHierarchy = "{name} – full hierarchy"
	DefaultSegment   = "{column}: {value}"
)

// Options say what to build and where to write it.
type Options struct {
	// Input is the export to read; "-" is Stdin.
	Input string
	Stdin io.Reader
	// OutDir is a folder (created if missing) the files go to under their
	// canonical names; Config a config.json (or its folder) whose paths
	// they go to. Exactly one is given.
	OutDir, Config string
	// Format is the file format written: legacy (default) or
	// provisioning.
	Format string
	// Encoding and Delimiter override what is detected of a text export;
	// Sheet chooses the sheet of a workbook.
	Encoding, Delimiter, Sheet string
	// Columns name the columns by flag.
	Columns Columns
	// Where are the filters, COLUMN=VALUE or COLUMN!=VALUE: a row is
	// built only when all hold (values compared without case).
	Where []string
	// TeamBy are the columns whose values make segment teams.
	TeamBy []string
	// Properties are the custom columns of users.csv, [NAME=]COLUMN.
	Properties []string
	// TeamIDPrefix starts every generated team id.
	TeamIDPrefix string
	// Names are the templates of the team names.
	Names Names
	// Add is a folder (or config.json) of hand-made teams and mappings
	// to merge into the output.
	Add string
	// UnknownManagerRoot turns managers the export does not hold into
	// roots with a warning, instead of defects.
	UnknownManagerRoot bool
	// Log receives the columns chosen and the summary table; nil is
	// quiet.
	Log io.Writer
	// Warn receives each warning (a message and a hint, possibly "");
	// nil drops them.
	Warn func(msg, hint string)
	// Keys, when set, knows the API keys of the run: a cell of a column
	// the build writes that holds one whole (in any of its forms) is a
	// defect, named by its cell and never quoted, and nothing is written.
	// A key is a secret, never data; a piece of one inside a value is
	// data and is written as it is.
	Keys *redact.Redactor
}

// keyCells is the kind of the defects of cells holding the API key.
const keyCells = "cells holding the API key"

// holdsKey reports whether v holds an API key the run knows.
func (b *builder) holdsKey(v string) bool { return b.opt.Keys != nil && v != "" && b.opt.Keys.Holds(v) }

// keyDefect is the defect of a cell holding the key: named, never quoted.
func keyDefect(col int, header string) cellDefect {
	return cellDefect{col, keyCells, fmt.Sprintf("%q: the cell holds the API key", header),
		"remove the key from the export: it is a secret, not data (keep it in OFFICEVIBE_API_KEY or a file for --api-key-file)"}
}

// Summary says what was built.
type Summary struct {
	// People is the number of people written; Filtered the rows --where
	// left out.
	People, Filtered int
	// Managers have at least one report; Roots have no manager; Depth is
	// the number of levels of the deepest reporting line.
	Managers, Roots, Depth int
	// ByID, ByEmail and ByKey count the managers found by each kind of
	// value of the manager column.
	ByID, ByEmail, ByKey int
	// Lowered counts the emails written in lower case that were not.
	Lowered int
	// Computed counts the cells of used columns whose formula ovsync
	// computed.
	Computed int
	// Direct, Hierarchy, Segment and HandMade count the teams of each
	// kind; Mappings the rows of the mapping file.
	Direct, Hierarchy, Segment, HandMade, Mappings int
	// Outputs are the files written, users, groups and mapping.
	Outputs [3]string
	// Format is the format written.
	Format *lint.Vocabulary
}

// Run builds the org. An error means nothing was written; the defects of
// the export come back joined (errors.Join), one error each.
func Run(opt Options) (*Summary, error) {
	b, err := newBuilder(opt)
	if err != nil {
		return nil, err
	}
	defer b.close()
	return b.run()
}

// builder holds the state of one run.
type builder struct {
	opt     Options
	vocab   *lint.Vocabulary
	dest    [3]string // users, groups, mapping
	filters []filter
	props   []property
	names   [3]template // direct, hierarchy, segment
	in      *convert.Input
	src     source
	cols    *columns
	sum     Summary
	defects defects
	folders atomicfile.Folders // folders made for the outputs

	people    []person
	byID      map[string]int32
	byEmail   map[string]int32
	exclID    map[string]int32 // id of a row --where left out -> its position
	exclMail  map[string]int32
	keys      map[string]keyRow // --manager-key value -> its row
	segments  []*segmentSet     // by --team-by column
	segOf     []int32           // person*len(segments)+column -> segment, -1 for none
	boss      []int32           // person -> manager, -1 for a root
	depth     []int32
	kids      []int32 // children of each person, in input order (CSR)
	kidAt     []int32 // person -> start in kids; kidAt[n] = len(kids)
	teams     []team
	add       *handMade
	notes     []warning
	langs     map[string]string // language values seen -> Officevibe's, "" for none
	titleKeys map[string]string // job titles -> their keys as lint compares names
}

// warning is a warning of the run, said once the export is known sound.
type warning struct{ msg, hint string }

// newBuilder checks the options.
func newBuilder(opt Options) (*builder, error) {
	b := &builder{opt: opt, vocab: lint.Legacy}
	if opt.Input == "" {
		return nil, errors.New("no input: give the HR export to build from")
	}
	switch {
	case opt.OutDir == "" && opt.Config == "":
		return nil, errors.New("no destination: give --out DIR or --config config.json")
	case opt.OutDir != "" && opt.Config != "":
		return nil, errors.New("give one destination: --out DIR or --config config.json")
	}
	if opt.Format != "" {
		v, err := convert.ParseFormat(opt.Format)
		if err != nil {
			return nil, err
		}
		b.vocab = v
	}
	c := opt.Columns
	if c.Name != "" && (c.FirstName != "" || c.LastName != "") {
		return nil, errors.New("--name holds both names: give it, or --first-name and --last-name, not both")
	}
	for _, w := range opt.Where {
		f, err := parseFilter(w)
		if err != nil {
			return nil, err
		}
		b.filters = append(b.filters, f)
	}
	for _, p := range opt.Properties {
		pr, err := parseProperty(p)
		if err != nil {
			return nil, err
		}
		b.props = append(b.props, pr)
	}
	if err := checkPropertyNames(b.props); err != nil {
		return nil, err
	}
	for _, t := range opt.TeamBy {
		if strings.TrimSpace(t) == "" {
			return nil, errors.New("--team-by: give a column name")
		}
	}
	var err error
	if b.names, err = parseNames(opt.Names); err != nil {
		return nil, err
	}
	if err := b.resolveDest(); err != nil {
		return nil, err
	}
	return b, nil
}

// resolveDest sets the path of each file written.
func (b *builder) resolveDest() error {
	if b.opt.Config != "" {
		path, err := lint.FindConfig(b.opt.Config)
		if err != nil {
			return err
		}
		cfg, _, err := lint.LoadConfig(path, displaypath.Of(path))
		if err != nil {
			return err
		}
		b.dest = [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
		keys := [3]string{"UsersCsv", "GroupsCsv", "MappingCsv"}
		for k, p := range b.dest {
			if p == "" {
				return fmt.Errorf("%s: no path for %s in the config (%s)", displaypath.Of(path), b.vocab.FileNames[k], keys[k])
			}
		}
	} else {
		if st, err := os.Stat(b.opt.OutDir); err == nil && !st.IsDir() {
			return fmt.Errorf("--out %s: not a folder", b.opt.OutDir)
		}
		for k := range b.dest {
			b.dest[k] = filepath.Join(b.opt.OutDir, b.vocab.FileNames[k])
		}
	}
	for k, p := range b.dest {
		for j := range k {
			if atomicfile.SameFile(p, b.dest[j]) {
				return fmt.Errorf("%s and %s would both be written to %s: give them different paths", b.vocab.FileNames[j], b.vocab.FileNames[k], p)
			}
		}
		if b.opt.Input != "-" && atomicfile.SameFile(p, b.opt.Input) {
			return fmt.Errorf("%s would be written over the export it is built from: write the files elsewhere", p)
		}
	}
	return nil
}

// close releases the input.
func (b *builder) close() {
	if b.in != nil {
		b.in.Close()
	}
}

// errAbort stops a write whose problems are already recorded.
var errAbort = errors.New("aborted")

// run reads the export, checks it, builds the teams and writes the files.
func (b *builder) run() (*Summary, error) {
	var err error
	b.in, err = convert.OpenInput(b.opt.Input, convert.ReadOptions{
		Encoding: b.opt.Encoding, Delimiter: b.opt.Delimiter, Stdin: b.opt.Stdin,
		Note: func(s string) { b.logf("%s\n", s) },
	})
	if err != nil {
		return nil, err
	}
	if err := b.findHeader(); err != nil {
		return nil, err
	}
	b.printColumns()
	if b.opt.Add != "" {
		if b.add, err = readHandMade(b.opt.Add); err != nil {
			return nil, err
		}
	}
	var batch atomicfile.Batch
	defer batch.Discard()
	if err := b.makeDirs(); err != nil {
		return nil, err
	}
	fail := func(err error) (*Summary, error) {
		batch.Discard()
		b.folders.Undo()
		return nil, err
	}
	// users.csv is written as the export is read, to a temporary file
	// that replaces nothing unless the whole run succeeds.
	var readErr error
	err = batch.Add(b.dest[lint.KindUsers], func(w io.Writer) error {
		if readErr = b.read(w); readErr != nil {
			return errAbort
		}
		return nil
	})
	switch {
	case readErr != nil:
		return fail(readErr)
	case err != nil:
		return fail(err)
	}
	b.resolveManagers()
	if b.defects.n > 0 {
		return fail(b.defects.err())
	}
	b.buildTeams()
	if b.defects.n > 0 {
		return fail(b.defects.err())
	}
	// The mapping holds team ids only: it is written while the teams are
	// named.
	mapping := make(chan error, 1)
	go func() { mapping <- b.writeMapping(&batch) }()
	b.nameTeams()
	if err := <-mapping; err != nil {
		return fail(err)
	}
	if b.defects.n > 0 {
		return fail(b.defects.err())
	}
	if err := b.writeGroups(&batch); err != nil {
		return fail(err)
	}
	if b.add != nil {
		if err := b.lintMerged(&batch); err != nil {
			return fail(err)
		}
	}
	if err := batch.Commit(); err != nil {
		return fail(err)
	}
	b.sum.Format = b.vocab
	for k, p := range b.dest {
		b.sum.Outputs[k] = displaypath.Of(p)
	}
	for _, w := range b.notes {
		b.warn(w.msg, w.hint)
	}
	if b.opt.Log != nil {
		if err := printSummary(b.opt.Log, &b.sum); err != nil {
			return &b.sum, err
		}
	}
	return &b.sum, nil
}

// logf writes to the log, if any.
func (b *builder) logf(format string, args ...any) {
	if b.opt.Log != nil {
		fmt.Fprintf(b.opt.Log, format, args...)
	}
}

// warn says a warning.
func (b *builder) warn(msg, hint string) {
	if b.opt.Warn != nil {
		b.opt.Warn(msg, hint)
	}
}

// note records a warning, said once the run succeeds.
func (b *builder) note(msg, hint string) { b.notes = append(b.notes, warning{msg, hint}) }

// makeDirs creates the missing folders of the outputs, remembering them so
// that a failed run removes them again.
func (b *builder) makeDirs() error {
	for _, p := range b.dest {
		if err := b.folders.Make(filepath.Dir(p)); err != nil {
			b.folders.Undo()
			return err
		}
	}
	return nil
}
