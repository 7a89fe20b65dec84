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
	// every finding. The other formats are never capped.
	MaxPerRule int
	// Version is the tool version written in SARIF's tool.driver.
	Version string
}

// printer writes one report in one format. Each format lives in its own
// file, with its own type built on the writer.
type printer interface {
	print(r *Report) error
}

// formats lists the format names in the order [Formats] returns them.
var formats = []string{"text", "json", "github", "sarif"}

// printers maps a format name to the constructor of its printer.
var printers = map[string]func(w *bufio.Writer, opt PrintOptions) printer{
	"text":   newTextPrinter,
	"json":   newJSONPrinter,
	"github": newGitHubPrinter,
	"sarif":  newSARIFPrinter,
}

// Formats returns the names accepted by [Print] in a stable order: text,
// json, github, sarif.
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
