package main

import (
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/convert"
	"github.com/ovsync/ovsync/internal/table"
)

// migrateCommand is "ovsync migrate".
func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:      "migrate",
		Usage:     "rewrite legacy Officevibe files in Workleap's API provisioning format",
		ArgsUsage: "[PATH]",
		Description: `Officevibe's sync now belongs to Workleap, whose API provisioning reads
members.csv, teams.csv and teams-mappings.csv. migrate writes those from the
legacy users.csv, groups.csv and groups-mapping.csv: files and columns
renamed (id -> externalMemberId, groupId -> externalTeamId, ...), language
names turned into codes (Français -> fr), every other column and every row
kept as written and in order. All files are written, or none; it never
writes over its input. The ApiKey of a config is not copied (the new
config.json has "ApiKey": ""): give the key to push with OFFICEVIBE_API_KEY
or --api-key-file. PATH is a config.json or its folder, as for lint
(the new org then gets its own config.json and Data/ folder), or name the
files with --users, --groups and --mapping.

Exit status: 0 written; 2 nothing written (usage, an unreadable input, or
an output that cannot be written: the message names it).

Examples:
   ovsync migrate testdata/sample --out testdata/sample-provisioning
   ovsync migrate --users users.csv --groups groups.csv --mapping groups-mapping.csv --out new/
   ovsync lint new/                      then check the result`,
		Flags: append(orgFileFlags(func(f string) string { return "legacy " + f + " (no config)" }),
			&cli.StringFlag{Name: "out", Usage: "write the successor files into `DIR` (required)", TakesFile: true},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not print the table of what was renamed"},
		),
		Action: func(c *cli.Context) error {
			opt := convert.MigrateOptions{Out: c.String("out"), Redactor: redactorOf(c), Log: c.App.ErrWriter}
			var err error
			if opt.Config, opt.Users, opt.Groups, opt.Mapping, err = orgArgs(c); err != nil {
				return exitWith(exitUsage, err)
			}
			renamed, err := convert.Migrate(opt)
			if err != nil {
				return exitWith(exitUsage, err)
			}
			if c.Bool("quiet") {
				return nil
			}
			rows := make([][]string, len(renamed))
			for i, r := range renamed {
				count := ""
				if r.What == "values" {
					count = strconv.Itoa(r.Count)
				}
				rows[i] = []string{r.What, r.From, r.To, count}
			}
			return table.Write(c.App.ErrWriter, []string{"RENAMED", "FROM", "TO", "VALUES"}, rows, 3)
		},
	}
}
