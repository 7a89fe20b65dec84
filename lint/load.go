package lint

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/redact"
)

// ValidEmail reports whether s is a plain address as the users schema's
// email-format constraint defines it.
func ValidEmail(s string) bool {
	cs, err := builtinSchema("users")
	if err != nil {
		return false
	}
	for _, c := range cs.checks["email"] {
		if c.rule == RuleEmailFormat && !c.valid(s) {
			return false
		}
	}
	return true
}

// whitespaceRoles are the columns where surrounding spaces are reported.
var whitespaceRoles = map[Role]bool{
	UserID: true, UserEmail: true, UserLanguage: true, TeamID: true,
	MapTeam: true, MapUser: true, MapSubTeam: true, MapIsMember: true, MapIsManager: true,
}

// fileReader reads one CSV file of an org: the header, then each row
// through the checks every file shares (ragged rows, surrounding spaces,
// the schema's field rules), then the kind's own handling.
type fileReader struct {
	kind     Kind
	vocab    *Vocabulary
	file     string // as displayed
	findings []Finding
	header   *Header
	checks   [][]fieldCheck // by column index
	custom   *jsonschema.Schema
	rows     int
	trimmed  []string
	// keys are the API keys ovsync knows: a field that holds one whole is
	// an api-key finding.
	keys *redact.Redactor

	// sizeHint, if set, is told once how many rows the file will have
	// about, so that the indexes can be sized once instead of growing.
	sizeHint func(rows int)
	fileOptions
	// row is what the hook is handed, filled again for each record.
	row Row
}

// fileOptions are what a tool asked of the read of one file.
type fileOptions struct {
	// hook, if set, is handed each record once the kind has read it
	// (Options.Rows).
	hook func(*Row)
	// digest, if set, gets the SHA-256 of the file's bytes, taken in the
	// same read (Options.Digests).
	digest *[sha256.Size]byte
}

// openCSV opens a CSV file of an org and returns its size; errors name it
// as displayed.
func openCSV(path, display string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, fmt.Errorf("%s: no such file", display)
		}
		return nil, 0, fmt.Errorf("%s: cannot read: %w", display, fserr.WithoutPath(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("%s: cannot read: %w", display, fserr.WithoutPath(err))
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: is a folder, not a CSV file", display)
	}
	return f, st.Size(), nil
}

// usable reports whether the file's rows could be read and carry the
// column of role, so that rules about it across files can run.
func (fr *fileReader) usable(r Role) bool {
	return fr.header != nil && fr.header.Col(r) >= 0
}

// get returns the value of role's column in vals, or "".
func (fr *fileReader) get(vals []string, r Role) string {
	if i := fr.header.Col(r); i >= 0 && i < len(vals) {
		return vals[i]
	}
	return ""
}

// report adds a finding with the rule's default severity unless set.
func (fr *fileReader) report(f Finding) {
	f = withDefaultSeverity(f)
	if f.File == "" {
		f.File = fr.file
	}
	fr.findings = append(fr.findings, f)
}

// fieldFinding reports a problem with field i of rec.
func (fr *fileReader) fieldFinding(rec *Record, i int, rule, msg, hint string) {
	line, col := rec.Pos(i)
	fr.report(Finding{Rule: rule, Line: line, Column: col, Field: fr.header.Names[i], Value: rec.Fields[i], Message: msg, Hint: hint})
}

// read opens path and calls row for each record after the header with the
// record and its values, surrounding spaces removed. ok is false for a
// ragged or broken row, whose values may be partial. row returns the
// index of what the record became in the model (see [Row]).
func (fr *fileReader) read(path string, userSchema *jsonschema.Schema, row func(rec *Record, vals []string, ok bool) int) (err error) {
	if fr.hook != nil {
		defer func() {
			fr.row = Row{Kind: fr.kind, Header: fr.header, Index: -1}
			fr.hook(&fr.row)
		}()
	}
	f, size, err := openCSV(path, fr.file)
	if err != nil {
		return err
	}
	defer f.Close()
	var src io.Reader = f
	if fr.digest != nil {
		// The file's bytes are hashed as the CSV reader reads them, so
		// that a tool that needs its digest does not read it again. Reads
		// at an offset (which place malformed quotes) do not move the
		// file's offset and are not hashed.
		h := sha256.New()
		src = io.TeeReader(f, h)
		if canReadAt(f) {
			src = struct {
				io.Reader
				io.ReaderAt
			}{src, f}
		}
		defer func() {
			if err != nil {
				return
			}
			// The reader may have left the rest of the file (a file that
			// is not CSV stops it early): the digest is the whole file's.
			if _, err = io.Copy(h, f); err != nil {
				err = fmt.Errorf("%s: cannot read: %w", fr.file, fserr.WithoutPath(err))
				return
			}
			h.Sum(fr.digest[:0])
		}()
	}
	cr := NewCSVReader(fr.file, src, fr.report)
	fr.custom = userSchema
	rec, err := cr.Next()
	if err == io.EOF && cr.Failed() {
		return nil
	}
	if err == io.EOF {
		fr.header = matchHeader(fr.vocab, fr.kind, &Record{Line: 1}, fr.file, fr.report)
		return nil
	}
	if err != nil {
		return err
	}
	fr.checkKey(rec, true)
	// header-missing waits for the first lines: one of them may be the
	// real header, below a title row, and the hint then says so.
	var missing []Finding
	fr.header = matchHeader(fr.vocab, fr.kind, rec, fr.file, func(f Finding) {
		if f.Rule == RuleHeaderMissing {
			missing = append(missing, f)
			return
		}
		fr.report(f)
	})
	defer func() {
		for _, f := range missing {
			fr.report(f)
		}
	}()
	if err := fr.compileChecks(); err != nil {
		return err
	}
	headerEnd := cr.Offset()
	for {
		before := len(fr.findings)
		rec, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}

		if len(missing) > 0 && rec.Line <= maxHeaderLine && holdsRequired(fr.vocab, fr.kind, rec.Fields) {
			for i := range missing {
				missing[i].Hint = fmt.Sprintf("line %d looks like the header: remove the %s above it, so that the header is line 1",
					rec.Line, plural.Count(rec.Line-1, "line", "lines"))
			}
			fr.report(missing[0])
			for _, f := range missing[1:] {
				fr.report(f)
			}
			missing = nil
		}
		fr.rows++
		if fr.rows == 256 && fr.sizeHint != nil && size > 0 {
			perRow := max(cr.Offset()-headerEnd, 1) / 256
			fr.sizeHint(int(size / max(perRow, 1) * 11 / 10))
		}
		ok := !rec.Broken
		if ok && len(rec.Fields) != len(fr.header.Names) {
			ok = false
			fr.report(Finding{Rule: RuleRaggedRow, Line: rec.Line,
				Message: fmt.Sprintf("row has %d fields, the header has %d", len(rec.Fields), len(fr.header.Names)),
				Hint:    "quote fields that contain commas, and give every row one field per column"})
		}
		fr.checkKey(rec, false)
		vals := fr.trim(rec)
		if ok {
			fr.checkFields(rec, vals)
		}
		index := row(rec, vals, ok)
		if fr.hook != nil {
			fr.row = Row{Kind: fr.kind, Header: fr.header, Record: rec, Values: vals, Whole: ok, Index: index}
			fr.hook(&fr.row)
		}
		// The findings about this record, the CSV reader's included, are
		// keyed by its id.
		fr.keyFindings(before, rec)
	}
	if fr.rows == 0 && len(fr.header.Names) > 0 {
		f := Finding{Rule: RuleNoRows, Line: 1, Message: fmt.Sprintf("%s has a header and no rows", fr.vocab.FileNames[fr.kind])}
		switch fr.kind {
		case KindUsers:
			f.Hint = "a push with no users removes every member: export the users again"
		case KindGroups:
			f.Hint = "a push with no teams deletes every team: export the teams again"
		default:
			f.Severity = Warning
			f.Hint = "with no mapping rows, no team has members or managers"
		}
		fr.report(f)
	}
	return nil
}

// checkKey reports each field of rec (a header cell when header) that
// holds an API key whole, in any of its forms (rule api-key), at the
// field, without quoting it: not in the message, not as the value. A
// piece of a key inside a value is data, and no finding.
func (fr *fileReader) checkKey(rec *Record, header bool) {
	for i, v := range rec.Fields {
		if !fr.keys.Holds(v) {
			continue
		}
		line, col := rec.Pos(i)
		f := Finding{Rule: RuleAPIKey, Line: line, Column: col, Hint: keyHint}
		if header || fr.header == nil || i >= len(fr.header.Names) {
			f.Message = fmt.Sprintf("column %d of the header holds the API key", i+1)
			if !header {
				f.Message = fmt.Sprintf("field %d holds the API key", i+1)
			}
		} else {
			f.Field = fr.header.Names[i]
			f.Message = fmt.Sprintf("%s holds the API key", fr.header.Names[i])
		}
		fr.report(f)
	}
}

// keyHint is the fix of an api-key finding.
const keyHint = "remove the key from the file: it is a secret, not data (a push would send it and keep it); if the file was shared, make a new key in Officevibe"

// keyFindings gives the findings from index from on, those without a
// key, the key of rec: its id, or for a mapping row its team and target.
func (fr *fileReader) keyFindings(from int, rec *Record) {
	if from == len(fr.findings) {
		return
	}
	col := func(r Role) string {
		if i := fr.header.Col(r); i >= 0 && i < len(rec.Fields) {
			return strings.TrimSpace(rec.Fields[i])
		}
		return ""
	}
	var key string
	switch fr.kind {
	case KindUsers:
		key = col(UserID)
	case KindGroups:
		key = col(TeamID)
	default:
		target := col(MapUser)
		if target == "" {
			target = col(MapSubTeam)
		}
		key = col(MapTeam) + "/" + target
	}
	key = strings.Clone(key)
	for i := from; i < len(fr.findings); i++ {
		if fr.findings[i].Key == "" {
			fr.findings[i].Key = key
		}
	}
}

// maxHeaderLine is the last line where a header below title rows is
// looked for.
const maxHeaderLine = 20

// holdsRequired reports whether a record holds every required column of
// kind, as a header would (in any case, spaces around them aside).
func holdsRequired(v *Vocabulary, k Kind, fields []string) bool {
	for _, c := range v.columns[k] {
		if c.required && !slices.ContainsFunc(fields, func(f string) bool { return strings.EqualFold(strings.TrimSpace(f), c.name) }) {
			return false
		}
	}
	return true
}

// compileChecks lines up the schema's checks with the header's columns.
func (fr *fileReader) compileChecks() error {
	cs, err := builtinSchema(fr.vocab.Schemas[fr.kind])
	if err != nil {
		return err
	}
	fr.checks = make([][]fieldCheck, len(fr.header.Names))
	for i, name := range fr.header.schemaName {
		if isStandard(fr.header, i) {
			fr.checks[i] = cs.checks[name]
		}
	}
	return nil
}

// isStandard reports whether column i is a standard column of the header.
func isStandard(h *Header, i int) bool {
	for _, c := range h.index {
		if c == i {
			return true
		}
	}
	return false
}

// trim returns the record's values with surrounding spaces removed from
// the standard columns (from all with a user's schema), reporting them in
// the columns where they matter.
func (fr *fileReader) trim(rec *Record) []string {
	fr.trimmed = append(fr.trimmed[:0], rec.Fields...)
	if fr.custom != nil { // a user's schema sees every column trimmed
		for i, v := range fr.trimmed {
			fr.trimmed[i] = strings.TrimSpace(v)
		}
	} else {
		for _, i := range fr.header.index {
			if i >= 0 && i < len(fr.trimmed) {
				fr.trimmed[i] = strings.TrimSpace(fr.trimmed[i])
			}
		}
	}
	if rec.Broken {
		return fr.trimmed
	}
	for role, i := range fr.header.index {
		if i < 0 || i >= len(rec.Fields) || !whitespaceRoles[Role(role)] || rec.Fields[i] == fr.trimmed[i] {
			continue
		}
		fr.fieldFinding(rec, i, RuleWhitespace,
			fmt.Sprintf("%s %q has spaces around it", fr.header.Names[i], rec.Fields[i]),
			fmt.Sprintf("remove them: %q (Officevibe may not)", fr.trimmed[i]))
	}
	return fr.trimmed
}

// checkFields runs the schema's field rules on the row's values, then the
// user's own schema if one was given.
func (fr *fileReader) checkFields(rec *Record, vals []string) {
	for i, checks := range fr.checks {
		for _, c := range checks {
			if !c.valid(vals[i]) {
				msg, hint := fieldProblem(fr.vocab, c.rule, fr.header.Names[i], vals[i])
				fr.fieldFinding(rec, i, c.rule, msg, hint)
			}
		}
	}
	if fr.custom != nil {
		fr.checkUserSchema(rec, vals)
	}
}

// checkUserSchema validates the row as an object through a user-supplied
// schema, reporting each failed constraint at the field it is about.
func (fr *fileReader) checkUserSchema(rec *Record, vals []string) {
	obj := make(map[string]any, len(vals))
	for i, name := range fr.header.schemaName {
		if _, dup := obj[name]; !dup {
			obj[name] = vals[i]
		}
	}
	err := fr.custom.Validate(obj)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	for _, leaf := range leaves(ve) {
		name := strings.TrimPrefix(leaf.InstanceLocation, "/")
		name = strings.NewReplacer("~1", "/", "~0", "~").Replace(name)
		line, col := rec.Line, 0
		value := ""
		for i, n := range fr.header.schemaName {
			if n == name && name != "" {
				line, col = rec.Pos(i)
				value = rec.Fields[i]
				break
			}
		}
		fr.report(Finding{Rule: RuleSchema, Line: line, Column: col, Field: name, Value: value,
			Message: fmt.Sprintf("%s (schema %s)", leaf.Message, leaf.KeywordLocation)})
	}
}

// schemaLeaf is one failed constraint of a validation error tree.
type schemaLeaf struct{ InstanceLocation, KeywordLocation, Message string }

// leaves returns the innermost causes of a validation error.
func leaves(ve *jsonschema.ValidationError) []schemaLeaf {
	if len(ve.Causes) == 0 {
		return []schemaLeaf{{ve.InstanceLocation, ve.KeywordLocation, ve.Message}}
	}
	var out []schemaLeaf
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}
