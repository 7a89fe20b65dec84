package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

// Exit statuses of push and ping, beyond those every subcommand shares
// (0 done, 1 lint errors, 2 usage or config).
const (
	exitRejected    = 3 // the service refused: isSuccess false, key rejected
	exitUnavailable = 4 // network failure, or 429/5xx on every attempt
	exitGuard       = 5 // nothing sent: a guard tripped, the --plan no longer matches, or another push holds the lock
	exitPaused      = 6 // provisioning: the sync waits for an administrator's approval
	exitNoRecord    = 7 // the sync was accepted, but its record (the state file) could not be written
)

// exitStatusHelp documents the exit statuses in push's and ping's help.
const exitStatusHelp = `Exit status:
   0  done: the service accepted the sync (push; provisioning: its job is
      scheduled, processing or completed) or the key (ping); with --dry-run,
      the push would be sent
   1  lint found errors in the files: nothing was sent
   2  usage or config problem, nothing was sent (bad flag, unreadable
      config, no API key, an ApiUrl or --url that is not allowed, a
      --protocol that does not send the files' format, a state file that is
      empty, damaged or cannot be read, a state folder that cannot be
      written)
   3  the service refused: isSuccess false (its errors are listed), the
      API key was rejected / the Custom Integration is not activated, the
      provisioning job failed, or the answer could not be read (it is shown;
      the sync may have been accepted all the same)
   4  the service could not be reached, or answered 429 or 5xx on every
      attempt (--retries); a push is a full overwrite, so retrying later is safe
   5  nothing was sent: a guard stopped the push (no record of the last
      push to this target: --first-push; --max-removals,
      --max-team-removals, --max-manager-changes, --max-invites), the files,
      state or target no longer match --plan, or another push holds the
      lock of the state file
   6  provisioning: Workleap's risk thresholds paused the sync until an
      administrator approves it; nothing changes until then
   7  the service accepted the sync, but its record, the state file, could
      not be written: the next push has no record and stops as a first
      push; fix the state folder, then push the same files again`

// remoteFlags are the flags push and ping share, beyond --allow-host.
func remoteFlags(timeout time.Duration) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "api-key-file", Usage: "read the API key from `FILE` (wins over " + push.KeyEnv + " and ApiKey)", TakesFile: true},
		&cli.IntFlag{Name: "retries", Value: push.DefaultRetries, Usage: "retry a network failure, 429 or 5xx `N` times"},
		&cli.DurationFlag{Name: "retry-wait", Value: push.DefaultRetryWait, Usage: "wait `D` before the first retry, doubled each time, with jitter (Retry-After wins)"},
		&cli.DurationFlag{Name: "timeout", Value: timeout, Usage: "give up an attempt after `D`"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show progress on stderr: sizes, attempts, timings (never the key)"},
	}
}

// allowHostFlag is --allow-host, of every command that checks ApiUrl.
func allowHostFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "allow-host", Usage: "let ApiUrl name `HOST`, which is not an officevibe.com host (repeatable)"}
}

// remoteOptions reads the flags of remoteFlags: how to reach the service
// once its route (--allow-host, and for a push --protocol and --url) is
// known.
func remoteOptions(c *cli.Context) (push.Remote, error) {
	var r push.Remote
	r.APIKeyFile = c.String("api-key-file")
	r.Retries = c.Int("retries")
	r.RetryWait = c.Duration("retry-wait")
	r.Timeout = c.Duration("timeout")
	r.UserAgent = "ovsync/" + toolVersion()
	switch {
	case r.Retries < 0:
		return r, fmt.Errorf("--retries %d: cannot be negative", r.Retries)
	case r.RetryWait <= 0:
		return r, fmt.Errorf("--retry-wait %s: must be more than 0", r.RetryWait)
	case r.Timeout <= 0:
		return r, fmt.Errorf("--timeout %s: must be more than 0", r.Timeout)
	}
	return r, nil
}

// pushCommand is "ovsync push".
func pushCommand() *cli.Command {
	return &cli.Command{
		Name:      "push",
		Usage:     "send the org to Officevibe (POST /api/v2/sync) or Workleap, with a plan and guards",
		ArgsUsage: "[PATH]",
		Description: `Does what the original "sync.ps1 -ConfigPath ./config.json" does: one POST of
the whole organisation, which replaces the previous one. Members missing from
users.csv are removed, teams missing from groups.csv deleted.

PATH is a config.json of the original tool, or a folder holding one (default:
the current folder). The files are linted first: any error stops the push.

The API key comes from --api-key-file, else ` + push.KeyEnv + `, else ApiKey
in config.json. It is never printed, logged or dumped.

Each push prints a plan against the state file of the last successful push
to the same service and protocol, its record (default .ovsync/state.json
beside the config, or --state FILE; keep it between runs, e.g. as a CI cache
or artifact): users added, removed and changed, teams, mappings. It stops,
unless --yes, when it would remove more users than --max-removals (a count,
or a share of the previous users that never allows fewer than 5), delete
more teams than --max-team-removals, take more managers' access away than
--max-manager-changes or, with InviteNewUsers true, invite more than
--max-invites (a first push counts every user).

Without a record (no state file, or one written for another ApiUrl or
protocol) those guards cannot work, and every member not in the files would
be removed: the push stops too, unless --first-push (this guard alone, and
only when there is no record) or --yes. --dry-run and "ovsync plan" are not
stopped: they say "first push". A state file that is empty or damaged stops
every push: restore it, or start a new record on purpose with --state NEW
--first-push.

ApiUrl must be https (plain http only to a loopback address), on an
officevibe.com host unless --allow-host names it. Proxies come from
HTTPS_PROXY and NO_PROXY, certificate authorities from the system.

Files in Workleap's API provisioning format (members.csv, teams.csv,
teams-mappings.csv) are pushed with --protocol provisioning, the default for
them: one POST of {members, teams, teamMappings} to
` + push.ProvisioningURL + ` (or --url, on the same
rules with api.workleap.com; ApiUrl names the legacy service and is not
used), the key in the workleap-subscription-key header. No settings are sent
(the service refuses them): Workleap's "Automatic Invite" setting decides
invitations, so InviteNewUsers, SyncManagerEmail and --max-invites do not
apply. The service answers with a job, whose id and status are printed. Its
risk thresholds may pause the sync until an administrator approves it (exit
status 6; the state file is not written then). A --protocol that does not
send the files' format is refused: "ovsync migrate" converts legacy files.

` + exitStatusHelp + `

Examples:
   OFFICEVIBE_API_KEY=... ovsync push .
   ovsync push . --first-push          the very first push to this service
   ovsync push --dry-run --dump dump.json config.json
   ovsync lint . && ovsync push . --max-removals 25 --max-invites 0
   ovsync push sandbox-config.json --state .ovsync/sandbox.json
   ovsync push --dry-run --dump dump.json testdata/sample-provisioning`,
		Flags: slices.Concat(planFlags("send a provisioning push to `URL` (default "+push.ProvisioningURL+"; a URL without a path gets "+push.ProvisioningPath+")"), []cli.Flag{
			allowHostFlag(),
			&cli.StringFlag{Name: "dump", Usage: "write the request body, indented, to `FILE` (atomically)", TakesFile: true},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "lint, build, plan and dump, but send nothing"},
			&cli.StringFlag{Name: "plan", Usage: "send only the plan of `FILE` (ovsync plan -o): stop if the files, state or target changed since", TakesFile: true},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "go on past every guard: the --max-* ones and a push without a record (--first-push)"},
		}, remoteFlags(push.DefaultTimeout)),
		Action: runPush,
	}
}

// runPush is the action of "ovsync push".
func runPush(c *cli.Context) error {
	opt, err := pushOptions(c)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	_, err = push.Push(ctx, opt)
	return remoteExit(err)
}

// pushOptions reads push's flags: the plan's options (planOptions), then
// how to reach the service and what to do with the plan.
func pushOptions(c *cli.Context) (push.Options, error) {
	var opt push.Options
	var err error
	if opt.Plan, err = planOptions(c); err != nil {
		return opt, err
	}
	if opt.Remote, err = remoteOptions(c); err != nil {
		return opt, err
	}
	opt.Dump = c.String("dump")
	opt.DryRun = c.Bool("dry-run")
	opt.Yes = c.Bool("yes")
	opt.PlanFile = c.String("plan")
	opt.Stdout = msgOut(c)
	return opt, nil
}

// pingCommand is "ovsync ping".
func pingCommand() *cli.Command {
	return &cli.Command{
		Name:      "ping",
		Usage:     "check the API key and the service (GET /api/v2/ping)",
		ArgsUsage: "[PATH]",
		Description: `Sends the cheap key check of the sync API with the key a push would use
(--api-key-file, else ` + push.KeyEnv + `, else ApiKey in config.json) to the
ApiUrl of PATH (a config.json or its folder; default: the current folder).
Nothing is linted or sent.

` + exitStatusHelp + `

Examples:
   OFFICEVIBE_API_KEY=... ovsync ping .
   ovsync ping sandbox-config.json --api-key-file ~/.config/ovsync/sandbox-key`,
		Flags:  append([]cli.Flag{allowHostFlag()}, remoteFlags(push.DefaultPingTimeout)...),
		Action: runPing,
	}
}

// runPing is the action of "ovsync ping".
func runPing(c *cli.Context) error {
	if _, err := onePath(c); err != nil {
		return exitWith(exitUsage, err)
	}
	remote, err := remoteOptions(c)
	if err != nil {
		return exitWith(exitUsage, err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	warn, log := voice(c)
	_, err = push.Ping(ctx, push.PingOptions{
		Path:   c.Args().First(),
		Route:  plan.Route{AllowHosts: c.StringSlice("allow-host")},
		Remote: remote,
		Keys:   redactorOf(c),
		Stdout: c.App.Writer,
		Warn:   warn,
		Log:    log,
	})
	return remoteExit(err)
}

// remoteExit turns the error of a push, a plan or a ping into its exit
// status: the one place where their outcomes become numbers.
func remoteExit(err error) error {
	var (
		lintErr     *plan.LintError
		guard       *push.GuardError
		mismatch    *plan.MismatchError
		locked      *plan.LockedError
		paused      *push.PausedError
		noRecord    *push.StateNotWrittenError
		rejected    *push.RejectedError
		unavailable *push.UnavailableError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &lintErr):
		return exitWith(exitFindings, err)
	case errors.As(err, &guard), errors.As(err, &mismatch), errors.As(err, &locked):
		return exitWith(exitGuard, err)
	case errors.As(err, &paused):
		return exitWith(exitPaused, err)
	case errors.As(err, &noRecord):
		return exitWith(exitNoRecord, err)
	case errors.As(err, &rejected):
		return exitWith(exitRejected, err)
	case errors.As(err, &unavailable):
		return exitWith(exitUnavailable, err)
	case errors.Is(err, context.Canceled):
		return exitWith(exitUnavailable, errors.New("interrupted: the service may or may not have received the sync"))
	}
	return exitWith(exitUsage, err)
}
