package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/schemas"
)

// schemaCommand is "ovsync schema".
func schemaCommand() *cli.Command {
	return &cli.Command{
		Name:      "schema",
		Usage:     "print the JSON Schema of a row of one of the CSV files",
		ArgsUsage: "users|groups|mapping|members|teams|teams-mappings",
		Description: `users, groups and mapping are the legacy Officevibe files (users.csv,
groups.csv, groups-mapping.csv); members, teams and teams-mappings are
Workleap API provisioning's (members.csv, teams.csv, teams-mappings.csv).

The schemas (JSON Schema 2020-12) are where lint's field rules live. A row
is an object of column name to value, all strings, spaces around values
removed; "x-ovsync-rule" names the lint rule of each constraint and other
validators ignore it.

Exit status: 0 printed; 2 usage (no name, or an unknown one).

Examples:
   ovsync schema users > users.schema.json
   ovsync schema mapping`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return exitWith(exitUsage, fmt.Errorf("schema takes one name: %s", strings.Join(schemas.Names, ", ")))
			}
			b, err := schemas.Get(c.Args().First())
			if err != nil {
				return exitWith(exitUsage, err)
			}
			_, err = c.App.Writer.Write(b)
			return err
		},
	}
}
