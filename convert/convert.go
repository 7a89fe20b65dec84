// Package convert turns HR spreadsheets into the three CSV files of an
// Officevibe organisation, exactly as lint and push read them: in the
// legacy format (users.csv, groups.csv, groups-mapping.csv) or in
// Workleap's API provisioning format (members.csv, teams.csv,
// teams-mappings.csv), whichever the sheets' headers are written in.
//
// [Run] reads any number of inputs, whatever their names say: .xlsx
// workbooks ([xlsx]), Excel 97-2003 and 5.0/95 workbooks ([xls]),
// OpenDocument spreadsheets ([ods]), and the text that HR systems save as
// ".xls" (CSV, TSV or semicolon-separated text in UTF-8, UTF-16 or
// Windows-1252, or an HTML table); [Detect] tells them apart from their
// bytes. The three workbook readers hand their sheets, rows and cells
// over in one model ([sheet]); [OpenInput] reads any input the same way
// for other tools (ovsync build). Each sheet becomes the file its header
// row says: the first row, of its first 20, that holds the required
// columns of a file of either format (the column tables of
// [lint.Vocabularies]). Column names are
// matched regardless of case, spaces, underscores and hyphens (First Name
// is firstName); other columns are custom properties and keep their
// names. The sheets of one run must all be in one format. Cells are
// rendered as a person means them ([cellfmt]). A formula without a value
// that can be known for sure (none stored and none computable, or a stale
// stored result, as convert/formula tells) stops the run; values computed
// by ovsync are counted ([SheetResult].Computed). Outputs are written
// atomically and all or nothing: if any input fails, no file is replaced.
//
// Every input is read within bounds that grow with its size, never with
// what it claims, and a file past one is refused naming it: each reader
// states its memory bound in its package doc. An HTML table may have
// 16,384 columns, and lay out one cell for each byte of the page (at
// least 65,536), its merged cells (colspan, rowspan) included. A row of a
// workbook is laid out only as far as its header names columns (a value
// beyond is counted, not kept), and an OpenDocument row holding a value
// may be repeated at most [ods.MaxRepeat] times. Formulas are computed
// within budgets that do not depend on the machine's speed: bytes of text
// ([formula.Budget]) and, for .xlsx, cells read ([xlsx.MaxCalcCells]).
package convert

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ovsync/ovsync/convert/sheet"
	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Options say what to convert and where to write it. Exactly one of
// Config, OutDir and Output names the destination.
type Options struct {
	// Inputs are the files to read; "-" is Stdin.
	Inputs []string
	// Stdin is read for the input "-".
	Stdin io.Reader
	// Config is a config.json (or its folder): each file goes to the
	// path the config gives it (UsersCsv, GroupsCsv, MappingCsv).
	Config string
	// OutDir is a folder: each file goes there under its canonical name
	// in its format (users.csv, groups.csv, groups-mapping.csv, or
	// members.csv, teams.csv, teams-mappings.csv). It is created if
	// missing.
	OutDir string
	// Output is the one file to write, or "-" for Stdout, when the
	// inputs give a single kind (see Kind).
	Output string
	// Stdout receives the file when Output is "-".
	Stdout io.Writer
	// Encoding overrides the detected encoding of text inputs (a WHATWG
	// label: utf-8, utf-16le, windows-1252, …).
	Encoding string
	// Delimiter overrides the detected delimiter of text inputs (see
	// [ParseDelimiter]).
	Delimiter string
	// Sheets, when set, are the only sheets of workbooks converted.
	Sheets []string
	// Kind, when set (users, groups or mapping, see [ParseKind]), is the
	// only kind looked for, in either format.
	Kind string
	// Format, when set (legacy or provisioning, see [ParseFormat]), is the
	// only file format looked for. Without it, the headers tell the
	// format; it is needed only for a header that holds the required
	// columns of both formats, alone in its run.
	Format string
	// Log receives notes and the summary table; nil is quiet.
	Log io.Writer
	// Progress receives a progress line, rewritten in place, while a
	// large input is converted; nil shows none. Give a terminal only.
	Progress io.Writer
	// Redactor knows the API keys of the run; the ApiKey of Config is
	// added to it. The files hold the cells as they are, but a cell that
	// holds a key whole (redact.Redactor.Holds) stops the run, naming the
	// cell, and nothing is written. Nil knows no key.
	Redactor *redact.Redactor
}

// Result says what was converted.
type Result struct {
	// Sheets lists every sheet read, converted or skipped, in input
	// order.
	Sheets []SheetResult
	// Outputs maps each kind written to its path ("-" for stdout).
	Outputs map[lint.Kind]string
	// Format is the format of the files written.
	Format *lint.Vocabulary
}

// SheetResult is one sheet of an input.
type SheetResult struct {
	// File is the input as given; Sheet its sheet name ("" for a text
	// file).
	File, Sheet string
	// Kind is the file the sheet became, when Converted, and Format the
	// format of its header.
	Kind   lint.Kind
	Format *lint.Vocabulary
	// Converted is false for a sheet that was skipped; Skipped says why.
	Converted bool
	Skipped   string
	// Rows is the number of data rows written.
	Rows int
	// Computed is the number of cells written whose value ovsync computed
	// from their formula, the workbook storing none or a stale one.
	Computed int
	// Output is the path written.
	Output string
}

// plan is a sheet to convert.
type plan struct {
	in    *input
	sheet *inputSheet
	head  *header
	res   *SheetResult
}

// converter holds the state of one run.
type converter struct {
	opt     Options
	results []*SheetResult
	kinds   []lint.Kind
	vocabs  []*lint.Vocabulary // the formats looked for
	format  *lint.Vocabulary   // the format of the run, nil until known
	mixed   []*place           // the first sheet of each format, when they mix
	cfg     *lint.Config       // the config given, if any
	dest    map[lint.Kind]string
	notes   []string
	errs    []error
	folders atomicfile.Folders // folders created for outputs
	start   time.Time
	shown   bool // a progress line is on screen
	last    time.Time
}

// Run converts opt.Inputs. An error means nothing was written: it joins
// one error per problem (an input that cannot be read, a sheet without
// the columns it needs, an error cell…), each one line naming the file,
// the sheet and the cell where there is one, and saying what to do.
func Run(opt Options) (*Result, error) {
	c := &converter{opt: opt, start: time.Now()}
	if err := c.setup(); err != nil {
		return nil, validErr(err)
	}
	ro := readOptions{encoding: opt.Encoding, stdin: opt.Stdin, note: c.note}
	if opt.Delimiter != "" {
		ro.delim, _ = ParseDelimiter(opt.Delimiter) // checked in setup
	}
	states, inputs := c.openInputs(ro)
	defer func() {
		for _, in := range inputs {
			in.close()
		}
	}()
	c.detectFormat(states)
	var plans []*plan
	for _, st := range states {
		for _, n := range st.notes {
			c.note(n)
		}
		if st.err != nil {
			c.fail(st.err)
			continue
		}
		plans = append(plans, c.planInput(st)...)
	}
	c.checkSheetsFound(inputs)
	var byKind map[lint.Kind]*plan
	switch {
	case len(c.mixed) > 1:
		c.fail(mixedError(c.mixed))
	case c.resolveDest():
		byKind = c.checkKinds(plans)
	}
	if len(c.errs) == 0 {
		c.write(byKind)
	}
	c.printNotes()
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	res := c.result(byKind)
	if opt.Log != nil {
		if err := printSummary(opt.Log, res.Sheets); err != nil {
			return res, err
		}
	}
	return res, nil
}

// openInputs is the first pass: it opens the inputs and reads the first
// rows of their sheets, so that the format of the run is known before
// any sheet is planned: it settles headers that fit both formats, and
// messages name its files. Notes and problems are kept, to be reported
// in input order all the same. It returns the state of each input, and
// the inputs open.
func (c *converter) openInputs(ro readOptions) (states []*inputState, inputs []*input) {
	for _, path := range c.opt.Inputs {
		st := &inputState{}
		ro := ro
		ro.note = func(s string) { st.notes = append(st.notes, s) }
		st.in, st.err = openInput(path, ro)
		if st.err == nil {
			inputs = append(inputs, st.in)
			c.classifyInput(st)
		}
		states = append(states, st)
	}
	return states, inputs
}

// result says what the run converted, writing byKind.
func (c *converter) result(byKind map[lint.Kind]*plan) *Result {
	res := &Result{Outputs: map[lint.Kind]string{}, Format: c.vocab()}
	for k := range byKind {
		res.Outputs[k] = c.dest[k]
	}
	for _, r := range c.results {
		res.Sheets = append(res.Sheets, *r)
	}
	return res
}

// setup checks the options and resolves the destination of each kind.
func (c *converter) setup() error {
	if err := c.checkOptions(); err != nil {
		return err
	}
	if err := c.lookFor(); err != nil {
		return err
	}
	return c.checkDestination()
}

// checkOptions checks that the options name inputs, one destination, and
// a known encoding and delimiter.
func (c *converter) checkOptions() error {
	opt := c.opt
	if len(opt.Inputs) == 0 {
		return errors.New("no input file: give the spreadsheets to convert")
	}
	n := 0
	for _, s := range []string{opt.Config, opt.OutDir, opt.Output} {
		if s != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return errors.New("no destination: give --out DIR, --config config.json, or -o FILE (- for standard output)")
	case n > 1:
		return errors.New("give one destination: --out DIR, --config config.json or -o FILE")
	}
	if opt.Encoding != "" {
		if _, err := LookupEncoding(opt.Encoding); err != nil {
			return err
		}
	}
	if opt.Delimiter != "" {
		if _, err := ParseDelimiter(opt.Delimiter); err != nil {
			return err
		}
	}
	return nil
}

// lookFor sets the kinds and the formats the run looks for: those --kind
// and --file-format name, or all.
func (c *converter) lookFor() error {
	c.kinds = Kinds
	if c.opt.Kind != "" {
		k, err := ParseKind(c.opt.Kind)
		if err != nil {
			return err
		}
		c.kinds = []lint.Kind{k}
	}
	c.vocabs = lint.Vocabularies
	if c.opt.Format != "" {
		v, err := ParseFormat(c.opt.Format)
		if err != nil {
			return err
		}
		c.vocabs, c.format = []*lint.Vocabulary{v}, v
	}
	return nil
}

// checkDestination reads the config given, or checks that --out is a
// folder and -o a file.
func (c *converter) checkDestination() error {
	opt := c.opt
	switch {
	case opt.Config != "":
		path, err := lint.FindConfig(opt.Config)
		if err != nil {
			return err
		}
		if c.cfg, _, err = lint.LoadConfig(path, path); err != nil {
			return err
		}
		if c.opt.Redactor == nil {
			c.opt.Redactor = redact.New() // the config's key is known all the same
		}
		c.opt.Redactor.Add(c.cfg.APIKey)
		c.opt.Redactor.Add(strings.TrimSpace(c.cfg.APIKey))
	case opt.OutDir != "":
		if st, err := os.Stat(opt.OutDir); err == nil && !st.IsDir() {
			return fmt.Errorf("--out %s: not a folder", opt.OutDir)
		}
	case opt.Output != "-":
		if st, err := os.Stat(opt.Output); err == nil && st.IsDir() {
			return fmt.Errorf("-o %s: a folder: use --out to write the files into a folder", opt.Output)
		}
	}
	return nil
}

// vocab returns the format of the run: the one its sheets are in, legacy
// while none is known.
func (c *converter) vocab() *lint.Vocabulary {
	if c.format != nil {
		return c.format
	}
	return lint.Legacy
}

// resolveDest sets the path of each kind, once the format is known: --out
// names the files as their format does. It reports whether all is well.
func (c *converter) resolveDest() bool {
	v := c.vocab()
	c.dest = map[lint.Kind]string{}
	switch {
	case c.cfg != nil:
		c.dest[lint.KindUsers], c.dest[lint.KindGroups], c.dest[lint.KindMapping] = c.cfg.UsersCSV, c.cfg.GroupsCSV, c.cfg.MappingCSV
		for _, k := range Kinds {
			if c.dest[k] == "" {
				c.failf("%s: no path for %s in the config (%s)", c.cfg.Path, v.FileNames[k], configKey(k))
				return false
			}
		}
	case c.opt.OutDir != "":
		for _, k := range Kinds {
			c.dest[k] = filepath.Join(c.opt.OutDir, v.FileNames[k])
		}
	default:
		for _, k := range Kinds {
			c.dest[k] = c.opt.Output
		}
	}
	return true
}

// configKey is the config.json key of a kind's path.
func configKey(k lint.Kind) string {
	return [...]string{"UsersCsv", "GroupsCsv", "MappingCsv"}[k]
}

// note records a message for the log.
func (c *converter) note(s string) { c.notes = append(c.notes, validText(s)) }

// fail records a problem that stops the run.
func (c *converter) fail(err error) { c.errs = append(c.errs, validErr(err)) }

// failf records a problem that stops the run.
func (c *converter) failf(format string, args ...any) { c.fail(fmt.Errorf(format, args...)) }

// printNotes writes the notes to the log.
func (c *converter) printNotes() {
	if c.opt.Log == nil {
		return
	}
	for _, n := range c.notes {
		fmt.Fprintln(c.opt.Log, n)
	}
}

// selected reports whether sheet name was asked for (any sheet when
// opt.Sheets is empty), and whether it was named.
func (c *converter) selected(name string) (ok, named bool) {
	if len(c.opt.Sheets) == 0 {
		return true, false
	}
	if slices.Contains(c.opt.Sheets, name) {
		return true, true
	}
	return false, false
}

// inputState is an input after the first pass: open (or why not), the
// notes its reading made, and what the first rows of its sheets say.
type inputState struct {
	in     *input
	err    error
	notes  []string
	sheets []sheetState // by index in in.sheets
}

// sheetState is what the first pass found out about a sheet.
type sheetState struct {
	skip   bool // a sheet of a workbook not chosen with --sheet
	hidden bool // a hidden sheet not named with --sheet
	named  bool // named with --sheet
	cl     *classification
	err    error // the sheet could not be read
}

// place is a sheet and its header, for messages.
type place struct {
	where string
	head  *header
}

// classifyInput reads the first rows of the sheets of an input to
// convert.
func (c *converter) classifyInput(st *inputState) {
	in := st.in
	textFile := len(in.sheets) == 1 && in.sheets[0].name == ""
	st.sheets = make([]sheetState, len(in.sheets))
	for i, s := range in.sheets {
		ss := &st.sheets[i]
		ok, named := c.selected(s.name)
		ss.named = named
		if !ok && !textFile {
			ss.skip = true
			continue
		}
		if s.hidden && !named {
			ss.hidden = true
			continue
		}
		rd, err := s.open()
		if err != nil {
			ss.err = err
			continue
		}
		ss.cl, ss.err = classify(rd, c.vocabs, c.kinds)
		rd.Close()
	}
}

// detectFormat sets the format of the run from the sheets whose headers
// are in one format: the first sheet of each format is kept in c.mixed
// when there are two.
func (c *converter) detectFormat(states []*inputState) {
	if c.format != nil {
		return
	}
	for _, st := range states {
		for i, ss := range st.sheets {
			if ss.cl == nil || ss.cl.format() == nil {
				continue
			}
			v := ss.cl.format()
			known := false
			for _, p := range c.mixed {
				known = known || p.head.vocab == v
			}
			if !known {
				c.mixed = append(c.mixed, &place{where: st.in.display(st.in.sheets[i]), head: ss.cl.cands[0]})
			}
		}
	}
	if len(c.mixed) == 1 {
		c.format = c.mixed[0].head.vocab
	}
}

// mixedError is the error of a run whose sheets are in two formats.
func mixedError(mixed []*place) error {
	a, b := mixed[0], mixed[1]
	return fmt.Errorf("the inputs mix two formats: %s has the header of %s (%s format) but %s has the header of %s (%s format): rename the columns of one, or convert the legacy sheets alone and run \"ovsync migrate\" on the files",
		a.where, a.head.file(), a.head.vocab.Title, b.where, b.head.file(), b.head.vocab.Title)
}

// planInput decides what each sheet of an input becomes, and returns
// those to convert. Problems are recorded; skipped sheets are noted.
func (c *converter) planInput(st *inputState) []*plan {
	in := st.in
	var plans []*plan
	var skips []skipped
	for i, s := range in.sheets {
		if st.sheets[i].skip {
			continue
		}
		p, skip := c.planSheet(in, s, st.sheets[i])
		if p != nil {
			plans = append(plans, p)
		}
		if skip != nil {
			skips = append(skips, *skip)
		}
	}
	if len(in.sheets) == 0 {
		c.failf("%s: the workbook has no worksheet: save the data in a sheet, or export it again", in.path)
		return nil
	}
	c.reportSkips(skips, len(plans) > 0)
	return plans
}

// skipped is a sheet of a workbook without a header (or empty), reported
// once the workbook's other sheets are planned.
type skipped struct {
	res  *SheetResult
	why  string
	cl   *classification
	name string
}

// planSheet decides what sheet s of in becomes, from what the first pass
// found out (ss): a plan to convert it, a sheet skipped for want of a
// header, or neither (a problem recorded, or a hidden sheet noted).
func (c *converter) planSheet(in *input, s *inputSheet, ss sheetState) (*plan, *skipped) {
	r := &SheetResult{File: in.path, Sheet: s.name}
	c.results = append(c.results, r)
	where := in.display(s)
	if ss.hidden {
		r.Skipped = "hidden"
		c.note(fmt.Sprintf("%s: skipped: a hidden sheet (name it with --sheet to convert it)", where))
		return nil, nil
	}
	if ss.err != nil {
		c.failf("%s: %w", in.path, ss.err)
		return nil, nil
	}
	cl := ss.cl
	must := ss.named || len(in.sheets) == 1
	h, cands := cl.choose(c.format)
	switch {
	case cl.rival != nil:
		c.fail(rivalError(where, cl.rival, cands))
	case h != nil:
		if err := h.duplicate(); err != nil {
			c.failf("%s: %w", where, err)
			return nil, nil
		}
		r.Kind, r.Format, r.Converted = h.kind, h.vocab, true
		return &plan{in: in, sheet: s, head: h, res: r}, nil
	case len(cands) > 1:
		c.fail(ambiguityError(where, cands))
	case cl.export == "" && cl.partial(c.vocab()) != nil:
		c.fail(partialError(where, cl.partial(c.vocab())))
	case cl.empty:
		r.Skipped = "empty"
		if !must {
			return nil, &skipped{r, "empty", cl, where}
		}
		c.failf("%s: the sheet is empty: export the data again, or choose another sheet", where)
	default:
		r.Skipped = "no header"
		if !must {
			return nil, &skipped{r, "no header", cl, where}
		}
		c.fail(c.noHeader(where, cl))
	}
	return nil, nil
}

// reportSkips reports the sheets of a workbook skipped: noted when
// another of its sheets converts (converted), an error otherwise.
func (c *converter) reportSkips(skips []skipped, converted bool) {
	for _, s := range skips {
		switch {
		case !converted && s.why == "empty":
			c.failf("%s: the sheet is empty, and no other sheet has a header: export the data again", s.name)
		case !converted:
			c.fail(c.noHeader(s.name, s.cl))
		case s.why == "empty":
			c.note(fmt.Sprintf("%s: skipped: the sheet is empty", s.name))
		default:
			c.note(fmt.Sprintf("%s: skipped: %s", s.name, c.skipText(s.cl)))
		}
	}
}

// partialError is the error of a sheet whose closest match to a header,
// h, lacks required columns.
func partialError(where string, h *header) error {
	return fmt.Errorf("%s: %s looks like the header of %s but lacks %s: name the columns as in %s", where, h.at,
		h.file(), columnList(h.missing), requiredList(h.vocab, h.kind))
}

// rivalError is the error of a header row that holds the required
// columns of cands but more columns of another file, rival, which lacks
// some of its own: --kind settles it when the two are files of one
// format.
func rivalError(where string, rival *header, cands []*header) error {
	err := partialError(where, rival)
	var kinds, files []string
	for _, h := range cands {
		if h.vocab != rival.vocab || h.kind == rival.kind {
			return err
		}
		kinds, files = append(kinds, h.kind.String()), append(files, h.file())
	}
	return fmt.Errorf("%w, or give --kind %s to convert it as %s", err, strings.Join(kinds, "|"), plural.Or(files))
}

// ambiguityError is the error of a header row that fits several files
// equally well: of one format, --kind chooses; of two, --file-format.
func ambiguityError(where string, cands []*header) error {
	var names, kinds, formats []string
	sameVocab := true
	for _, h := range cands {
		sameVocab = sameVocab && h.vocab == cands[0].vocab
		if !slices.Contains(kinds, h.kind.String()) {
			kinds = append(kinds, h.kind.String())
		}
		if !slices.Contains(formats, h.vocab.Name) {
			formats = append(formats, h.vocab.Name)
		}
	}
	if sameVocab {
		for _, h := range cands {
			names = append(names, kindLabel(h.vocab, h.kind))
		}
		return fmt.Errorf("%s: the header (%s) has the columns of both %s: choose with --kind %s",
			where, cands[0].at, plural.And(names), strings.Join(kinds, "|"))
	}
	for _, h := range cands {
		names = append(names, fmt.Sprintf("%s (%s)", h.file(), h.vocab.Name))
	}
	choose := "--file-format " + strings.Join(formats, "|")
	if len(kinds) > 1 {
		choose += " and --kind " + strings.Join(kinds, "|")
	}
	return fmt.Errorf("%s: the header (%s) has the columns of %s: choose with %s",
		where, cands[0].at, plural.And(names), choose)
}

// noHeader is the error of a sheet without a header row.
func (c *converter) noHeader(where string, cl *classification) error {
	if cl.export != "" {
		return fmt.Errorf("%s: an employee export, not one of the three files: %s\nhint: \"ovsync build FILE --out DIR\" makes the three files from it, with every manager's teams (see \"ovsync build --help\")", where, cl.export)
	}
	return fmt.Errorf("%s: %s: give the header those column names", where, c.noHeaderText(cl))
}

// noHeaderText says that a sheet has no header row of the run's format,
// and what it has.
func (c *converter) noHeaderText(cl *classification) string {
	s := fmt.Sprintf("no header: none of the first %d rows has the columns of %s", headerRows, allRequiredLists(c.vocab(), c.kinds))
	if len(cl.first) > 0 {
		s += fmt.Sprintf(" (%s reads %s)", cl.firstAt, plural.Quoted(cl.first, 80))
	}
	return s
}

// skipText says briefly why a sheet of a workbook was skipped.
func (c *converter) skipText(cl *classification) string {
	if cl.export != "" {
		return "an employee export (" + cl.export + "): ovsync build reads it"
	}
	var names []string
	for _, k := range c.kinds {
		names = append(names, c.vocab().FileNames[k])
	}
	s := fmt.Sprintf("no header of %s in its first %d rows", strings.Join(names, ", "), headerRows)
	if len(cl.first) > 0 {
		s += fmt.Sprintf(" (%s reads %s)", cl.firstAt, plural.Quoted(cl.first, 60))
	}
	return s
}

// columnList quotes column names: "email" or "email" and "id".
func columnList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = strconv.Quote(c)
	}
	if len(q) == 1 {
		return "the column " + q[0]
	}
	return "the columns " + plural.And(q)
}

// checkSheetsFound reports the --sheet names that no workbook has.
func (c *converter) checkSheetsFound(inputs []*input) {
	for _, want := range c.opt.Sheets {
		found := false
		var all []string
		for _, in := range inputs {
			for _, s := range in.sheets {
				if s.name == want || s.name == "" {
					found = true
				}
				if s.name != "" {
					all = append(all, s.name)
				}
			}
		}
		if !found && len(inputs) > 0 {
			c.failf("--sheet %q: no such sheet (the sheets are %s)", want, plural.Quoted(all, 200))
		}
	}
}

// checkKinds checks that each kind comes from one sheet, and that a
// single output gets a single kind. It returns the plan of each kind.
func (c *converter) checkKinds(plans []*plan) map[lint.Kind]*plan {
	byKind := map[lint.Kind]*plan{}
	for _, p := range plans {
		if q, dup := byKind[p.head.kind]; dup {
			c.failf("%s and %s both have the header of %s: convert one at a time, or choose one with --sheet",
				q.in.display(q.sheet), p.in.display(p.sheet), p.head.file())
			continue
		}
		byKind[p.head.kind] = p
	}
	if c.opt.Output != "" && len(byKind) > 1 {
		var names, kinds []string
		for _, k := range Kinds {
			if p := byKind[k]; p != nil {
				names = append(names, kindLabel(p.head.vocab, k))
				kinds = append(kinds, k.String())
			}
		}
		c.failf("the input gives %s: -o writes one file: choose one with --kind %s, or write all with --out DIR",
			strings.Join(names, ", "), strings.Join(kinds, "|"))
	}
	if len(c.errs) == 0 && len(byKind) == 0 && len(plans) == 0 {
		c.fail(errors.New("nothing to convert"))
	}
	// Two kinds to one path (a config naming the same file twice).
	for i, k := range Kinds {
		if byKind[k] == nil || c.opt.Output != "" {
			continue
		}
		// The nearest earlier kind to the same path is named.
		for _, j := range slices.Backward(Kinds[:i]) {
			if byKind[j] != nil && atomicfile.SameFile(c.dest[j], c.dest[k]) {
				c.failf("%s and %s would both be written to %s: give them different paths", c.vocab().FileNames[j], c.vocab().FileNames[k], c.dest[k])
				break
			}
		}
	}
	return byKind
}

// write converts the plans into their outputs, replacing the outputs only
// if every sheet converts.
func (c *converter) write(byKind map[lint.Kind]*plan) {
	var kinds []lint.Kind
	for _, k := range Kinds {
		if byKind[k] != nil {
			kinds = append(kinds, k)
		}
	}
	paths, tmp, ok := c.outputPaths(kinds)
	if tmp != "" {
		defer os.Remove(tmp)
	}
	if !ok {
		return
	}
	// Every output is written to a temporary file first; they replace
	// their targets together, and only if every sheet converted.
	var batch atomicfile.Batch
	defer batch.Discard()
	c.convertAll(&batch, byKind, kinds, paths)
	c.clearProgress()
	if len(c.errs) > 0 {
		c.folders.Undo()
		return
	}
	if err := batch.Commit(); err != nil {
		c.fail(err)
		c.folders.Undo()
		return
	}
	if tmp != "" {
		c.copyToStdout(tmp)
	}
}

// outputPaths returns the path each kind is written to, creating the
// folders missing: standard output gets a temporary file, tmp, copied
// once all is well. It reports whether all is well.
func (c *converter) outputPaths(kinds []lint.Kind) (paths []string, tmp string, ok bool) {
	paths = make([]string, len(kinds))
	for i, k := range kinds {
		paths[i] = c.dest[k]
		if paths[i] == "-" {
			f, err := os.CreateTemp("", "ovsync-*.csv")
			if err != nil {
				c.fail(err)
				return nil, tmp, false
			}
			f.Close()
			tmp = f.Name()
			paths[i] = tmp
		}
		if err := c.folders.Make(filepath.Dir(paths[i])); err != nil {
			c.fail(err)
			c.folders.Undo()
			return nil, tmp, false
		}
	}
	return paths, tmp, true
}

// convertAll converts the sheet of each kind into its path in batch.
func (c *converter) convertAll(batch *atomicfile.Batch, byKind map[lint.Kind]*plan, kinds []lint.Kind, paths []string) {
	for i, k := range kinds {
		p := byKind[k]
		err := batch.Add(paths[i], func(w io.Writer) error {
			if err := c.convertSheet(p, w); err != nil {
				c.fail(err)
				return errAbort
			}
			return nil
		})
		if err != nil && !errors.Is(err, errAbort) {
			c.fail(err)
		}
		p.res.Output = displaypath.Of(c.dest[k])
		if c.dest[k] == "-" {
			p.res.Output = "stdout"
		}
	}
}

// copyToStdout copies the file tmp, written whole, to standard output.
func (c *converter) copyToStdout(tmp string) {
	f, err := os.Open(tmp)
	if err != nil {
		c.fail(err)
		return
	}
	defer f.Close()
	if _, err := io.Copy(c.opt.Stdout, f); err != nil {
		c.fail(fmt.Errorf("standard output: %w", err))
	}
}

// errAbort stops the writes after problems already recorded.
var errAbort = errors.New("aborted")

// maxListed bounds the places listed in one message.
const maxListed = 10

// places collects the names of places for one message: the first few,
// and a count.
type places struct {
	names []string
	n     int
}

func (p *places) add(name string) {
	if len(p.names) < maxListed {
		p.names = append(p.names, name)
	}
	p.n++
}

// String lists the places: "row 7, row 9 and 3 more".
func (p *places) String() string {
	s := strings.Join(p.names, ", ")
	if p.n > len(p.names) {
		s += fmt.Sprintf(" and %d more", p.n-len(p.names))
	}
	return s
}

// convertSheet streams the rows of a planned sheet below its header to w
// as CSV. It returns the first problem that makes the sheet unusable.
func (c *converter) convertSheet(p *plan, w io.Writer) error {
	rd, err := p.sheet.open()
	if err != nil {
		return fmt.Errorf("%s: %w", p.in.path, err)
	}
	defer rd.Close()
	sc := c.startSheet(p, rd, w)
	if err := sc.writeHeader(); err != nil {
		return err
	}
	if err := sc.convertRows(); err != nil {
		return err
	}
	p.res.Rows = sc.rows
	p.res.Computed = sc.computed
	return sc.verdict()
}

// sheetConversion is one planned sheet being converted: its reader, its
// CSV writer, and what its rows have shown so far, for the notes and
// problems reported once they are all read.
type sheetConversion struct {
	c      *converter
	p      *plan
	where  string
	rd     rowReader
	lim    sheet.Limiter // nil for a reader that keeps every column
	cw     *csv.Writer
	out    []string // the header written
	rec    []string // the record of the current row
	isText bool

	keyCells places   // cells that hold the API key whole: never written
	errCells places   // error cells
	unknown  places   // formulas whose value cannot be known
	why      string   // the reason given for the first of them
	computed int      // cells whose value ovsync computed
	empty    places   // empty rows followed by data
	pending  []string // empty rows not yet followed by data
	npending int
	outside  places // values in columns without a header
	prev     int    // the last row read
	rows     int    // rows written
}

// startSheet prepares the conversion of the sheet p, read by rd, to w.
func (c *converter) startSheet(p *plan, rd rowReader, w io.Writer) *sheetConversion {
	h := p.head
	lim, _ := rd.(sheet.Limiter)
	if lim != nil {
		lim.Limit(len(h.names)) // columns past the header are only counted
	}
	cw := csv.NewWriter(w)
	return &sheetConversion{c: c, p: p, where: p.in.display(p.sheet), rd: rd, lim: lim, cw: cw,
		prev: h.row, isText: p.in.format == FormatText}
}

// writeHeader writes the header row, its names in order, and notes what
// became of the header.
func (sc *sheetConversion) writeHeader() error {
	h := sc.p.head
	var out []string
	for i, n := range h.names {
		if n != "" {
			if sc.c.opt.Redactor.Holds(h.raw[i]) {
				sc.keyCells.add(h.refs[i])
				n = ""
			}
			out = append(out, n)
		}
	}
	if err := sc.cw.Write(out); err != nil {
		return err
	}
	sc.out, sc.rec = out, make([]string, 0, len(out))
	if len(h.renamed) > 0 {
		sc.c.note(fmt.Sprintf("%s: renamed columns: %s", sc.where, strings.Join(h.renamed, ", ")))
	}
	if h.row > 0 {
		sc.c.note(fmt.Sprintf("%s: the header is on %s: the rows above it are skipped", sc.where, h.at))
	}
	return nil
}

// convertRows writes a record for each row below the header that holds
// a value, counting the empty ones, and flushes the output.
func (sc *sheetConversion) convertRows() error {
	rd := sc.rd
	for rd.Next() {
		row := rd.Row()
		if row <= sc.p.head.row {
			continue
		}
		if row%4096 == 0 {
			sc.c.progress(sc.where, rd)
		}
		// Rows a workbook does not store are empty.
		for r := sc.prev + 1; r < row && len(sc.pending) < maxListed; r++ {
			sc.pending = append(sc.pending, rowName(r))
		}
		sc.npending += max(0, row-sc.prev-1)
		sc.prev = row
		blank, err := sc.record()
		if err != nil {
			return err
		}
		if blank {
			if len(sc.pending) < maxListed {
				sc.pending = append(sc.pending, rd.RowName())
			}
			sc.npending++
			continue
		}
		if err := sc.writeRecord(); err != nil {
			return err
		}
	}
	if err := rd.Err(); err != nil {
		return fmt.Errorf("%s: %w", sc.p.in.path, err)
	}
	sc.cw.Flush()
	return sc.cw.Error()
}

// record makes the record of the current row from its cells under the
// header's names, noting the cells to report: it reports a row with no
// value to write as blank.
func (sc *sheetConversion) record() (blank bool, err error) {
	rd, h := sc.rd, sc.p.head
	rec := sc.rec[:0]
	blank = true
	for col := 0; col < rd.Len(); col++ {
		v, e := rd.Cell(col)
		named := col < len(h.names) && h.names[col] != ""
		comp, unk := rd.Formula(col)
		switch {
		case named && unk != "":
			if sc.unknown.n == 0 {
				sc.why = unk
			}
			sc.unknown.add(rd.CellName(col))
			blank = false
			rec = append(rec, "")
			continue
		case named && comp:
			sc.computed++
		}
		switch {
		case !named && (v != "" || e != ""):
			if sc.isText && col >= len(h.names) {
				return false, fmt.Errorf("%s: %s has %d fields, the header %d: quote the fields that hold the delimiter (%s), or give --delimiter",
					sc.where, rd.RowName(), rd.Len(), len(h.names), DelimiterName(sc.p.in.delim))
			}
			sc.outside.add(rd.CellName(col))
		case !named:
		case e != "":
			sc.errCells.add(fmt.Sprintf("%s (%s)", rd.CellName(col), e))
			blank = false
			rec = append(rec, "")
		default:
			if v != "" {
				blank = false
			}
			// The one place where cells become fields: a cell is
			// written as it is, unless it holds the key whole.
			if sc.c.opt.Redactor.Holds(v) {
				sc.keyCells.add(rd.CellName(col))
				v = ""
			}
			rec = append(rec, v)
		}
	}
	sc.rec = rec
	if sc.lim != nil {
		if n, col := sc.lim.Beyond(); n > 0 {
			sc.outside.add(rd.CellName(col))
			sc.outside.n += n - 1
		}
	}
	return blank, nil
}

// writeRecord writes the record of the current row, the empty rows
// before it now known to be followed by data.
func (sc *sheetConversion) writeRecord() error {
	rec := sc.rec
	for len(rec) < len(sc.out) {
		rec = append(rec, "")
	}
	sc.rec = rec
	for _, name := range sc.pending {
		sc.empty.add(name)
	}
	sc.empty.n += sc.npending - len(sc.pending)
	sc.pending, sc.npending = sc.pending[:0], 0
	if err := sc.cw.Write(rec); err != nil {
		return err
	}
	sc.rows++
	return nil
}

// verdict notes what the rows showed, once all are read, and returns the
// first problem that makes the sheet unusable.
func (sc *sheetConversion) verdict() error {
	c, p, h, where := sc.c, sc.p, sc.p.head, sc.where
	if sc.keyCells.n > 0 {
		return fmt.Errorf("%s: the API key is in %s: %s: remove it from the file (the key is a secret, not data), and convert again",
			p.in.path, plural.Count(sc.keyCells.n, "cell", "cells"), sc.keyCells.String())
	}
	if sc.unknown.n > 0 {
		// An .xls file's stale results come back as they were from a
		// program that saves .xls the same way: .xlsx stores them right.
		fix := "save, and convert again"
		if p.in.format == FormatXLS {
			fix = "save it as .xlsx, and convert that"
		}
		return fmt.Errorf("%s: %s without a value ovsync can be sure of: %s: %s: open the workbook in a spreadsheet program, let it recalculate, %s",
			p.in.path, plural.Count(sc.unknown.n, "formula cell", "formula cells"), sc.unknown.String(), sc.why, fix)
	}
	if sc.empty.n > 0 {
		c.note(fmt.Sprintf("%s: skipped %s: empty (%s)", where, plural.Count(sc.empty.n, "row", "rows"), sc.empty.String()))
	}
	if sc.outside.n > 0 {
		c.note(fmt.Sprintf("%s: skipped %s in columns without a header (%s): give the column a name to keep it",
			where, plural.Count(sc.outside.n, "value", "values"), sc.outside.String()))
	}
	if sc.errCells.n > 0 {
		return fmt.Errorf("%s: %s: %s: fix the formulas (or the data they look up) in the workbook, and convert again",
			p.in.path, plural.Count(sc.errCells.n, "error cell", "error cells"), sc.errCells.String())
	}
	if sc.rows == 0 {
		if h.kind == lint.KindMapping {
			c.note(fmt.Sprintf("%s: the mapping has a header and no rows", where))
		} else {
			return fmt.Errorf("%s: the header (%s) has no rows below it: an empty %s would remove every %s at the next push: fill the sheet in, or leave it out",
				where, h.at, h.file(), map[lint.Kind]string{lint.KindUsers: "member", lint.KindGroups: "team"}[h.kind])
		}
	}
	return nil
}

// progressDelay is how long a conversion runs before it shows progress:
// small inputs never do.
var progressDelay = 500 * time.Millisecond

// progress rewrites the progress line for the sheet being read.
func (c *converter) progress(where string, rd rowReader) {
	if c.opt.Progress == nil {
		return
	}
	now := time.Now()
	if now.Sub(c.start) < progressDelay || now.Sub(c.last) < 100*time.Millisecond {
		return
	}
	c.last = now
	done, total := rd.Progress()
	line := fmt.Sprintf("converting %s: %s", where, rd.RowName())
	if total > 0 {
		line += fmt.Sprintf(" (%d%%)", min(100, done*100/total))
	}
	if r := []rune(line); len(r) > 78 {
		line = string(r[:75]) + "..."
	}
	fmt.Fprintf(c.opt.Progress, "\r%-78s", line)
	c.shown = true
}

// clearProgress erases the progress line.
func (c *converter) clearProgress() {
	if c.shown {
		fmt.Fprintf(c.opt.Progress, "\r%78s\r", "")
		c.shown = false
	}
}
