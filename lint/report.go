package lint

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
