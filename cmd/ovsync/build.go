package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/convert/build"
	"github.com/ovsync/ovsync/convert/hrexport"
)

// buildCommand is "ovsync build".
func buildCommand() *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "make users.csv, groups.csv and groups-mapping.csv from an HR system's employee export, with every manager's teams",
		ArgsUsage: "FILE",
		Description: `Reads FILE, an employee export (one row per person, with a column naming
each person's manager) in any form convert reads: .xlsx, .xls, .ods, an
HTML table, CSV/TSV/semicolon text in UTF-8, UTF-16 or Windows-1252. "-"
reads standard input.

The header is the first of the first 20 rows that holds an id and a
manager column. Columns are named by flag or found by their usual names
(case, spaces, "_", "-" and "#" aside):
` + detectedHeaders() + `
The manager column holds the manager's id or email, or, with
--manager-key, a value of another column (a row key of a data warehouse,
an HR system's internal id), looked up over every row, filtered or not.
Empty, NULL, null, None, N/A and #N/A mean no manager.

For every manager it makes a direct-reports team (the reports as members,
the manager as manager and not member) and, for a manager whose reports
manage, a hierarchy team of sub-teams (their direct-reports team and the
top team of each report who manages). --team-by adds a team per value of a
column. Team ids come from stable keys only (D-ID, H-ID, S-COLUMN=VALUE),
so that next month's export keeps them.

Defects stop the run, all of them listed with their line (or sheet and
cell), and nothing is written: reporting cycles, managers the export does
not hold or --where leaves out, duplicate ids and emails, names over 50
characters, job titles over 255, languages Officevibe does not have.
Files are written atomically and all or nothing; they lint with no error
and no warning.

Exit status: 0 built; 2 nothing written (usage, an unreadable export, or
defects of the export: each is named with its fix).

Examples:
   ovsync build hr-export.xlsx --out Data
   ovsync build people.csv --config config.json --team-by Department
   ovsync build DimEmployee.csv --out Data --id EmployeeNationalIDAlternateKey --manager ParentEmployeeKey --manager-key EmployeeKey --where Status=Current`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "write the files into `DIR` under their canonical names (created if missing)", TakesFile: true},
			&cli.StringFlag{Name: "config", Usage: "write the files to the paths of `config.json` (or of the config.json in a folder)", TakesFile: true},
			&cli.StringFlag{Name: "file-format", Usage: "write the files in `FORMAT`: legacy (users.csv…, the default) or provisioning (members.csv…, language codes)"},
			&cli.StringFlag{Name: "id", Usage: "the person's id is `COLUMN`"},
			&cli.StringFlag{Name: "email", Usage: "the person's work email is `COLUMN`"},
			&cli.StringFlag{Name: "first-name", Usage: "the first name is `COLUMN`"},
			&cli.StringFlag{Name: "last-name", Usage: "the last name is `COLUMN`"},
			&cli.StringFlag{Name: "name", Usage: "`COLUMN` holds both names, \"First Last\" or \"Last, First\""},
			&cli.StringFlag{Name: "job-title", Usage: "the job title is `COLUMN`"},
			&cli.StringFlag{Name: "language", Usage: "the language is `COLUMN` (English, Français…, fr, fr-CA, French, Deutsch…)"},
			&cli.StringFlag{Name: "image-url", Usage: "the URL of the person's picture is `COLUMN` (never detected)"},
			&cli.StringFlag{Name: "manager", Usage: "the manager's id or email (or --manager-key value) is `COLUMN`"},
			&cli.StringFlag{Name: "manager-key", Usage: "the manager column holds values of `COLUMN`, which leads to that row's person"},
			&cli.GenericFlag{Name: "where", Value: &repeated{}, Usage: "build only rows where `COLUMN=VALUE` (or COLUMN!=VALUE) holds, without case (repeatable: all must hold)"},
			&cli.GenericFlag{Name: "team-by", Value: &repeated{}, Usage: "add a team per value of `COLUMN` (repeatable)"},
			&cli.GenericFlag{Name: "property", Value: &repeated{}, Usage: "write `[NAME=]COLUMN` to users.csv as a custom property (repeatable); no other column leaves"},
			&cli.StringFlag{Name: "team-id-prefix", Usage: "start every generated team id with `PREFIX`"},
			&cli.StringFlag{Name: "direct-name", Usage: "name direct-reports teams by `TEMPLATE` ({name}, {first}, {last}, {id}, {title}; default \"" + build.DefaultDirect + "\")"},
			&cli.StringFlag{Name: "hierarchy-name", Usage: "name hierarchy teams by `TEMPLATE` (default \"" + build.DefaultHierarchy + "\")"},
			&cli.StringFlag{Name: "segment-name", Usage: "name segment teams by `TEMPLATE` ({column}, {value}; default \"" + build.DefaultSegment + "\")"},
			&cli.StringFlag{Name: "add", Usage: "merge the hand-made teams and mappings of `DIR` (groups.csv, groups-mapping.csv, or a config.json)", TakesFile: true},
			&cli.StringFlag{Name: "unknown-manager", Value: "error", Usage: "a manager the export does not hold is an `error`, or a root (with a warning)"},
			&cli.StringFlag{Name: "sheet", Usage: "read the sheet `NAME` of a workbook"},
			&cli.StringFlag{Name: "encoding", Usage: "read a text export in `ENC` (utf-8, utf-16le, windows-1252, …) instead of detecting it"},
			&cli.StringFlag{Name: "delimiter", Usage: "field separator `CHAR` of a text export (, ; tab |) instead of detecting it"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but warnings and errors"},
		},
		Action: runBuild,
	}
}

// detectedHeaders lists the headers found for each role, for the help.
func detectedHeaders() string {
	var b strings.Builder
	for r := range hrexport.NumRoles {
		fmt.Fprintf(&b, "  %-11s %s\n", r, strings.Join(hrexport.Headers[r], ", "))
	}
	return b.String()
}

// repeated is a flag value that each use adds to; unlike a string slice
// flag it never splits a value at commas ("Location=Montréal, QC").
type repeated []string

func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }
func (r *repeated) String() string {
	if r == nil {
		return ""
	}
	return strings.Join(*r, "; ")
}

// values returns the values of a repeated flag.
func values(c *cli.Context, name string) []string {
	if r, ok := c.Generic(name).(*repeated); ok && r != nil {
		return *r
	}
	return nil
}

// runBuild is the action of "ovsync build".
func runBuild(c *cli.Context) error {
	if c.NArg() != 1 {
		return exitWith(exitUsage, fmt.Errorf("build takes one FILE, the HR export, got %d (see \"ovsync build --help\")", c.NArg()))
	}
	unknownRoot := false
	switch u := c.String("unknown-manager"); u {
	case "error":
	case "root":
		unknownRoot = true
	default:
		return exitWith(exitUsage, fmt.Errorf("--unknown-manager %q: use error or root", u))
	}
	if cfg := c.String("config"); cfg != "" {
		seeConfig(c, cfg)
	}
	if add := c.String("add"); add != "" {
		seeConfig(c, add)
	}
	opt := build.Options{
		Input:  c.Args().First(),
		Stdin:  c.App.Reader,
		OutDir: c.String("out"), Config: c.String("config"),
		Format:   c.String("file-format"),
		Encoding: c.String("encoding"), Delimiter: c.String("delimiter"), Sheet: c.String("sheet"),
		Columns: build.Columns{
			ID: c.String("id"), Email: c.String("email"),
			FirstName: c.String("first-name"), LastName: c.String("last-name"), Name: c.String("name"),
			JobTitle: c.String("job-title"), Language: c.String("language"),
			ImageURL: c.String("image-url"),
			Manager:  c.String("manager"), ManagerKey: c.String("manager-key"),
		},
		Where:        values(c, "where"),
		TeamBy:       values(c, "team-by"),
		Properties:   values(c, "property"),
		TeamIDPrefix: c.String("team-id-prefix"),
		Names: build.Names{
			Direct: c.String("direct-name"), Hierarchy: c.String("hierarchy-name"), Segment: c.String("segment-name"),
		},
		Add:                c.String("add"),
		UnknownManagerRoot: unknownRoot,
		Keys:               redactorOf(c), // a cell holding the key whole is refused
		Warn: func(msg, hint string) {
			warnf(c.App.ErrWriter, hint, "%s", msg)
		},
	}
	if !c.Bool("quiet") {
		opt.Log = c.App.ErrWriter
	}
	_, err := build.Run(opt)
	return err
}
