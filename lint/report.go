package lint

import (
	"fmt"

	"github.com/ovsync/ovsync/internal/plural"
)

// Files names the three CSV files of an org as the user can open them.
// An empty name means the file was not given.
type Files struct {
	Users   string `json:"users,omitempty"`
	Groups  string `json:"groups,omitempty"`
	Mapping string `json:"mapping,omitempty"`
}

// Summary counts findings by severity and the rows of each file.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	Users    int `json:"users"`
	Teams    int `json:"teams"`
	Mappings int `json:"mappings"`
	// Format is the name of the files' format ([Vocabulary].Name).
	Format string `json:"format"`
	// NotChecked names the kinds of the files that were not given (a
	// subset linted on purpose), in [Kind] order: users, groups, mapping.
	NotChecked []string `json:"notChecked,omitempty"`
}

// Report is the result of a lint run: the findings in output order, the
// counts, and the org that was read (for graph and push).
type Report struct {
	// Config is the config.json path as displayed, if one was read.
	Config string
	// Files names the CSV files that were read.
	Files Files
	// Findings are sorted by [SortFindings].
	Findings []Finding
	// Summary counts findings and rows.
	Summary Summary
	// Org is the organisation the files describe, as far as it could be read.
	Org *Org
	// KeyFields counts the fields of the files and values of config.json
	// that hold an API key whole (rule api-key), whatever severity --rule
	// gave the rule: the org then holds a secret, and no data is written
	// from it ([Report.KeyError]).
	KeyFields int
	// Digests are the hex SHA-256 of each file's bytes by [Kind], taken in
	// the read that linted them when Options.Digests is set ("" for a file
	// not given).
	Digests [3]string
}

// KeyError returns a [*KeyError] when the files hold an API key whole
// (KeyFields is not 0), nil otherwise: a subcommand that writes data from
// the org (a plan, a graph, a report, a push) stops on it.
func (r *Report) KeyError() error {
	if r.KeyFields == 0 {
		return nil
	}
	return &KeyError{Fields: r.KeyFields}
}

// KeyError stops a run that would write or send data holding an API key:
// a secret is never data. The api-key findings say where it is.
type KeyError struct {
	// Fields counts the fields that hold the key.
	Fields int
}

// Error says how many fields hold the key, with the fix.
func (e *KeyError) Error() string {
	return fmt.Sprintf("%s the API key, so nothing was written or sent (the api-key findings say where)\nhint: remove the key from the files: it is a secret, not data",
		plural.Count(e.Fields, "field holds", "fields hold"))
}

// Failed reports whether the findings fail the run: any error, or with
// strict any warning too.
func (r *Report) Failed(strict bool) bool {
	return r.Summary.Errors > 0 || strict && r.Summary.Warnings > 0
}

// count fills the severity counts of the summary from the findings.
func (r *Report) count() {
	r.Summary.Errors, r.Summary.Warnings, r.Summary.Infos = 0, 0, 0
	for _, f := range r.Findings {
		switch f.Severity {
		case Error:
			r.Summary.Errors++
		case Warning:
			r.Summary.Warnings++
		case Info:
			r.Summary.Infos++
		}
	}
}
