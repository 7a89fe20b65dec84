package plan

import (
	"fmt"

	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
)

// LintError stops a plan, and the push it is for: lint found errors in
// the files, or a field that holds the API key. Nothing was planned or
// sent; the findings went to Options.Findings.
type LintError struct {
	// Report is lint's report, findings included.
	Report *lint.Report
}

// Error says how many errors lint found, with a hint.
func (e *LintError) Error() string {
	if e.Report.Summary.Errors == 0 && e.Report.KeyFields > 0 { // api-key turned off
		return e.Report.KeyError().Error()
	}
	return fmt.Sprintf("lint found %s: nothing was sent\nhint: fix the files (\"ovsync lint\" shows every finding), then push again",
		plural.Count(e.Report.Summary.Errors, "error", "errors"))
}

// KeyInDataHint ends the error of data (the state, a dump, a plan file)
// not written because it would hold the key whole: lint names the field.
const KeyInDataHint = "a value of the files or of config.json holds the key: \"ovsync lint\" names it (rule api-key); remove it, the key is a secret, not data"
