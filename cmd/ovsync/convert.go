package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/convert"
	"github.com/ovsync/ovsync/lint"
)

// convertCommand is "ovsync convert".
func convertCommand() *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "turn HR spreadsheets (.xlsx, .xls, .ods, CSV, HTML) into users.csv, groups.csv and groups-mapping.csv (or members.csv, teams.csv and teams-mappings.csv)",
		ArgsUsage: "FILE...",
		Description: `Reads each FILE whatever its name says: an .xlsx or .xls workbook, an
OpenDocument spreadsheet (.ods, .fods), or the text HR systems save as
".xls" (CSV, TSV or semicolon-separated text in UTF-8, UTF-16 or
Windows-1252, or an HTML table). "-" reads standard input.

Each sheet becomes the file its header row says: the first row, of its
first 20, that holds the required columns of one of the legacy files
` + requiredColumns(lint.Legacy) + `or of one of their successors in Workleap's API provisioning format
` + requiredColumns(lint.Provisioning) + `
Names match whatever their case, spaces, underscores or hyphens ("First
Name" is firstName); other columns are custom properties and keep their
names. A workbook with Users, Groups and Mapping sheets gives all three
files. The sheets of one run must all be in one format; --file-format chooses
it for a header that holds the columns of both. Cells are written as shown
to a person: IDs keep their leading zeros, numbers are never in exponent
form, dates are ISO 8601 (2019-03-04), booleans TRUE and FALSE; a formula
gives its stored value, and an error cell (#N/A) stops the run. A formula
stored without a result is computed (the summary's COMPUTED column counts
them); one whose result cannot be known for sure (not computable, or a
stale stored result) stops the run, naming the cells.

Outputs go to --out DIR (under the canonical names of their format), to
the paths of --config, or with -o to one file ("-": standard output). They
are replaced atomically and all or nothing: if any input fails, no file is
touched.

Exit status: 0 converted; 2 nothing written (usage, an unreadable or
unsuitable input: the message names the file, sheet and cell).

Examples:
   ovsync convert --out Data Org.xlsx
   ovsync convert --config config.json "Users Sample .xls" "Groups Sample.xls" "Groups Mapping Sample.xls"
   ovsync convert --kind users -o - export.xls | ovsync lint --users /dev/stdin
   ovsync convert --encoding windows-1252 --delimiter ";" --out Data hr-export.csv`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "write the files into `DIR` under their canonical names (created if missing)", TakesFile: true},
			&cli.StringFlag{Name: "config", Usage: "write the files to the paths of `config.json` (or of the config.json in a folder)", TakesFile: true},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the one kind converted to `FILE` (- for standard output)", TakesFile: true},
			&cli.StringFlag{Name: "kind", Usage: "convert only sheets of `KIND`: users, groups or mapping (for members.csv, teams.csv and teams-mappings.csv too)"},
			&cli.StringFlag{Name: "file-format", Usage: "read headers in the file format `FORMAT` only: legacy or provisioning (default: what the headers say)"},
			&cli.StringSliceFlag{Name: "sheet", Usage: "convert only the sheet `NAME` of workbooks (repeatable)"},
			&cli.StringFlag{Name: "encoding", Usage: "read text inputs in `ENC` (utf-8, utf-16le, utf-16be, windows-1252, …) instead of detecting it"},
			&cli.StringFlag{Name: "delimiter", Usage: "field separator `CHAR` of text inputs (, ; tab |) instead of detecting it"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but errors"},
		},
		Action: runConvert,
	}
}

// requiredColumns lists the files of a format with their required
// columns for the help, one a line, indented.
func requiredColumns(v *lint.Vocabulary) string {
	var b strings.Builder
	for _, k := range convert.Kinds {
		fmt.Fprintf(&b, "  %-19s %s\n", v.FileNames[k], strings.Join(v.Required(k), ", "))
	}
	return b.String()
}

// runConvert is the action of "ovsync convert".
func runConvert(c *cli.Context) error {
	if cfg := c.String("config"); cfg != "" {
		seeConfig(c, cfg)
	}
	opt := convert.Options{
		Inputs:    c.Args().Slice(),
		Stdin:     c.App.Reader,
		Config:    c.String("config"),
		OutDir:    c.String("out"),
		Output:    c.String("output"),
		Stdout:    c.App.Writer,
		Encoding:  c.String("encoding"),
		Delimiter: c.String("delimiter"),
		Sheets:    c.StringSlice("sheet"),
		Kind:      c.String("kind"),
		Format:    c.String("file-format"),
		Redactor:  redactorOf(c),
	}
	if !c.Bool("quiet") {
		opt.Log = c.App.ErrWriter
		if isTerminal(c.App.ErrWriter) {
			opt.Progress = c.App.ErrWriter
		}
	}
	_, err := convert.Run(opt)
	return err
}

// isTerminal reports whether w is a terminal (a character device), where
// a progress line rewritten in place makes sense.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
