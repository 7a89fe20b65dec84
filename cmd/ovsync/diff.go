package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/push/plan"
)

// Exit statuses of diff beyond 0 (nothing changes), as diff(1) has them.
const (
	exitDiffChanged = 1 // something changes
	exitDiffTrouble = 2 // usage, or a side that cannot be read
)

// diffCommand is "ovsync diff".
func diffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "show what changes between two orgs, as a push of NEW after OLD would",
		ArgsUsage: "OLD NEW",
		Description: `Compares two orgs and prints the plan a push of NEW after OLD would make:
users removed, managers losing access, email changes, teams removed, then
additions and other changes. OLD and NEW are each a config.json, a folder
holding one, a folder of the org's files without config.json (users.csv,
groups.csv and groups-mapping.csv, all three, as lint reads it), or a state
file of ovsync push (.ovsync/state.json). No network, no key. The files are
read, not linted: run "ovsync lint" for that.

Exit status, as diff's:
   0  nothing changes
   1  something changes
   2  usage, or a side that cannot be read

Examples:
   ovsync diff exports/yesterday exports/today
   ovsync diff .ovsync/state.json .        what the next push would change
   ovsync diff --format json old new | jq '.users.removed'`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "print the plan as `text` or json"},
		},
		Action: runDiff,
	}
}

// runDiff is the action of "ovsync diff".
func runDiff(c *cli.Context) error {
	if c.NArg() != 2 {
		return exitWith(exitDiffTrouble, fmt.Errorf("diff takes OLD and NEW, got %d arguments", c.NArg()))
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return exitWith(exitDiffTrouble, fmt.Errorf("--format %q: use text or json", format))
	}
	// Either side's ApiKey stays out of what diff prints.
	seeConfig(c, c.Args().Get(0))
	seeConfig(c, c.Args().Get(1))
	p, err := plan.Diff(plan.DiffOptions{Old: c.Args().Get(0), New: c.Args().Get(1), Protocols: planBase(c).Protocols})
	if err != nil {
		return exitWith(exitDiffTrouble, err)
	}
	if format == "json" {
		err = p.WriteJSON(c.App.Writer)
	} else {
		err = p.Print(msgOut(c))
	}
	if err != nil {
		return exitWith(exitDiffTrouble, err)
	}
	if p.HasChanges() {
		return exitWith(exitDiffChanged, nil)
	}
	return nil
}
