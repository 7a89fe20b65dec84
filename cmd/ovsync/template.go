package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/convert"
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

An existing file is not replaced unless --force is given.

Exit status: 0 written; 2 not written (the file exists, or cannot be written).

Examples:
   ovsync template
   ovsync template -o "Acme org.xlsx"
   ovsync convert --out Data Officevibe.xlsx`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "Officevibe.xlsx", Usage: "write the workbook to `FILE` (- for standard output)", TakesFile: true},
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
	out := c.String("output")
	if out == "-" {
		if err := convert.WriteTemplate(c.App.Writer); err != nil {
			return exitWith(exitUsage, err)
		}
		return nil
	}
	if _, err := os.Stat(out); err == nil && !c.Bool("force") {
		return exitWith(exitUsage, fmt.Errorf("%s already exists: give another name with -o, or replace it with --force", out))
	}
	if err := writeOutput(c, out, convert.WriteTemplate); err != nil {
		return exitWith(exitUsage, err)
	}
	fmt.Fprintf(c.App.ErrWriter, "wrote %s: fill it in, then run \"ovsync convert --out DIR %s\"\n", out, out)
	return nil
}
