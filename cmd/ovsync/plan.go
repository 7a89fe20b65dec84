package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
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

It takes push's --state, --protocol, --url, --allow-host, --max-* and
--first-push flags, and ends with the guards a push with the same flags
would trip (exit status 5 for the push; plan itself exits 0). Without a
record of the last push to the target (no state file, or one of another
ApiUrl or protocol) its first line says "first push", and the first guard
is that one: --first-push accepts it, for a real first push.

-o FILE writes the plan as JSON: the protocol, the target, the SHA-256 of
each input file and of the state file, the counts and every change. Never
the API key. "ovsync push --plan FILE" sends exactly that plan, or nothing
(exit status 5) when the files, the state or the target changed since.

Exit status: 0 the plan is printed, whatever guards it would trip; 1 lint
found errors in the files; 2 the run failed (usage, an unreadable file,
config or state file).

Examples:
   ovsync plan .
   ovsync plan . -o plan.json          review it, then, later:
   ovsync push . --plan plan.json
   ovsync plan . --max-removals 0      would the push remove anyone?
   ovsync plan --format json . | jq '.changes.managersLost'`,
		Flags: slices.Concat(planFlags("plan a provisioning push to `URL` (default "+push.ProvisioningURL+")"), []cli.Flag{
			allowHostFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the plan as JSON to `FILE` (atomically), for push --plan", TakesFile: true},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "print the plan as `text` or json"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show progress on stderr"},
		}),
		Action: runPlan,
	}
}

// planFlags are the flags that say what a push is planned against: the
// state file, the protocol and its URL (urlUsage), the guards. push, plan
// and report take them all, so that a plan and a report show exactly
// what the push would do and the guards it would trip.
func planFlags(urlUsage string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "state", Usage: "the state `FILE` of the last push, its record (default .ovsync/state.json beside the config)", TakesFile: true},
		&cli.BoolFlag{Name: "first-push", Usage: "accept a push without a record of the last push to its target (no state file, or one of another URL or protocol); refused when there is one"},
		&cli.StringFlag{Name: "max-removals", Value: plan.DefaultMaxRemovals, Usage: "stop when more than `N|P%` users would be removed (an email change counts as one in the legacy protocol)"},
		&cli.StringFlag{Name: "max-team-removals", Value: plan.DefaultMaxTeamRemovals, Usage: "stop when more than `N|P%` teams would be deleted (a share allows at least 3)"},
		&cli.StringFlag{Name: "max-manager-changes", Value: plan.DefaultMaxManagerChanges, Usage: "stop when more than `N|P%` managers would lose access to a team (a share allows at least 3)"},
		&cli.IntFlag{Name: "max-invites", Value: plan.DefaultMaxInvites, Usage: "with InviteNewUsers true, stop when more than `N` users would be invited (legacy protocol)"},
		&cli.StringFlag{Name: "protocol", Usage: "speak `NAME`: " + strings.Join(push.Protocols().Names(), " or ") + " (default: the one of the files' format)"},
		&cli.StringFlag{Name: "url", Usage: urlUsage},
	}
}

// planOptions reads planFlags (and --allow-host, --verbose) into the
// options of a plan of the command's PATH: the one place where plan,
// push and report build them (push adds its own to them), so that a
// plan, a push and a report of the same flags cannot disagree.
func planOptions(c *cli.Context) (plan.Options, error) {
	path, err := onePath(c)
	if err != nil {
		return plan.Options{}, err
	}
	opt := planBase(c)
	opt.Path = path
	opt.State = c.String("state")
	opt.Route = plan.Route{Protocol: c.String("protocol"), URL: c.String("url"), AllowHosts: c.StringSlice("allow-host")}
	opt.Guards = plan.Guards{FirstPush: c.Bool("first-push"), MaxInvites: c.Int("max-invites")}
	for _, l := range []struct {
		flag string
		to   *plan.Limit
	}{{"max-removals", &opt.MaxRemovals}, {"max-team-removals", &opt.MaxTeamRemovals}, {"max-manager-changes", &opt.MaxManagerChanges}} {
		if *l.to, err = plan.ParseLimit(c.String(l.flag)); err != nil {
			return opt, fmt.Errorf("--%s: %w", l.flag, err)
		}
	}
	switch p := opt.Protocol; {
	case opt.MaxInvites < 0:
		return opt, fmt.Errorf("--max-invites %d: cannot be negative", opt.MaxInvites)
	case c.IsSet("protocol") && !slices.Contains(opt.Protocols.Names(), strings.ToLower(p)):
		return opt, fmt.Errorf("--protocol %q: use %s", p, strings.Join(opt.Protocols.Names(), " or "))
	case c.IsSet("url") && strings.TrimSpace(opt.URL) == "":
		return opt, fmt.Errorf("--url is empty (leave it out to use %s)", push.ProvisioningURL)
	}
	return opt, nil
}

// planBase is what every plan of a run shares, whatever its command:
// push's protocols, which write the body a plan hashes, the run's keys
// (the redactor learns the config's ApiKey: nothing printed or written
// holds it), and the command's voice for the lint findings that stop a
// plan, its warnings and, with --verbose, its progress.
func planBase(c *cli.Context) plan.Options {
	warn, log := voice(c)
	return plan.Options{Protocols: push.Protocols(), Keys: redactorOf(c), Findings: c.App.ErrWriter, Warn: warn, Log: log}
}

// runPlan is the action of "ovsync plan".
func runPlan(c *cli.Context) error {
	opt, err := planOptions(c)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	format := c.String("format")
	if format != "text" && format != "json" {
		return exitWith(exitUsage, fmt.Errorf("--format %q: use text or json", format))
	}
	out := c.String("output")
	opt.Digests = out != "" || format == "json" // the text names no file's digest
	p, err := plan.Make(opt)
	if err != nil {
		return remoteExit(err)
	}
	if out != "" {
		if err := p.WriteFile(out); err != nil {
			return exitWith(exitUsage, err)
		}
	}
	if format == "json" {
		err = p.WriteJSON(c.App.Writer)
	} else {
		err = p.Print(msgOut(c))
	}
	if err != nil {
		return exitWith(exitUsage, err)
	}
	if out != "" && format == "text" {
		notef(c.App.ErrWriter, "plan written to %s: apply it with ovsync push --plan %s", out, out)
	}
	return nil
}
