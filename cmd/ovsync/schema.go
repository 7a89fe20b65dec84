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
		Usage:     "print the JSON Schema of a row of users.csv, groups.csv or groups-mapping.csv",
		ArgsUsage: "users|groups|mapping",
		Description: `The schemas (JSON Schema 2020-12) are where lint's field rules live. A row
is an object of column name to value, all strings, spaces around values
removed; "x-ovsync-rule" names the lint rule of each constraint and other
validators ignore it.

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
