package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/lint"
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
// folder) or the files of --users, --groups and --mapping, not both. A
// PATH that is a folder of org files without config.json comes back as
// its three files (lint.DataFolder, which every command that reads an org
// goes through), and one of them missing is an error.
func orgArgs(c *cli.Context) (path, users, groups, mapping string, err error) {
	if path, err = onePath(c); err != nil {
		return "", "", "", "", err
	}
	users, groups, mapping = c.String("users"), c.String("groups"), c.String("mapping")
	if users != "" || groups != "" || mapping != "" {
		if path != "" {
			return "", "", "", "", fmt.Errorf("give either PATH or --users/--groups/--mapping, not both")
		}
		return "", users, groups, mapping, nil
	}
	files, ok, err := lint.DataFolder(path)
	if err != nil {
		return "", "", "", "", err
	}
	if ok {
		return "", files[lint.KindUsers], files[lint.KindGroups], files[lint.KindMapping], nil
	}
	seeConfig(c, path)
	return path, "", "", "", nil
}
