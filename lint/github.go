package lint

import (
	"bufio"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/internal/plural"
)

// gitHubPrinter writes GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request:
//
//	::error file=Data/users.csv,line=12,col=28,title=language-value::message
//
// GitHub shows 10 annotations of each kind (error, warning, notice) per
// step and drops the others in silence. When the findings fit, each is an
// annotation, in the order of the findings. When they do not, the 10 of
// each kind are chosen as caps.go says (errors first, and each rule in
// turn) and printed first, kind by kind and rule by rule; a tenth notice
// says how many more there are and where to see them; then every other
// finding follows as a plain "file:line:col: severity: message [rule]"
// line, as the text format writes it, so that the log holds every finding
// and a problem matcher can read them.
//
// The escaping follows the Actions toolkit (toolkit/packages/core/src/command.ts).
type gitHubPrinter struct {
	w   *bufio.Writer
	opt PrintOptions
	num []byte // scratch for the numbers of a plain line
}

func newGitHubPrinter(w *bufio.Writer, opt PrintOptions) printer {
	return &gitHubPrinter{w: w, opt: opt}
}

// gitHubKind is the severity of the annotation a finding gets: GitHub
// has no "info" or "off"; its "notice" is the same thing.
func gitHubKind(s Severity) Severity {
	if s == Error || s == Warning {
		return s
	}
	return Info
}

func (p *gitHubPrinter) print(r *Report) error {
	counts := countGroups(r.Findings, gitHubKind)
	perKind := map[Severity]int{}
	for g, n := range counts {
		perKind[g.severity] += n
	}
	if perKind[Error] <= gitHubAnnotations && perKind[Warning] <= gitHubAnnotations && perKind[Info] <= gitHubAnnotations {
		for i := range r.Findings {
			p.annotation(&r.Findings[i])
		}
		return nil
	}
	// The closing notice takes one notice's place.
	keep := allot(counts, func(s Severity, _ int) int {
		if s == Info {
			return gitHubAnnotations - 1
		}
		return gitHubAnnotations
	})
	cut := leftOut(counts, keep)
	var shown []int // at most 30 findings
	for i := range r.Findings {
		g := group{r.Findings[i].Rule, gitHubKind(r.Findings[i].Severity)}
		if keep[g] > 0 {
			keep[g]--
			shown = append(shown, i)
		}
	}
	slices.SortStableFunc(shown, func(i, j int) int {
		a, b := &r.Findings[i], &r.Findings[j]
		return cmp.Or(
			cmp.Compare(gitHubKind(b.Severity), gitHubKind(a.Severity)),
			cmp.Compare(ruleRank(a.Rule), ruleRank(b.Rule)),
			strings.Compare(a.Rule, b.Rule))
	})
	for _, i := range shown {
		p.annotation(&r.Findings[i])
	}
	p.closingNotice(cut)
	slices.Sort(shown)
	for i := range r.Findings {
		if len(shown) > 0 && shown[0] == i {
			shown = shown[1:]
			continue
		}
		p.plainLine(&r.Findings[i])
	}
	return nil
}

// annotation writes a finding as a workflow command.
func (p *gitHubPrinter) annotation(f *Finding) {
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
	p.w.WriteString(escapeGitHubData(withHint(*f)))
	p.w.WriteByte('\n')
}

// closingNotice writes the notice after the annotations: how many
// findings are not annotations, of which kind, and where they are.
func (p *gitHubPrinter) closingNotice(cut []cutGroup) {
	left := map[Severity]int{}
	total := 0
	for _, c := range cut {
		left[c.severity] += c.left
		total += c.left
	}
	var kinds []string
	for _, k := range []struct {
		s         Severity
		one, many string
	}{{Error, "error", "errors"}, {Warning, "warning", "warnings"}, {Info, "info", "info"}} {
		if left[k.s] > 0 {
			kinds = append(kinds, plural.Count(left[k.s], k.one, k.many))
		}
	}
	msg := fmt.Sprintf("%s (%s) than GitHub shows as annotations, %d of each kind: printed below as file:line:col lines; %s",
		plural.Count(total, "more finding", "more findings"), strings.Join(kinds, ", "), gitHubAnnotations, wholeList(p.opt))
	p.w.WriteString("::notice title=")
	p.w.WriteString(escapeGitHubProperty("ovsync: more findings"))
	p.w.WriteString("::")
	p.w.WriteString(escapeGitHubData(msg))
	p.w.WriteByte('\n')
}

// plainLine writes a finding as the text format does ([Finding.String]),
// without its hint, on one line: line breaks in it are written as \r and
// \n, and a line that would start with "::" starts with "./" instead, so
// that nothing taken from the files reads as a workflow command. It is
// written piece by piece: a run may have hundreds of thousands.
func (p *gitHubPrinter) plainLine(f *Finding) {
	// The file is followed by ":", so a file starting with one would too.
	if strings.HasPrefix(strings.TrimLeft(f.File, " \t"), ":") {
		p.w.WriteString("./")
	}
	p.oneLine(f.File)
	p.num = strconv.AppendInt(append(p.num[:0], ':'), int64(f.Line), 10)
	p.num = strconv.AppendInt(append(p.num, ':'), int64(f.Column), 10)
	p.w.Write(p.num)
	p.w.WriteString(": ")
	p.w.WriteString(f.Severity.String())
	p.w.WriteString(": ")
	p.oneLine(f.Message)
	p.w.WriteString(" [")
	p.oneLine(f.Rule)
	p.w.WriteString("]\n")
}

// oneLine writes s with its line breaks escaped.
func (p *gitHubPrinter) oneLine(s string) {
	if strings.ContainsAny(s, "\r\n") {
		plainBreaks.WriteString(p.w, s)
		return
	}
	p.w.WriteString(s)
}

// plainBreaks writes line breaks as escapes.
var plainBreaks = strings.NewReplacer("\r", `\r`, "\n", `\n`)

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
