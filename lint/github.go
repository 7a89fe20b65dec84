package lint

import (
	"bufio"
	"strconv"
	"strings"
)

// gitHubPrinter writes GitHub Actions workflow commands, one per finding,
// which the runner turns into annotations on the pull request:
//
//	::error file=Data/users.csv,line=12,col=28,title=language-value::message
//
// The escaping follows the Actions toolkit (toolkit/packages/core/src/command.ts).
type gitHubPrinter struct {
	w *bufio.Writer
}

func newGitHubPrinter(w *bufio.Writer, _ PrintOptions) printer { return &gitHubPrinter{w: w} }

func (p *gitHubPrinter) print(r *Report) error {
	for _, f := range r.Findings {
		p.w.WriteString("::")
		p.w.WriteString(gitHubCommand(f.Severity))
		sep := byte(' ')
		prop := func(name, value string) {
			p.w.WriteByte(sep)
			sep = ','
			p.w.WriteString(name)
			p.w.WriteByte('=')
			p.w.WriteString(escapeGitHubProperty(value))
		}
		if f.File != "" {
			prop("file", slashPath(f.File))
		}
		// A column means nothing without its line.
		if f.Line > 0 {
			prop("line", strconv.Itoa(f.Line))
			if f.Column > 0 {
				prop("col", strconv.Itoa(f.Column))
			}
		}
		prop("title", f.Rule)
		p.w.WriteString("::")
		p.w.WriteString(escapeGitHubData(withHint(f)))
		p.w.WriteByte('\n')
	}
	return nil
}

// gitHubCommand names the annotation command of a severity. GitHub has no
// "info"; its "notice" is the same thing.
func gitHubCommand(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "notice"
}

var (
	gitHubData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	gitHubProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeGitHubData escapes a command's message: "%", CR and LF.
func escapeGitHubData(s string) string { return gitHubData.Replace(s) }

// escapeGitHubProperty escapes a property value: as a message, and also
// ":" and "," which would end the value.
func escapeGitHubProperty(s string) string { return gitHubProperty.Replace(s) }
