package main

import (
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/report"
	"github.com/ovsync/ovsync/push"
)

// reportCommand is "ovsync report".
func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write one self-contained HTML page: findings, the next push's plan and the team tree",
		ArgsUsage: "[PATH]",
		Description: `Writes a single HTML file that needs nothing else (no network, no fonts or
scripts fetched): open it from disk, attach it to an e-mail or keep it as a
CI artifact. It shows the files and the verdict, every lint finding with
its row and the offending field highlighted (filters by severity, rule and
file, and a search box), what a push would change against the state file
of the last push (or that it would be the first), and the teams as a
collapsible tree with the marks of "ovsync graph"; click a team to list its
members and managers.

PATH is a config.json or its folder, as for lint; --users, --groups and
--mapping read files without a config (there is no plan then). The API key
is never read into the page.

The plan is the one "ovsync plan" prints with the same flags: --state,
--protocol, --url, --allow-host, the --max-* guards and --first-push are
push's, so the page lists exactly the guards the push would trip.

Exit status: 0 the report is written; 1 it is written but lint found
errors; 2 the run failed (usage, unreadable file).

Examples:
   ovsync report testdata/sample
   ovsync report . -o /tmp/org.html
   ovsync report --users users.csv --groups groups.csv --mapping groups-mapping.csv`,
		Flags: slices.Concat(orgFileFlags(func(f string) string { return f + " to read (no config)" }),
			planFlags("plan a provisioning push to `URL` (default "+push.ProvisioningURL+")"),
			[]cli.Flag{
				allowHostFlag(),
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "ovsync-report.html", Usage: "write the page to `FILE` (atomically); - for stdout", TakesFile: true},
			}),
		Action: runReport,
	}
}

// reportOptions reads report's flags: the org to lint, and the options
// of the plan the page shows, which are the push's (planOptions): its
// state file, target and guards.
func reportOptions(c *cli.Context) (report.Options, error) {
	var opt report.Options
	var err error
	if opt.Lint.Path, opt.Lint.Users, opt.Lint.Groups, opt.Lint.Mapping, err = orgArgs(c); err != nil {
		return opt, err
	}
	if opt.Plan, err = planOptions(c); err != nil {
		return opt, err
	}
	opt.Version = toolVersion()
	opt.Lint.Keys = redactorOf(c)
	return opt, nil
}

// runReport is the action of "ovsync report".
func runReport(c *cli.Context) error {
	opt, err := reportOptions(c)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	r, err := report.New(c.Context, opt)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if err := r.Lint().KeyError(); err != nil {
		// The org holds the key: no page of it.
		return lintStop(c, r.Lint(), err)
	}
	out := c.String("output")
	if out == "-" {
		err = r.Write(c.App.Writer)
	} else {
		err = writeData(c, out, r.Write)
	}
	if err != nil {
		return exitWith(exitUsage, err)
	}
	s := r.Lint().Summary
	if out != "-" {
		notef(c.App.ErrWriter, "report written to %s: %s, %s, %d info", displaypath.Of(out),
			plural.Count(s.Errors, "error", "errors"), plural.Count(s.Warnings, "warning", "warnings"), s.Infos)
	}
	if s.Errors > 0 {
		return exitWith(exitFindings, nil)
	}
	return nil
}
