package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/lint"
)

// lintCommand is "ovsync lint".
func lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "check the three files against the schemas and the org rules",
		ArgsUsage: "[PATH]",
		Description: `PATH is a config.json of the original sync tool, or a folder holding one
(default: the current folder); the CSV paths inside it are relative to its
folder. --users, --groups and --mapping lint files without a config: any
subset, with the rules across files run where both sides are given.

Exit status: 0 no errors (with --strict, no warnings either); 1 findings at
that level; 2 the run failed (usage, unreadable file or config).

Examples:
   ovsync lint testdata/sample
   ovsync lint --users users.csv --groups groups.csv --mapping groups-mapping.csv
   ovsync lint --format github .                     annotations in GitHub Actions
   ovsync lint --format sarif -o lint.sarif .        for code scanning upload
   ovsync lint --format github --format sarif=lint.sarif --format json=lint.json .
                                                     several reports of one run
   ovsync lint --format summary=summary.md .         a Markdown summary
   ovsync lint --rule user-without-team=off --strict config.json
   ovsync lint --schema users=our-users.schema.json .

In GitHub Actions (GITHUB_STEP_SUMMARY set), lint also appends the summary
format to the job summary, unless a --format summary says where it goes.
github annotates at most 10 findings of each kind and prints the others as
plain lines; sarif keeps at most --sarif-max-results results (code
scanning's limit); both say what they left out. json is never cut.`,
		Flags: append(orgFileFlags(func(f string) string { return f + " to lint (no config)" }),
			&cli.GenericFlag{Name: "format", Aliases: []string{"f"}, Value: &formatFlags{},
				Usage: "output format: " + strings.Join(lint.Formats(), ", ") + " (default text); `FORMAT[=FILE]` writes that format to FILE (atomically), repeatable"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report of the --format without =FILE to `FILE` (atomically) instead of stdout", TakesFile: true},
			&cli.StringSliceFlag{Name: "rule", Usage: "set a rule's severity: `ID=SEV` with SEV error, warning, info or off (repeatable; \"ovsync rules\" lists the IDs)"},
			&cli.BoolFlag{Name: "strict", Usage: "warnings fail the run too (exit status 1)"},
			&cli.IntFlag{Name: "max-per-rule", Value: 50, Usage: "text format: show at most `N` findings of each rule (0: all)"},
			&cli.IntFlag{Name: "sarif-max-results", Value: lint.DefaultSARIFMaxResults, Usage: "sarif format: keep at most `N` results, errors first, each rule in turn (0: all; code scanning rejects more than 25000)"},
			&cli.StringSliceFlag{Name: "schema", Usage: "also validate rows with your own JSON Schema: `KIND=FILE`, KIND users, groups or mapping (repeatable)", TakesFile: true},
		),
		Action: runLint,
	}
}

// runLint is the action of "ovsync lint".
func runLint(c *cli.Context) error {
	var opt lint.Options
	var err error
	if opt.Path, opt.Users, opt.Groups, opt.Mapping, err = orgArgs(c); err != nil {
		return exitWith(exitUsage, err)
	}
	outputs, err := parseFormatFlags(*c.Generic("format").(*formatFlags), c.String("output"))
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if opt.Severities, err = parseRuleFlags(c.StringSlice("rule")); err != nil {
		return exitWith(exitUsage, err)
	}
	if opt.Schemas, err = parseSchemaFlags(c.StringSlice("schema")); err != nil {
		return exitWith(exitUsage, err)
	}
	opt.Keys = redactorOf(c) // a field holding the key: rule api-key
	sarifMax := c.Int("sarif-max-results")
	switch {
	case sarifMax < 0:
		return exitWith(exitUsage, fmt.Errorf("--sarif-max-results %d: want a number of results, or 0 for all", sarifMax))
	case sarifMax == 0:
		sarifMax = -1 // every result
	}
	rep, err := lint.Run(opt)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	popt := lint.PrintOptions{
		MaxPerRule:      c.Int("max-per-rule"),
		SARIFMaxResults: sarifMax,
		Version:         toolVersion(),
		Strict:          c.Bool("strict"),
		FullReport:      fullReport(outputs),
		Redact:          redactorOf(c).String,
	}
	for _, out := range outputs {
		write := func(w io.Writer) error { return lint.Print(w, out.format, rep, popt) }
		// The text and summary formats are for a person: messages. The
		// others are data, the org's values as they are (never a key: see
		// redact.go).
		switch text := out.format == "text" || out.format == "summary"; {
		case out.file != "" && text:
			err = writeText(c, out.file, write)
		case out.file != "":
			err = writeData(c, out.file, write)
		case text:
			err = write(msgOut(c))
		default:
			err = write(c.App.Writer)
		}
		if err != nil {
			return exitWith(exitUsage, err)
		}
	}
	if err := appendStepSummary(c, outputs, rep, popt); err != nil {
		return exitWith(exitUsage, err)
	}
	if rep.Failed(c.Bool("strict")) {
		return exitWith(exitFindings, nil)
	}
	return nil
}

// stepSummaryEnv names the file that GitHub Actions shows as the job
// summary of a step; each step appends Markdown to it.
const stepSummaryEnv = "GITHUB_STEP_SUMMARY"

// appendStepSummary appends the summary format to the file that
// GITHUB_STEP_SUMMARY names, when it is set and no --format summary says
// where the summary goes. The summary is made whole (it is bounded) and
// through the run's redactor first, then appended with one write.
func appendStepSummary(c *cli.Context, outputs []lintOutput, rep *lint.Report, popt lint.PrintOptions) error {
	path := os.Getenv(stepSummaryEnv)
	if path == "" || slices.ContainsFunc(outputs, func(o lintOutput) bool { return o.format == "summary" }) {
		return nil
	}
	var buf bytes.Buffer
	w := redactorOf(c).Writer(&buf)
	if err := lint.Print(w, "summary", rep, popt); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("%s: cannot append the job summary (%s): %w", path, stepSummaryEnv, fserr.WithoutPath(err))
	}
	md := buf.Bytes()
	// Markdown after what others wrote needs a blank line to start afresh.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		md = append([]byte{'\n'}, md...)
	}
	_, err = f.Write(md)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: cannot append the job summary (%s): %w", path, stepSummaryEnv, fserr.WithoutPath(err))
	}
	return nil
}

// fullReport returns the file the json format is written to in this
// run, for the capped formats to name as the whole list ("" if none).
func fullReport(outputs []lintOutput) string {
	for _, o := range outputs {
		if o.format == "json" && o.file != "" {
			return o.file
		}
	}
	return ""
}

// formatFlags are the --format flags as given, one per flag: not split at
// commas as a string slice would be, since a file name may hold one.
type formatFlags []string

// formatFlagsCopy starts the form in which urfave/cli copies the flags
// from --format to -f ([formatFlags.Serialize]).
const formatFlagsCopy = "\x00formats:"

// Set adds one --format flag, or takes the whole list when urfave/cli
// copies it between the flag's two names.
func (f *formatFlags) Set(s string) error {
	if list, ok := strings.CutPrefix(s, formatFlagsCopy); ok {
		return json.Unmarshal([]byte(list), (*[]string)(f))
	}
	*f = append(*f, s)
	return nil
}

// String lists the flags as given.
func (f *formatFlags) String() string { return strings.Join(*f, " ") }

// Serialize writes the list for urfave/cli to copy it whole to the
// flag's other name, instead of adding its String as one more flag.
func (f *formatFlags) Serialize() string {
	b, _ := json.Marshal([]string(*f))
	return formatFlagsCopy + string(b)
}

// lintOutput is one report to write: a format, and the file to write it
// to ("" for stdout).
type lintOutput struct{ format, file string }

// parseFormatFlags reads the --format FORMAT[=FILE] flags (text when none)
// with -o, which names the file of the format given without one. At most
// one format goes to stdout, and no file is named twice.
func parseFormatFlags(flags []string, output string) ([]lintOutput, error) {
	if len(flags) == 0 {
		flags = []string{"text"}
	}
	if output == "-" {
		output = ""
	}
	var outs []lintOutput
	var bare []string
	files := map[string]string{} // file -> the flag naming it
	for _, f := range flags {
		format, file, hasFile := strings.Cut(f, "=")
		format = strings.TrimSpace(format)
		if !slices.Contains(lint.Formats(), format) {
			return nil, fmt.Errorf("unknown format %q (use %s)", format, strings.Join(lint.Formats(), ", "))
		}
		if hasFile && file == "" {
			return nil, fmt.Errorf("--format %q: no file after =; want FORMAT=FILE, e.g. --format sarif=ovsync.sarif", f)
		}
		if file == "-" {
			file = ""
		}
		if !hasFile {
			bare = append(bare, f)
			file = output
		}
		if file == "" && len(bare) > 1 || file == "" && slices.ContainsFunc(outs, func(o lintOutput) bool { return o.file == "" }) {
			return nil, fmt.Errorf("--format %q: only one report can go to stdout; write the others to files: --format %s=FILE", f, format)
		}
		if file != "" && !hasFile && len(bare) > 1 {
			return nil, fmt.Errorf("--format %q: -o names the file of one format only; write the others as --format %s=FILE", f, format)
		}
		if first, dup := files[file]; dup && file != "" {
			return nil, fmt.Errorf("--format %q: %s is also the file of --format %q", f, file, first)
		}
		if file != "" {
			files[file] = f
		}
		outs = append(outs, lintOutput{format, file})
	}
	if output != "" && len(bare) == 0 {
		return nil, fmt.Errorf("-o %s: every --format names its own file; give -o with a --format without =FILE, or drop it", output)
	}
	return outs, nil
}

// parseRuleFlags reads --rule ID=SEV flags.
func parseRuleFlags(flags []string) (map[string]lint.Severity, error) {
	out := map[string]lint.Severity{}
	for _, f := range flags {
		id, sev, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("--rule %q: want ID=SEV, e.g. --rule email-case=error", f)
		}
		id = strings.TrimSpace(id)
		if _, known := lint.LookupRule(id); !known {
			return nil, fmt.Errorf("--rule %q: %w", f, lint.UnknownRule(id))
		}
		s, err := lint.ParseSeverity(sev)
		if err != nil {
			return nil, fmt.Errorf("--rule %q: %v", f, err)
		}
		out[id] = s
	}
	return out, nil
}

// parseSchemaFlags reads --schema KIND=FILE flags.
func parseSchemaFlags(flags []string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range flags {
		kind, file, ok := strings.Cut(f, "=")
		if !ok || file == "" {
			return nil, fmt.Errorf("--schema %q: want KIND=FILE, e.g. --schema users=users.extra.schema.json", f)
		}
		if _, err := lint.ParseKind(kind); err != nil {
			return nil, fmt.Errorf("--schema %q: %v", f, err)
		}
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("--schema %q: %s: no such file", f, file)
		}
		out[strings.ToLower(kind)] = file
	}
	return out, nil
}
