package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/push"
)

// planCommand is "ovsync plan".
func planCommand() *cli.Command {
	return &cli.Command{
		Name:      "plan",
		Usage:     "show what a push would change, and write it for push --plan",
		ArgsUsage: "[PATH]",
		Description: `Lints the org of PATH (a config.json or its folder; default: the current
folder; any error stops it, exit status 1), compares it with the state file
of the last push and prints the plan, what matters to people first: users
removed, managers losing access to a team's results, email changes (in the
legacy protocol each is counted as a removal and a new member), teams
removed, then additions and other changes. Nothing is sent; no key is needed.

-o FILE writes the plan as JSON: the protocol, the target, the SHA-256 of
each input file and of the state file, the counts and every change. Never
the API key. "ovsync push --plan FILE" sends exactly that plan, or nothing
(exit status 5) when the files, the state or the target changed since.

Examples:
   ovsync plan .
   ovsync plan . -o plan.json          review it, then, later:
   ovsync push . --plan plan.json
   ovsync plan --format json . | jq '.changes.managersLost'`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the plan as JSON to `FILE` (atomically), for push --plan", TakesFile: true},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "print the plan as `text` or json"},
			&cli.StringFlag{Name: "state", Usage: "the state `FILE` of the last push (default .ovsync/state.json beside the config)", TakesFile: true},
			&cli.StringFlag{Name: "protocol", Usage: "plan a push speaking `NAME`: " + strings.Join(push.Protocols(), " or ") + " (default: the one of the files' format)"},
			&cli.StringFlag{Name: "url", Usage: "plan a provisioning push to `URL` (default " + push.ProvisioningURL + ")"},
			&cli.StringSliceFlag{Name: "allow-host", Usage: "let ApiUrl name `HOST`, which is not an officevibe.com host (repeatable)"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show progress on stderr"},
		},
		Action: runPlan,
	}
}

// runPlan is the action of "ovsync plan".
func runPlan(c *cli.Context) error {
	path, err := onePath(c)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return exitWith(exitUsage, fmt.Errorf("--format %q: use text or json", format))
	}
	proto := c.String("protocol")
	if c.IsSet("protocol") && !slices.Contains(push.Protocols(), strings.ToLower(proto)) {
		return exitWith(exitUsage, fmt.Errorf("--protocol %q: use %s", proto, strings.Join(push.Protocols(), " or ")))
	}
	p, err := push.MakePlan(push.Options{
		Path: path,
		// The run's redactor learns the config's ApiKey: stdout and -o hide it.
		Remote:  push.Remote{Protocol: proto, URL: c.String("url"), AllowHosts: c.StringSlice("allow-host"), Redactor: redactorOf(c)},
		State:   c.String("state"),
		Verbose: c.Bool("verbose"),
		Stdout:  c.App.Writer,
		Stderr:  c.App.ErrWriter,
	})
	if err != nil {
		return remoteExit(err)
	}
	if out := c.String("output"); out != "" {
		if err := p.WritePlanFile(out); err != nil {
			return exitWith(exitUsage, err)
		}
	}
	if format == "json" {
		err = p.WriteJSON(c.App.Writer)
	} else {
		err = p.Print(c.App.Writer)
		if out := c.String("output"); err == nil && out != "" {
			fmt.Fprintf(c.App.Writer, "plan written to %s: apply it with ovsync push --plan %s\n", out, out)
		}
	}
	if err != nil {
		return exitWith(exitUsage, err)
	}
	return nil
}
