package lint

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// jsonVersion is the version of the JSON shape. Raise it only for a change
// that would break a consumer; adding a key does not.
const jsonVersion = 1

// maxJSONValue is the most characters (runes) of a finding's value that
// the JSON output keeps, the ellipsis that marks a cut included.
const maxJSONValue = 200

// The JSON output has its own tagged structs, so that renaming a Go field
// can never change the contract of docs/rules.md.
type (
	jsonReport struct {
		Version  int           `json:"version"`
		Files    jsonFiles     `json:"files"`
		Findings []jsonFinding `json:"findings"`
		Summary  jsonSummary   `json:"summary"`
	}
	jsonFiles struct {
		Users   string `json:"users,omitempty"`
		Groups  string `json:"groups,omitempty"`
		Mapping string `json:"mapping,omitempty"`
	}
	jsonFinding struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Column   int    `json:"column"`
		Field    string `json:"field,omitempty"`
		Value    string `json:"value,omitempty"`
		Message  string `json:"message"`
		Hint     string `json:"hint,omitempty"`
		// Path is a cycle's whole path of team ids.
		Path []string `json:"path,omitempty"`
	}
	jsonSummary struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
		Infos    int `json:"infos"`
		Users    int `json:"users"`
		Teams    int `json:"teams"`
		Mappings int `json:"mappings"`
		// Format is the files' format: "legacy" or "provisioning".
		Format string `json:"format,omitempty"`
		// NotChecked names the files not given ("users", "groups",
		// "mapping", as the keys of files).
		NotChecked []string `json:"notChecked,omitempty"`
	}
)

// jsonPrinter writes the report as the single JSON object of docs/rules.md.
type jsonPrinter struct {
	w *bufio.Writer
}

func newJSONPrinter(w *bufio.Writer, _ PrintOptions) printer { return &jsonPrinter{w: w} }

func (p *jsonPrinter) print(r *Report) error {
	files := jsonFiles{Users: r.Files.Users, Groups: r.Files.Groups, Mapping: r.Files.Mapping}
	summary := jsonSummary{
		Errors:     r.Summary.Errors,
		Warnings:   r.Summary.Warnings,
		Infos:      r.Summary.Infos,
		Users:      r.Summary.Users,
		Teams:      r.Summary.Teams,
		Mappings:   r.Summary.Mappings,
		Format:     r.Summary.Format,
		NotChecked: r.Summary.NotChecked,
	}
	// The object is written as encoding/json would indent it whole, but
	// one finding at a time: the findings are never copied all at once.
	js := newJSONStream(p.w)
	p.w.WriteString("{\n  \"version\": ")
	js.value("  ", jsonVersion)
	p.w.WriteString(",\n  \"files\": ")
	js.value("  ", files)
	p.w.WriteString(",\n  \"findings\": [")
	for i, f := range r.Findings {
		if i > 0 {
			p.w.WriteByte(',')
		}
		p.w.WriteString("\n    ")
		err := js.value("    ", jsonFinding{
			Rule:     f.Rule,
			Severity: f.Severity.String(),
			File:     f.File,
			Line:     f.Line,
			Column:   f.Column,
			Field:    f.Field,
			Value:    shortenValue(f.Value, maxJSONValue),
			Message:  f.Message,
			Hint:     f.Hint,
			Path:     f.Path,
		})
		if err != nil {
			return err
		}
	}
	if len(r.Findings) > 0 {
		p.w.WriteString("\n  ")
	}
	p.w.WriteString("],\n  \"summary\": ")
	js.value("  ", summary)
	p.w.WriteString("\n}\n")
	return js.err
}

// jsonStream writes JSON values one by one, indented by two spaces below
// a given prefix: the pieces of one document that is never held whole.
// HTML is not escaped: the output is read by people and tools, not
// browsers, and "<" in a value should stay "<".
type jsonStream struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func newJSONStream(w *bufio.Writer) *jsonStream {
	s := &jsonStream{w: w}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	return s
}

// value writes v, its lines after the first starting with prefix, and no
// final newline. The first error is kept and returned by every later call.
func (s *jsonStream) value(prefix string, v any) error {
	if s.err != nil {
		return s.err
	}
	s.buf.Reset()
	s.enc.SetIndent(prefix, "  ")
	if err := s.enc.Encode(v); err != nil {
		s.err = fmt.Errorf("encode json: %w", err)
		return s.err
	}
	s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte{'\n'}))
	return nil
}

// shortenValue shortens s to at most limit runes, ending with "…" when cut.
// It cuts between runes, never inside a UTF-8 sequence.
func shortenValue(s string, limit int) string {
	if limit < 1 || utf8.RuneCountInString(s) <= limit {
		return s
	}
	n := 0
	for i := range s {
		if n == limit-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
