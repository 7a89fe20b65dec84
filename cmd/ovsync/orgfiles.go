package main

import (
	"fmt"
	"os"
	"path/filepath"
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
// folder) or the files of --users, --groups and --mapping, not both.
func orgArgs(c *cli.Context) (path, users, groups, mapping string, err error) {
	if path, err = onePath(c); err != nil {
		return "", "", "", "", err
	}
	users, groups, mapping = c.String("users"), c.String("groups"), c.String("mapping")
	if path != "" && (users != "" || groups != "" || mapping != "") {
		return "", "", "", "", fmt.Errorf("give either PATH or --users/--groups/--mapping, not both")
	}
	if u, g, m, ok := dataFolder(path); ok {
		return "", u, g, m, nil
	}
	if users == "" && groups == "" && mapping == "" {
		seeConfig(c, path)
	}
	return path, users, groups, mapping, nil
}

// dataFolder reads a folder without config.json that holds the org's files
// under their canonical names (users.csv, groups.csv, groups-mapping.csv,
// or Workleap's members.csv, teams.csv, teams-mappings.csv), such as the
// Data folder beside the original tool's config.json, as if they had been
// given with --users, --groups and --mapping. It names the files of the
// format with more of them present; a file that is absent stays "" and the
// rules that need it do not run, as with the flags.
func dataFolder(path string) (users, groups, mapping string, ok bool) {
	if path == "" {
		return "", "", "", false
	}
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		return "", "", "", false
	}
	if _, err := os.Stat(filepath.Join(path, "config.json")); err == nil {
		return "", "", "", false
	}
	best, bestCount := [3]string{}, 0
	for _, v := range lint.Vocabularies {
		var found [3]string
		count := 0
		for k, name := range v.FileNames {
			p := filepath.Join(path, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				found[k], count = p, count+1
			}
		}
		if count > bestCount {
			best, bestCount = found, count
		}
	}
	if bestCount == 0 {
		return "", "", "", false
	}
	return best[0], best[1], best[2], true
}
