// Package push sends an organisation to the Officevibe sync API, as the
// original Enterprise Sync Tool's sync.ps1 does, with the guards a full
// overwrite needs. It holds the client, the two protocols and the
// sending; what a push changes (the state file and its lock, the
// comparison, the guards, the plan file) is package plan's, whose
// [plan.Planner] it takes its plan from.
//
// A [Push] runs in phases, each a function of push.go: the preflight
// reads config.json, finds the key, chooses the protocol and checks the
// endpoint, reads the plan to apply (Options.PlanFile) and takes the lock
// of the state file; the lint gate stops at any lint error; the plan
// compares the org with the state file of the last successful push
// (users added, removed and changed, teams, mappings); the guard stops
// when the plan removes or invites more than the limits allow, or when
// there is no record of the last push to its target at all (no state
// file, or one of another target: the guards that compare with it
// cannot work; plan.Guards.FirstPush accepts that), or when the plan to
// apply no longer matches; the send streams the body — built row by row
// from the files, never held whole in memory — to POST
// {ApiUrl}/api/v2/sync, retrying network failures, 429 and 5xx with
// exponential backoff; the record replaces the state file once the
// service accepted the sync. [Ping] checks the key with GET
// {ApiUrl}/api/v2/ping.
//
// Files in the successor's format (Workleap API provisioning) are pushed
// the same way with the provisioning protocol, the default for them: the
// body {members, teams, teamMappings}, never with settings, to
// [ProvisioningURL] or plan.Route.URL (ApiUrl is the legacy service's),
// and an asynchronous job as the answer. plan.Route.Protocol may name
// the protocol, but only the one of the files' format. [Protocols] hands
// the protocols to every plan, so that a plan hashes the body a push
// sends.
//
// The API key is taken from Remote.APIKeyFile, then OFFICEVIBE_API_KEY,
// then ApiKey in config.json. It goes into the protocol's key header
// (Authorization, or workleap-subscription-key) and nowhere else: messages
// (the plan's text, warnings, progress, errors, the service's answers)
// go through one filter that removes it, and any piece of it, in all its
// forms (package internal/redact): plan.Options.Keys, or one of the run's
// own. Data — the body, the dump, the state file, a plan file — holds the
// org's values exactly, pieces of the key included; a whole key is never
// data: lint's api-key rule stops the push first, and the files are
// written through a guard that refuses one. Warnings and progress go to
// the funcs the caller gives (plan.Options.Warn and Log), which give them
// the command's voice.
//
// The outcomes a caller tells apart are typed errors: [*plan.LintError],
// [*GuardError], [*plan.MismatchError], [*plan.LockedError],
// [*RejectedError], [*PausedError], [*UnavailableError] and
// [*StateNotWrittenError] (the sync was accepted, but its record could
// not be kept). Any other error means the run could not start (usage,
// config, key, endpoint, a protocol that does not send the files'
// format, a state file that cannot be read or a state folder that
// cannot be written).
//
// The wire facts (paths, headers, keys, answers) are in api.go; the
// choice of protocol is the protocols table of protocol.go.
package push

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// Options say what to push and how.
type Options struct {
	// Plan says what the push is planned against: the org, the state
	// file, the protocol and its target, the guards, the run's keys, and
	// where the lint findings, warnings and progress go, as the command
	// builds them for plan, push, diff and report alike. Its Protocols
	// are push's own ([Protocols]), whatever it holds.
	Plan plan.Options
	// Remote says how to reach the service and where the key is.
	Remote
	// Dump, if set, is a file to write the body to, indented (the
	// original's dump.json), atomically.
	Dump string
	// DryRun builds, plans and dumps but sends nothing.
	DryRun bool
	// Yes lets a push go on past the guards, all of them.
	Yes bool
	// PlanFile, if set, is a plan written by "ovsync plan -o": the push
	// goes on only if the files, the state and the target still match
	// it, and stops with a [*plan.MismatchError] otherwise.
	PlanFile string
	// Stdout gets the plan and the summary, text for a person; nil
	// discards.
	Stdout io.Writer
	// Now is the clock of the state file; nil means time.Now.
	Now func() time.Time
}

// Result is what a push did.
type Result struct {
	// Plan is the plan, nil when the push stopped before planning.
	Plan *plan.Plan
	// Sent is set once the service accepted the sync.
	Sent bool
	// Attempts counts the requests made.
	Attempts int
	// Warnings are the service's messages on an accepted sync.
	Warnings []string
	// Job is the provisioning job the service answered with, whatever
	// its status (failed and paused ones included); nil otherwise.
	Job *JobResponse
	// Elapsed is the time from the first attempt to the answer.
	Elapsed time.Duration
}

// Push pushes the org of opt.Plan.Path; see the package documentation.
// The result is never nil; its Plan is set once planning was reached.
func Push(ctx context.Context, opt Options) (*Result, error) {
	o := newOutput(opt.Stdout, opt.Plan.Warn, opt.Plan.Log, opt.Plan.Keys)
	defer o.flush()
	res, err := push(ctx, opt, o)
	return res, o.red.Error(err)
}

// push runs the phases of a push in their order: nothing is sent before
// the guard lets the plan through, and the state file is replaced only
// once the service accepted the sync.
func push(ctx context.Context, opt Options, o *output) (*Result, error) {
	res := &Result{}
	f, err := preflight(opt, o)
	if err != nil {
		return res, err
	}
	defer f.land()
	p, rec, err := makePlan(f, opt, o)
	if err != nil {
		return res, err
	}
	res.Plan = p
	if err := guard(f, p, opt, o); err != nil {
		return res, err
	}
	if opt.DryRun {
		fmt.Fprintf(o.out, "dry run: nothing sent (%s would go to %s)\n", plural.Bytes(p.Bytes), f.proto.syncURL(f.e))
		return res, nil
	}
	var kept atomicfile.Batch
	defer kept.Discard()
	if err := rec.Stage(&kept, now(opt)); err != nil {
		return res, err
	}
	if err := send(ctx, f, p, opt, o, res); err != nil {
		return res, err
	}
	return res, record(&kept, f, p, o, res)
}

// flight is a push past its preflight: its planner (the config, the
// protocol and target, the state file), the protocol and the endpoint it
// sends with, the plan it applies (push --plan) and the lock of its
// state file (none for a dry run).
type flight struct {
	pl      *plan.Planner
	proto   protocol
	e       endpoint
	applied *plan.Plan
	lock    *plan.StateLock
}

// land lets the lock of the state file go.
func (f *flight) land() {
	if f.lock != nil {
		f.lock.Unlock()
	}
}

// preflight is everything a push does before it reads the files: it
// checks the options, reads the config and finds the key (from then on
// nothing printed holds it), chooses the protocol and checks the
// endpoint, reads the plan to apply and takes the lock of the state
// file, held from before planning until the state is written.
func preflight(opt Options, o *output) (*flight, error) {
	if opt.Plan.Protocol != "" {
		if _, err := lookupProtocol(opt.Plan.Protocol); err != nil {
			return nil, err
		}
	}
	if opt.Plan.MaxInvites < 0 || opt.Retries < 0 {
		return nil, fmt.Errorf("--max-invites and --retries cannot be negative")
	}
	cfg, err := setup(opt.Plan.Path, opt.Remote, o)
	if err != nil {
		return nil, err
	}
	popt := opt.Plan
	popt.Protocols, popt.Keys, popt.Warn, popt.Log = Protocols(), o.red, o.warn, nil
	popt.Digests = opt.PlanFile != "" // the plan to apply names the files' digests
	if o.verbose() {
		popt.Log = o.log
	}
	pl, err := plan.New(popt, cfg)
	if err != nil {
		return nil, err
	}
	p, how := pl.Protocol()
	f := &flight{pl: pl, proto: protocols[p.Name()]}
	if f.e, err = f.proto.endpoint(cfg, opt.Plan.Route); err != nil {
		return nil, err
	}
	logService(o, cfg, f.e)
	o.logf("protocol %s (%s)", p.Name(), how)
	if o.key.value == "" && !opt.DryRun {
		return nil, errNoKey()
	}
	if opt.PlanFile != "" {
		if f.applied, err = plan.ReadFile(opt.PlanFile); err != nil {
			return nil, err
		}
	}
	if !opt.DryRun {
		if f.lock, err = pl.Lock(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// setup reads the config and finds the key (into o.key, and into the
// redactor, so that nothing written holds it from then on).
func setup(path string, r Remote, o *output) (*lint.Config, error) {
	cfg, err := plan.ReadConfig(path)
	if err != nil {
		return nil, err
	}
	// The key first: from here on, nothing printed can hold it.
	o.key, err = resolveKey(r.APIKeyFile, r.Getenv, cfg)
	for _, s := range secrets(r.Getenv, cfg, o.key) {
		o.red.Add(s)
	}
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// logService logs the config, the service and where the key came from.
func logService(o *output, cfg *lint.Config, e endpoint) {
	src := o.key.source
	if src == "" {
		src = "nowhere (no key)"
	}
	o.logf("config %s, service %s, key from %s", displaypath.Of(cfg.Path), e, src)
}

// makePlan lints the files and plans the push against the state file, in
// one read of the files: lint errors stop it, the findings printed, and
// nothing is sent. With a plan to apply, the plan takes the digests of
// the files, which the plan applied must match; with --dump, the body the
// plan writes goes to the dump file too.
func makePlan(f *flight, opt Options, o *output) (*plan.Plan, *plan.Record, error) {
	mode := "PUSH"
	if opt.DryRun {
		mode = "DRY RUN"
	}
	var tee plan.Tee
	if opt.Dump != "" {
		tee = dumpTo(opt.Dump, o)
	}
	return f.pl.Plan(mode, tee)
}

// guard prints the plan and lets it through, or stops the push: a plan
// to apply that no longer matches it, or a guard that trips without
// --yes. What goes on all the same is said in a warning: the guards
// passed with --yes, a first push and what it does.
func guard(f *flight, p *plan.Plan, opt Options, o *output) error {
	if f.applied != nil {
		if err := f.applied.Matches(p); err != nil {
			return err
		}
	}
	if err := p.Print(o.out); err != nil {
		return err
	}
	reasons := p.Guards
	if p.NoRecord && opt.DryRun {
		// A dry run sends nothing: the missing record does not stop it,
		// but it says that a push would stop.
		o.warn("a push would stop here: "+reasons[0], acceptFirstPush)
		reasons = reasons[1:]
	}
	if len(reasons) > 0 {
		if !opt.Yes {
			return &GuardError{Reasons: reasons, NoRecord: p.NoRecord && !opt.DryRun, StateFile: p.StateFile}
		}
		for _, r := range reasons {
			o.warnf("going on with --yes, although %s", r)
		}
	}
	if p.First {
		warnFirstPush(f, p, opt, o)
	}
	return nil
}

// warnFirstPush says what a first push does to the members and teams
// the files leave out, and that it replaces the record of another
// target.
func warnFirstPush(f *flight, p *plan.Plan, opt Options, o *output) {
	how := ""
	switch {
	case opt.DryRun:
	case opt.Plan.FirstPush:
		how = ", accepted with --first-push"
	default:
		how = ", accepted with --yes"
	}
	o.warnf("first push to %s (%s protocol)%s: %s", p.Target.Host, p.Protocol, how, f.proto.firstPush())
	if p.OtherTarget != "" && !opt.DryRun {
		o.warn(fmt.Sprintf("the state file %s records %s: once sent, it records this push instead", p.StateFile, p.OtherTarget),
			"keep one state file per target (--state .ovsync/NAME.json), so that neither loses its record")
	}
}

// now returns the time of the record.
func now(opt Options) time.Time {
	if opt.Now != nil {
		return opt.Now()
	}
	return time.Now()
}

// record replaces the state file with the record of the sync the
// service accepted, then says what was pushed.
func record(kept *atomicfile.Batch, f *flight, p *plan.Plan, o *output, res *Result) error {
	if err := kept.Commit(); err != nil {
		return stateNotWritten(f.pl.StateFile(), err)
	}
	o.logf("state: %s written", p.StateFile)
	summarize(f, p, o, res)
	return nil
}

// summarize says what was pushed on stdout, and the service's messages
// as warnings.
func summarize(f *flight, p *plan.Plan, o *output, res *Result) {
	status := "Success"
	if len(res.Warnings) > 0 {
		status = "Warning, " + plural.Count(len(res.Warnings), "message", "messages")
	}
	if j := res.Job; j != nil {
		status = fmt.Sprintf("job %s, status %s", j.JobID, j.Status)
		if j.ScheduledAt != "" {
			status += " (scheduled at " + j.ScheduledAt + ")"
		}
	}
	fmt.Fprintf(o.out, "pushed %s, %s and %s to %s in %s: %s\n",
		plural.Count(p.Users.Total, "user", "users"), plural.Count(p.Teams.Total, "team", "teams"),
		plural.Count(p.Mappings.Total, "mapping", "mappings"), f.e, plural.Count(res.Attempts, "attempt", "attempts"), status)
	if j := res.Job; j != nil && !strings.EqualFold(j.Status, JobCompleted) {
		fmt.Fprintln(o.out, "the job runs later in Workleap: see its outcome there (a risk threshold may still pause it for approval)")
	}
	if j := res.Job; j != nil && j.Message != "" {
		o.warnf("the service says: %s", j.Message)
	}
	for i, w := range res.Warnings {
		if i == MaxListed {
			o.warnf("the service sent %d more messages", len(res.Warnings)-MaxListed)
			break
		}
		o.warnf("the service says: %s", oneLine(w))
	}
}
