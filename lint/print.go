package lint

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// PrintOptions tunes the output of [Print].
type PrintOptions struct {
	// MaxPerRule caps the findings of one rule in the text format; the
	// others are counted in a line after the findings. 0 (or less) prints
	// every finding. It caps no other format: github and sarif keep within
	// GitHub's limits on their own (see [DefaultSARIFMaxResults]), json is
	// never cut.
	MaxPerRule int
	// SARIFMaxResults is the most results of the SARIF run: 0 means
	// [DefaultSARIFMaxResults], less than 0 keeps every result.
	SARIFMaxResults int
	// Version is the tool version written in SARIF's tool.driver.
	Version string
	// Strict says that warnings fail the run too (lint --strict), for the
	// verdict of the summary format.
	Strict bool
	// FullReport names where the whole list of findings is written in the
	// same run (the file of --format json), for the formats that leave
	// some out to say where to find them; "" when none is.
	FullReport string
	// Redact, when not nil, removes secrets from a text taken from the
	// input before a format changes its form: the summary format escapes
	// Markdown, after which a filter over the output would no longer
	// recognise a secret.
	Redact func(string) string
}

// printer writes one report in one format. Each format lives in its own
// file, with its own type built on the writer.
type printer interface {
	print(r *Report) error
}

// formats lists the format names in the order [Formats] returns them.
var formats = []string{"text", "json", "github", "sarif", "summary"}

// printers maps a format name to the constructor of its printer.
var printers = map[string]func(w *bufio.Writer, opt PrintOptions) printer{
	"text":    newTextPrinter,
	"json":    newJSONPrinter,
	"github":  newGitHubPrinter,
	"sarif":   newSARIFPrinter,
	"summary": newSummaryPrinter,
}

// Formats returns the names accepted by [Print] in a stable order: text,
// json, github, sarif, summary.
func Formats() []string { return slices.Clone(formats) }

// Print writes the report in the named format. The findings must already
// be in output order (see [SortFindings]); printers only print. An error
// means the format is unknown or the writer failed.
func Print(w io.Writer, format string, r *Report, opt PrintOptions) error {
	newPrinter, ok := printers[format]
	if !ok {
		return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(formats, ", "))
	}
	if r == nil {
		return errors.New("no report to print")
	}
	// The buffered writer keeps the first write error and Flush returns
	// it, so printers write without checking every call.
	bw := bufio.NewWriter(w)
	if err := newPrinter(bw, opt).print(r); err != nil {
		return err
	}
	return bw.Flush()
}

// slashPath turns a Windows-style path into forward slashes whatever the
// platform, for the formats whose readers expect URLs or repository
// paths. filepath.ToSlash would only do it on Windows.
func slashPath(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// withHint appends the hint to the message on a line of its own, for the
// formats that have a single message field.
func withHint(f Finding) string {
	if f.Hint == "" {
		return f.Message
	}
	return f.Message + "\nhint: " + f.Hint
}

// wholeList says where every finding is, for what a capped format says
// about the findings it left out.
func wholeList(opt PrintOptions) string {
	if opt.FullReport != "" {
		return "every finding is in " + opt.FullReport + " (--format json)"
	}
	return "ovsync lint --format json lists every finding"
}
