package lint

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/internal/plural"
)

// The summary format is Markdown for GitHub Actions' job summary (the
// file $GITHUB_STEP_SUMMARY names), which GitHub shows on the run's page
// and which takes at most 1 MiB per step.
const (
	// maxSummaryBytes bounds the summary whatever the org's size: half of
	// GitHub's 1 MiB, which leaves room for what the key filter's masks
	// add and for what other steps' tools append.
	maxSummaryBytes = 512 << 10
	// summaryFirst is how many findings of each rule the summary lists.
	summaryFirst = 5
	// summaryTextRunes and summaryPathRunes cut a message and a path.
	summaryTextRunes = 300
	summaryPathRunes = 200
)

// summaryPrinter writes the job summary: the verdict, a table of rule,
// severity and count, and the first findings of each rule as file:line
// with their message. Every text taken from the input (paths, messages)
// goes through PrintOptions.Redact, is cut, then has its Markdown and
// HTML escaped, so that a value cannot format, link or inject anything.
type summaryPrinter struct {
	w    *bufio.Writer
	opt  PrintOptions
	n    int  // bytes written
	full bool // a line did not fit: nothing more is written
}

func newSummaryPrinter(w *bufio.Writer, opt PrintOptions) printer {
	return &summaryPrinter{w: w, opt: opt}
}

// summaryReserve is the room kept for the lines that close the summary.
const summaryReserve = 4 << 10

// line writes a line of the body: s and a newline, if they fit in the
// room left before the closing lines. After a line that did not fit,
// no line of the body is written.
func (p *summaryPrinter) line(s string) {
	if p.full || !p.write(s, maxSummaryBytes-summaryReserve) {
		p.full = true
	}
}

// write writes s and a newline if the summary stays within limit bytes,
// and reports whether it did.
func (p *summaryPrinter) write(s string, limit int) bool {
	if p.n+len(s)+1 > limit {
		return false
	}
	p.w.WriteString(s)
	p.w.WriteByte('\n')
	p.n += len(s) + 1
	return true
}

func (p *summaryPrinter) print(r *Report) error {
	s := r.Summary
	icon, verdict := "✅", "passed"
	if r.Failed(p.opt.Strict) {
		icon, verdict = "❌", "failed"
	}
	p.line(fmt.Sprintf("## %s ovsync lint: %s", icon, verdict))
	p.line("")
	if len(r.Findings) == 0 {
		p.line(fmt.Sprintf("No problems found in %s.", rowCounts(s)))
	} else {
		counts := fmt.Sprintf("%s, %s, %s",
			plural.Count(s.Errors, "error", "errors"),
			plural.Count(s.Warnings, "warning", "warnings"),
			plural.Count(s.Infos, "info", "info"))
		if s.Errors > 0 {
			counts = "**" + counts + "**"
		}
		text := counts + " in " + rowCounts(s) + "."
		switch {
		case s.Errors > 0:
			text += " Errors block `ovsync push`: fix them and lint again."
		case p.opt.Strict && s.Warnings > 0:
			text += " With `--strict`, warnings fail the run too."
		}
		p.line(text)
	}
	if files := p.files(r); files != "" {
		p.line("")
		p.line("Files: " + files)
	}
	if len(r.Findings) == 0 {
		return nil
	}
	rows := summaryRows(r.Findings)
	p.line("")
	p.line("| Rule | Severity | Count |")
	p.line("| --- | --- | ---: |")
	for _, row := range rows {
		p.line(fmt.Sprintf("| %s | %s | %d |", p.code(row.rule), row.severity, row.count))
	}
	first := firstOfGroups(r.Findings)
	for _, row := range rows {
		g := group{row.rule, row.severity}
		p.line("")
		p.line(fmt.Sprintf("### %s: %s, %s", p.code(row.rule), row.severity,
			plural.Count(row.count, "finding", "findings")))
		p.line("")
		for _, i := range first[g] {
			p.line("- " + p.finding(&r.Findings[i]))
		}
		if more := row.count - len(first[g]); more > 0 {
			p.line(fmt.Sprintf("- … and %d more", more))
		}
	}
	// The closing lines have their room kept.
	if p.full {
		p.write("", maxSummaryBytes)
		p.write("*The summary stops here to stay within GitHub's limit of 1 MiB.*", maxSummaryBytes)
	}
	p.write("", maxSummaryBytes)
	if p.opt.FullReport != "" {
		p.write("Every finding is in "+p.escape(p.opt.FullReport, summaryPathRunes)+" (`--format json`).", maxSummaryBytes)
	} else {
		p.write("`ovsync lint --format json` lists every finding.", maxSummaryBytes)
	}
	return nil
}

// firstOfGroups returns the indices of the first findings of each rule
// and severity, at most summaryFirst of each.
func firstOfGroups(fs []Finding) map[group][]int {
	first := make(map[group][]int)
	for i := range fs {
		g := group{fs[i].Rule, fs[i].Severity}
		if len(first[g]) < summaryFirst {
			first[g] = append(first[g], i)
		}
	}
	return first
}

// files lists the files the run read, escaped.
func (p *summaryPrinter) files(r *Report) string {
	var names []string
	for _, f := range []string{r.Config, r.Files.Users, r.Files.Groups, r.Files.Mapping} {
		if f != "" {
			names = append(names, p.escape(f, summaryPathRunes))
		}
	}
	list := strings.Join(names, ", ")
	if list != "" && r.Summary.Format != "" {
		list += " (" + p.escape(r.Summary.Format, summaryPathRunes) + " format)"
	}
	return list
}

// finding writes a finding as file:line, a dash and its message.
func (p *summaryPrinter) finding(f *Finding) string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(p.escape(f.File, summaryPathRunes))
		if f.Line > 0 {
			b.WriteString(":" + strconv.Itoa(f.Line))
		}
		b.WriteString(" — ")
	}
	b.WriteString(p.escape(f.Message, summaryTextRunes))
	return b.String()
}

// code writes a rule ID as code; an ID that a code span could not hold
// as it is (not one of the catalogue's) is escaped instead.
func (p *summaryPrinter) code(id string) string {
	for _, c := range id {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return p.escape(id, summaryTextRunes)
		}
	}
	return "`" + id + "`"
}

// markdownInline is the ASCII punctuation that means something inside a
// line of GitHub's Markdown: code, emphasis, strike-through, links and
// images, HTML tags and entities, table cells, math, emoji codes,
// mentions and issue references. A value never starts a line of the
// summary, so the characters that mean something only there (a heading's
// "#" aside, a list's "-" or "1.") need no escape; CommonMark lets a
// backslash escape each of these.
const markdownInline = "\\`*_[]<>&!~|$:@#"

// escape makes s safe in a line of Markdown: secrets removed first (the
// escaping would hide them from a filter over the output), then cut to
// limit runes, line breaks and tabs made spaces, other control
// characters and invalid UTF-8 made U+FFFD, and every character of
// markdownInline backslash-escaped: no formatting, link, table cell, HTML
// tag, entity, emoji, mention or reference can come from the input.
func (p *summaryPrinter) escape(s string, limit int) string {
	if p.opt.Redact != nil {
		s = p.opt.Redact(s)
	}
	s = shortenValue(strings.ToValidUTF8(s, "\uFFFD"), limit)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for _, c := range s {
		switch {
		case c == '\r' || c == '\n' || c == '\t':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
			b.WriteRune('\uFFFD')
		case c < 0x80 && strings.ContainsRune(markdownInline, c):
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
