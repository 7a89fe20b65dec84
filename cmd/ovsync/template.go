package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/convert"
	"github.com/ovsync/ovsync/lint"
)

// templateCommand is "ovsync template".
func templateCommand() *cli.Command {
	return &cli.Command{
		Name:  "template",
		Usage: "write an .xlsx workbook to fill in, that convert turns into the three files",
		Description: `Writes a workbook with Users, Groups and Mapping sheets: the exact column
names in frozen header rows (required columns darker), drop-down lists for
language and for isMember and isManager, ID columns formatted as text so
that leading zeros stay, a few example rows, and an Instructions sheet.
"ovsync convert" turns it back into users.csv, groups.csv and
groups-mapping.csv.

With --file-format provisioning, the workbook is in Workleap's API
provisioning format: Members, Teams and Teams-mappings sheets, language
codes (en, fr, es, pt, de) in the drop-down and a productAssignations
column; it converts back into members.csv, teams.csv and
teams-mappings.csv. It is written to Workleap.xlsx unless -o says
otherwise.

An existing file is not replaced unless --force is given.

Exit status: 0 written; 2 not written (the file exists, or cannot be written).

Examples:
   ovsync template
   ovsync template -o "Acme org.xlsx"
   ovsync convert --out Data Officevibe.xlsx
   ovsync template --file-format provisioning`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "Officevibe.xlsx", Usage: "write the workbook to `FILE` (- for standard output)", TakesFile: true},
			&cli.StringFlag{Name: "file-format", Value: "legacy", Usage: "write the template in the file format `FORMAT`: legacy or provisioning"},
			&cli.BoolFlag{Name: "force", Usage: "replace FILE if it exists"},
		},
		Action: runTemplate,
	}
}

// runTemplate is the action of "ovsync template".
func runTemplate(c *cli.Context) error {
	if c.NArg() > 0 {
		return exitWith(exitUsage, fmt.Errorf("template takes no argument (write the file with -o FILE)"))
	}
	v, err := convert.ParseFormat(c.String("file-format"))
	if err != nil {
		return exitWith(exitUsage, err)
	}
	write := func(w io.Writer) error { return convert.WriteTemplate(w, v) }
	out := c.String("output")
	if !c.IsSet("output") && v == lint.Provisioning {
		out = "Workleap.xlsx"
	}
	if out == "-" {
		if err := write(c.App.Writer); err != nil {
			return exitWith(exitUsage, err)
		}
		return nil
	}
	if _, err := os.Stat(out); err == nil && !c.Bool("force") {
		return exitWith(exitUsage, fmt.Errorf("%s already exists: give another name with -o, or replace it with --force", out))
	}
	if err := writeData(c, out, write); err != nil {
		return exitWith(exitUsage, err)
	}
	notef(c.App.ErrWriter, "wrote %s: fill it in, then run \"ovsync convert --out DIR %s\"", out, out)
	return nil
}
