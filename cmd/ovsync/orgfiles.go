package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// orgFileFlags are the --users, --groups and --mapping flags of the
// commands that read an org without a config; usage says, for a file
// name, what the command does with it.
func orgFileFlags(usage func(file string) string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "users", Usage: usage("users.csv"), TakesFile: true},
		&cli.StringFlag{Name: "groups", Usage: usage("groups.csv"), TakesFile: true},
		&cli.StringFlag{Name: "mapping", Usage: usage("groups-mapping.csv"), TakesFile: true},
	}
}

// onePath returns the command's PATH argument ("" when none), refusing
// more than one.
func onePath(c *cli.Context) (string, error) {
	if c.NArg() > 1 {
		return "", fmt.Errorf("%s takes one PATH, got %d: %s", c.Command.Name, c.NArg(), strings.Join(c.Args().Slice(), " "))
	}
	return c.Args().First(), nil
}

// orgArgs returns the org a command reads: its PATH (a config.json or its
// folder) or the files of --users, --groups and --mapping, not both.
func orgArgs(c *cli.Context) (path, users, groups, mapping string, err error) {
	if path, err = onePath(c); err != nil {
		return "", "", "", "", err
	}
	users, groups, mapping = c.String("users"), c.String("groups"), c.String("mapping")
	if path != "" && (users != "" || groups != "" || mapping != "") {
		return "", "", "", "", fmt.Errorf("give either PATH or --users/--groups/--mapping, not both")
	}
	if users == "" && groups == "" && mapping == "" {
		seeConfig(c, path)
	}
	return path, users, groups, mapping, nil
}
