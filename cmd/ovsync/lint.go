package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

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
   ovsync lint --rule user-without-team=off --strict config.json
   ovsync lint --schema users=our-users.schema.json .`,
		Flags: append(orgFileFlags(func(f string) string { return f + " to lint (no config)" }),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: " + strings.Join(lint.Formats(), ", ")},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` (atomically) instead of stdout", TakesFile: true},
			&cli.StringSliceFlag{Name: "rule", Usage: "set a rule's severity: `ID=SEV` with SEV error, warning, info or off (repeatable)"},
			&cli.BoolFlag{Name: "strict", Usage: "warnings fail the run too (exit status 1)"},
			&cli.IntFlag{Name: "max-per-rule", Value: 50, Usage: "text format: show at most `N` findings of each rule (0: all)"},
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
	format := c.String("format")
	if !slices.Contains(lint.Formats(), format) {
		return exitWith(exitUsage, fmt.Errorf("unknown format %q (use %s)", format, strings.Join(lint.Formats(), ", ")))
	}
	if opt.Severities, err = parseRuleFlags(c.StringSlice("rule")); err != nil {
		return exitWith(exitUsage, err)
	}
	if opt.Schemas, err = parseSchemaFlags(c.StringSlice("schema")); err != nil {
		return exitWith(exitUsage, err)
	}
	rep, err := lint.Run(opt)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	popt := lint.PrintOptions{MaxPerRule: c.Int("max-per-rule"), Version: toolVersion()}
	write := func(w io.Writer) error { return lint.Print(w, format, rep, popt) }
	if out := c.String("output"); out != "" && out != "-" {
		err = writeOutput(c, out, write)
	} else {
		err = write(c.App.Writer)
	}
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if rep.Failed(c.Bool("strict")) {
		return exitWith(exitFindings, nil)
	}
	return nil
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
			return nil, fmt.Errorf("--rule %q: unknown rule %q (see the rule table in the README)", f, id)
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
