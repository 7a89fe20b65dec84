// Package push sends an organisation to the Officevibe sync API, as the
// original Enterprise Sync Tool's sync.ps1 does, with the guards a full
// overwrite needs.
//
// [Push] reads config.json and the three CSV files through package lint,
// stops at any lint error, plans the push against the state file of the
// last successful one (users added, removed and changed, teams, mappings),
// stops when the plan removes or invites more than the limits allow, or
// when there is no record of the last push to its target at all (no
// state file, or one of another target: the guards that compare with it
// cannot work; Options.FirstPush accepts that), then
// streams the body — built row by row from the files, never held whole in
// memory — to POST {ApiUrl}/api/v2/sync, retrying network failures, 429
// and 5xx with exponential backoff. [Ping] checks the key with GET
// {ApiUrl}/api/v2/ping.
//
// Files in the successor's format (Workleap API provisioning) are pushed
// the same way with the provisioning protocol, the default for them: the
// body {members, teams, teamMappings}, never with settings, to
// [ProvisioningURL] or Remote.URL (ApiUrl is the legacy service's), and
// an asynchronous job as the answer. Options.Protocol may name the
// protocol, but only the one of the files' format.
//
// The API key is taken from Remote.APIKeyFile, then OFFICEVIBE_API_KEY,
// then ApiKey in config.json. It goes into the protocol's key header
// (Authorization, or workleap-subscription-key) and nowhere else: messages
// (the plan's text, warnings, progress, errors, the service's answers)
// go through one filter that removes it, and any piece of it, in all its
// forms (package internal/redact): Remote.Redactor, or one of the run's
// own. Data — the body, the dump, the state file, a plan file — holds the
// org's values exactly, pieces of the key included; a whole key is never
// data: lint's api-key rule stops the push first, and the files are
// written through a guard that refuses one. A state file written by an
// earlier ovsync through its filter is read all the same (repair.go).
//
// The outcomes a caller tells apart are typed errors: [*LintError],
// [*GuardError], [*PlanMismatchError], [*LockedError], [*RejectedError],
// [*PausedError], [*UnavailableError] and [*StateNotWrittenError] (the
// sync was accepted, but its record could not be kept). Any other error
// means the run could not start (usage, config, key, endpoint, a protocol
// that does not send the files' format, a state file that cannot be read
// or a state folder that cannot be written).
//
// [MakePlan] makes the same plan without a key or network (ovsync plan,
// and the HTML report): a [Plan] lists every change (users removed,
// managers losing access, email changes, teams removed, additions, renames,
// changed fields, moves) and has a stable JSON form. With Options.PlanFile
// a push sends exactly a plan written earlier, or stops with a
// [*PlanMismatchError]. [Diff] plans between two orgs or state files. A
// push holds an OS lock beside the state file from before planning until
// the state is written; a second push on it stops with a [*LockedError].
//
// The wire facts (paths, headers, keys, answers) are in api.go; the
// choice of protocol is the protocols table of protocol.go.
package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Options say what to push and how.
type Options struct {
	// Path is a config.json of the original tool, or a folder holding
	// one; "" means the current folder.
	Path string
	// Remote says how to reach the service and where the key is.
	Remote
	// State is the state file; "" means .ovsync/state.json beside the
	// config file.
	State string
	// Dump, if set, is a file to write the body to, indented (the
	// original's dump.json), atomically.
	Dump string
	// DryRun builds, plans and dumps but sends nothing.
	DryRun bool
	// Yes lets a push go on past the guards, all of them.
	Yes bool
	// FirstPush accepts a push without a record of the last push to its
	// target (no state file, or one written for another URL or
	// protocol), the one guard the other guards cannot work without. It
	// accepts that guard alone, and only when there is no record: with
	// a record it trips a guard of its own, so that a script that keeps
	// it does not let a push through the day its record is lost.
	FirstPush bool
	// MaxRemovals is how many users a push may remove, compared with the
	// last push, without Yes. The zero Limit allows none.
	MaxRemovals Limit
	// MaxTeamRemovals is how many teams a push may delete without Yes;
	// MaxManagerChanges how many managers may lose access to a team.
	MaxTeamRemovals, MaxManagerChanges Limit
	// MaxInvites is how many invitations a push may send without Yes
	// when InviteNewUsers is true.
	MaxInvites int
	// PlanFile, if set, is a plan written by "ovsync plan -o": the push
	// goes on only if the files, the state and the target still match
	// it, and stops with a [*PlanMismatchError] otherwise.
	PlanFile string
	// Verbose reports progress on Stderr: sizes, attempts, timings.
	Verbose bool
	// Stdout gets the plan and the summary; Stderr the lint findings that
	// stop a push, warnings and progress. nil discards.
	Stdout, Stderr io.Writer
	// Now is the clock of the state file; nil means time.Now.
	Now func() time.Time
	// Lint, if set, is the lint report of the same org, already made
	// with lint's default severities (as "ovsync report" does): the
	// plan uses it instead of linting the files a second time.
	Lint *lint.Report
}

// Result is what a push did.
type Result struct {
	// Plan is the plan, nil when the push stopped before planning.
	Plan *Plan
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

// output is where one run writes: stdout and stderr through the
// redactor, which learns the key as soon as it is found.
type output struct {
	mu      sync.Mutex // progress lines come from another goroutine
	key     apiKey
	red     *redact.Redactor
	out     *redact.Writer
	err     *redact.Writer
	verbose bool
	prefix  string
}

// newOutput makes the output of a run; red nil means a redactor of its
// own.
func newOutput(stdout, stderr io.Writer, verbose bool, prefix string, red *redact.Redactor) *output {
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	if red == nil {
		red = redact.New()
	}
	return &output{verbose: verbose, prefix: prefix, red: red, out: red.Writer(stdout), err: red.Writer(stderr)}
}

// logf writes a progress line when verbose.
func (o *output) logf(format string, args ...any) {
	if o.verbose {
		o.mu.Lock()
		defer o.mu.Unlock()
		fmt.Fprintf(o.err, "ovsync: "+o.prefix+": "+format+"\n", args...)
	}
}

// warnf writes a warning line.
func (o *output) warnf(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintf(o.err, "ovsync: warning: "+format+"\n", args...)
}

func (o *output) flush() {
	o.out.Flush()
	o.err.Flush()
}

// Push pushes the org of opt.Path; see the package documentation. The
// result is never nil; its Plan is set once planning was reached.
func Push(ctx context.Context, opt Options) (*Result, error) {
	o := newOutput(opt.Stdout, opt.Stderr, opt.Verbose, "push", opt.Redactor)
	defer o.flush()
	opt.Redactor = o.red
	res, err := push(ctx, opt, o)
	return res, o.red.Error(err)
}

func push(ctx context.Context, opt Options, o *output) (*Result, error) {
	res := &Result{}
	if opt.Protocol != "" {
		if _, err := lookupProtocol(opt.Protocol); err != nil {
			return res, err
		}
	}
	if opt.MaxInvites < 0 || opt.Retries < 0 {
		return res, fmt.Errorf("--max-invites and --retries cannot be negative")
	}
	cfgPath, cfg, err := setup(opt.Path, opt.Remote, o)
	if err != nil {
		return res, err
	}
	t, err := target(opt, cfg)
	if err != nil {
		return res, err
	}
	logService(o, cfg, t.e)
	o.logf("protocol %s (%s)", t.proto.name(), t.how)
	if o.key.value == "" && !opt.DryRun {
		return res, errNoKey()
	}
	sp := statePath(opt.State, cfgPath)
	var applied *Plan
	if opt.PlanFile != "" {
		if applied, err = ReadPlanFile(opt.PlanFile); err != nil {
			return res, err
		}
	}
	if !opt.DryRun {
		lk, err := lockState(sp, o)
		if err != nil {
			return res, err
		}
		defer lk.unlock()
	}
	mode := "PUSH"
	if opt.DryRun {
		mode = "DRY RUN"
	}
	pr, err := prepare(opt, o, cfgPath, cfg, t, sp, applied != nil, mode)
	if err != nil {
		return res, err
	}
	p := pr.plan
	res.Plan = p
	if applied != nil {
		if err := applied.matches(p); err != nil {
			return res, err
		}
	}
	if err := p.Print(o.out); err != nil {
		return res, err
	}
	reasons := p.Guards
	if p.noRecord && opt.DryRun {
		// A dry run sends nothing: the missing record does not stop it,
		// but it says that a push would stop.
		o.warnf("a push would stop here: %s\n    hint: %s", reasons[0], acceptFirstPush)
		reasons = reasons[1:]
	}
	if len(reasons) > 0 {
		if !opt.Yes {
			return res, &GuardError{Reasons: reasons, NoRecord: p.noRecord && !opt.DryRun, StateFile: p.StateFile}
		}
		for _, r := range reasons {
			o.warnf("going on with --yes, although %s", r)
		}
	}
	if p.First {
		how := ""
		switch {
		case opt.DryRun:
		case opt.FirstPush:
			how = ", accepted with --first-push"
		default:
			how = ", accepted with --yes"
		}
		o.warnf("first push to %s (%s protocol)%s: %s", p.Target.Host, p.Protocol, how, t.proto.firstPush())
		if p.OtherTarget != "" && !opt.DryRun {
			o.warnf("the state file %s records %s: once sent, it records this push instead\n    hint: keep one state file per target (--state .ovsync/NAME.json), so that neither loses its record", p.StateFile, p.OtherTarget)
		}
	}
	proto, e := t.proto, t.e
	if opt.DryRun {
		fmt.Fprintf(o.out, "dry run: nothing sent (%s would go to %s)\n", byteSize(p.Bytes), proto.syncURL(e))
		return res, nil
	}
	if err := os.MkdirAll(filepath.Dir(sp), 0o755); err != nil {
		return res, fmt.Errorf("%s: cannot create the state folder: %w", p.StateFile, fserr.WithoutPath(err))
	}
	// The state is written before anything is sent, so that a folder
	// that cannot take it (no space, no permission) stops the push while
	// nothing happened; once the service accepted the sync, only the
	// rename over the old state is left to do.
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	st := pr.cur
	st.PushedAt = now().UTC()
	var record atomicfile.Batch
	defer record.Discard()
	if err := st.stage(&record, sp, o.red); err != nil {
		return res, fmt.Errorf("%w\nhint: nothing was sent: a push keeps its record before sending; make room or fix the permissions of the state folder, then push again", err)
	}

	cl := newClient(opt.Remote, e, DefaultTimeout, o.logf)
	var sent atomic.Int64
	stop := func() {}
	if opt.Verbose {
		stop = progress(o, &sent, p.Bytes)
	}
	start := time.Now()
	a, attempts, err := cl.do(ctx, "sync", func(ctx context.Context) (*http.Request, error) {
		sent.Store(0)
		return syncRequest(ctx, proto, e, cfg, &o.key, opt.UserAgent, p.Bytes, p.Digest, &sent)
	})
	stop()
	res.Attempts = attempts
	res.Elapsed = time.Since(start)
	if err != nil {
		return res, err
	}
	outcome, err := proto.readSync(a)
	res.Job = outcome.job
	if err != nil {
		if outcome.job != nil {
			fmt.Fprintf(o.out, "job %s, status %s\n", outcome.job.JobID, outcome.job.Status)
		}
		return res, withKeyHint(err, o.key, proto)
	}
	res.Sent, res.Warnings = true, outcome.warnings
	o.logf("sent %s in %s (%.1f MB/s)", byteSize(p.Bytes), res.Elapsed.Round(time.Millisecond), float64(p.Bytes)/1e6/max(res.Elapsed.Seconds(), 1e-9))

	if err := record.Commit(); err != nil {
		return res, stateNotWritten(sp, err)
	}
	o.logf("state: %s written", p.StateFile)
	status := "Success"
	if len(res.Warnings) > 0 {
		status = "Warning, " + nounCount(len(res.Warnings), "message", "messages")
	}
	if j := res.Job; j != nil {
		status = fmt.Sprintf("job %s, status %s", j.JobID, j.Status)
		if j.ScheduledAt != "" {
			status += " (scheduled at " + j.ScheduledAt + ")"
		}
	}
	fmt.Fprintf(o.out, "pushed %s, %s and %s to %s in %s: %s\n",
		nounCount(p.Users.Total, "user", "users"), nounCount(p.Teams.Total, "team", "teams"),
		nounCount(p.Mappings.Total, "mapping", "mappings"), e, nounCount(attempts, "attempt", "attempts"), status)
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
	return res, nil
}

// pushTarget is the protocol and the endpoint of a push.
type pushTarget struct {
	proto protocol
	how   string
	e     endpoint
}

// target chooses the protocol and checks the endpoint.
func target(opt Options, cfg *lint.Config) (pushTarget, error) {
	proto, how, err := chooseProtocol(opt.Protocol, cfg)
	if err != nil {
		return pushTarget{}, err
	}
	e, err := proto.endpoint(cfg, opt.Remote)
	if err != nil {
		return pushTarget{}, err
	}
	return pushTarget{proto: proto, how: how, e: e}, nil
}

// prepared is a planned push: the plan and the state to keep once sent.
type prepared struct {
	plan *Plan
	cur  *state
}

// prepare lints the files, reads the state and plans the push. With
// inputs, the plan holds the digests of the input files.
func prepare(opt Options, o *output, cfgPath string, cfg *lint.Config, t pushTarget, sp string, inputs bool, mode string) (*prepared, error) {
	proto, e := t.proto, t.e
	if err := cfg.CheckFiles(); err != nil { // named by their config key
		return nil, err
	}
	var in []Input
	if inputs {
		var err error
		if in, err = inputDigests(cfg); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	rep := opt.Lint
	if rep == nil {
		var err error
		if rep, err = lint.Run(lint.Options{Config: cfg, Keys: o.red}); err != nil {
			return nil, err
		}
	}
	// A field holding the key is an error whatever its severity: a key
	// is never sent, nor kept in the state, as data.
	if rep.Summary.Errors > 0 || rep.KeyFields > 0 {
		if err := lint.Print(o.err, "text", rep, lint.PrintOptions{MaxPerRule: 50}); err != nil {
			return nil, err
		}
		return nil, &LintError{Report: rep}
	}
	if rep.Summary.Format != proto.files().Name {
		return nil, fmt.Errorf("the files are in the %s format, not the %s one of the %s protocol: did they change while pushing?", rep.Summary.Format, proto.files().Name, proto.name())
	}
	o.logf("lint: %d users, %d teams, %d mappings checked in %s", rep.Summary.Users, rep.Summary.Teams, rep.Summary.Mappings, time.Since(start).Round(time.Millisecond))
	var found []string
	if n := rep.Summary.Warnings; n > 0 {
		found = append(found, nounCount(n, "warning", "warnings"))
	}
	if n := rep.Summary.Infos; n > 0 {
		found = append(found, nounCount(n, "info", "info"))
	}
	if len(found) > 0 {
		o.warnf("lint found %s (\"ovsync lint\" shows them)", strings.Join(found, " and "))
	}

	prev, err := loadState(sp)
	if err != nil {
		return nil, err
	}
	var notes []string
	stateSum, other := "", ""
	if prev != nil {
		stateSum = prev.SHA256
	}
	switch {
	case prev == nil:
	case prev.succeeds(proto.name()):
		notes = append(notes, fmt.Sprintf("planned against the last legacy push (state file %s, ids kept by ovsync migrate): its state becomes the provisioning one once sent", displaypath.Of(sp)))
		prev.asProvisioning()
	case !prev.isFor(proto.name(), e):
		// A record of another target is none of this one's: planning
		// against it would be wrong, and this push is a first push.
		other, prev = prev.target(), nil
	}

	start = time.Now()
	c := newCollector()
	size, digest, err := planPass(proto, cfg, c, opt.Dump, o.red)
	if err != nil {
		return nil, err
	}
	o.logf("body: %s, %s, built in %s", byteSize(size), digest, time.Since(start).Round(time.Millisecond))
	if opt.Dump != "" {
		o.logf("dump: %s written", displaypath.Of(opt.Dump))
	}
	cur := c.state(stateHead{Protocol: proto.name(), APIURL: e.String(), Digest: digest, Bytes: size, InviteNewUsers: proto.invites(cfg)})
	fixed, err := repair(prev, cur, o.red)
	if err != nil {
		return nil, fmt.Errorf("%s: %w%s", displaypath.Of(sp), err, stateHint)
	}
	p := comparePlan(prev, cur, proto.invites(cfg))
	p.Known.Damaged, p.Known.Unknown = fixed.Damaged, fixed.Unknown
	p.Mode, p.Protocol, p.Notes = mode, proto.name(), append(notes, proto.notes(cfg)...)
	p.Target = Target{URL: e.String(), Host: e.base.Host}
	p.Inputs = in
	p.StateFile, p.Bytes, p.Digest = displaypath.Of(sp), size, digest
	p.State = Input{Role: "state", Path: p.StateFile, SHA256: stateSum}
	p.OtherTarget = other
	p.Unchanged = prev != nil && prev.Digest == digest
	p.Guards, p.noRecord = p.guard(opt.guards())
	return &prepared{plan: p, cur: cur}, nil
}

// MakePlan lints the org of opt.Path and plans its push against the
// state file, as Push would, without a key and without sending anything:
// what "ovsync plan" prints and writes, and what a report shows. opt's
// Path, Protocol, URL, AllowHosts and State are used. Lint errors are a
// [*LintError] (the findings go to opt.Stderr).
func MakePlan(opt Options) (*Plan, error) {
	o := newOutput(opt.Stdout, opt.Stderr, opt.Verbose, "plan", opt.Redactor)
	defer o.flush()
	if opt.Protocol != "" {
		if _, err := lookupProtocol(opt.Protocol); err != nil {
			return nil, err
		}
	}
	cfgPath, err := lint.FindConfig(opt.Path)
	if err != nil {
		return nil, err
	}
	cfg, _, err := lint.LoadConfig(cfgPath, displaypath.Of(cfgPath))
	if err != nil {
		return nil, o.red.Error(err)
	}
	o.red.Add(cfg.APIKey) // a plan never needs the key, and never shows it
	t, err := target(opt, cfg)
	if err != nil {
		return nil, o.red.Error(err)
	}
	pr, err := prepare(opt, o, cfgPath, cfg, t, statePath(opt.State, cfgPath), true, "PLAN")
	if err != nil {
		return nil, o.red.Error(err)
	}
	pr.plan.red = o.red
	return pr.plan, nil
}

// setup reads the config and finds the key (into o.key, and into the
// redactor, so that nothing written holds it from then on).
func setup(path string, r Remote, o *output) (string, *lint.Config, error) {
	cfgPath, err := lint.FindConfig(path)
	if err != nil {
		return "", nil, err
	}
	cfg, _, err := lint.LoadConfig(cfgPath, displaypath.Of(cfgPath))
	if err != nil {
		return "", nil, err
	}
	// The key first: from here on, nothing printed can hold it.
	o.key, err = resolveKey(r.APIKeyFile, r.Getenv, cfg)
	for _, s := range secrets(r.Getenv, cfg, o.key) {
		o.red.Add(s)
	}
	if err != nil {
		return "", nil, err
	}
	return cfgPath, cfg, nil
}

// logService logs the config, the service and where the key came from.
func logService(o *output, cfg *lint.Config, e endpoint) {
	src := o.key.source
	if src == "" {
		src = "nowhere (no key)"
	}
	o.logf("config %s, service %s, key from %s", displaypath.Of(cfg.Path), e, src)
}

// withKeyHint adds to a rejected key where the key came from.
func withKeyHint(err error, k apiKey, proto protocol) error {
	if re, ok := err.(*RejectedError); ok && re.KeyRejected && re.Hint == "" {
		re.Hint = proto.keyHint(k.source)
	}
	return err
}

// planPass writes the body once to a hash, telling c (if not nil) of
// every user and mapping, and to the dump file if one is asked for. It returns the
// body's size and digest, which the upload must match. The dump is the
// body exactly, through a guard of red: a whole key stops it.
func planPass(proto protocol, cfg *lint.Config, c *collector, dump string, red *redact.Redactor) (int64, string, error) {
	h := sha256.New()
	var size int64
	write := func(extra io.Writer) error {
		var w io.Writer = h
		if extra != nil {
			w = io.MultiWriter(h, extra)
		}
		var obs observer
		if c != nil {
			obs = c
		}
		bw := newBodyWriter(w)
		if err := proto.writeBody(bw, cfg, obs); err != nil {
			return err
		}
		size = bw.n
		return nil
	}
	var err error
	if dump != "" {
		if err := os.MkdirAll(filepath.Dir(dump), 0o755); err != nil {
			return 0, "", fmt.Errorf("%s: cannot create the folder: %w", dump, fserr.WithoutPath(err))
		}
		err = atomicfile.Write(dump, func(f io.Writer) error {
			g := red.Guard(f)
			in := newIndenter(g)
			if err := write(in); err != nil {
				return err
			}
			if err := in.Close(); err != nil {
				return err
			}
			return g.Close()
		})
		if errors.Is(err, redact.ErrSecret) {
			err = fmt.Errorf("%s: not written: %w\nhint: %s", displaypath.Of(dump), err, keyInDataHint)
		}
	} else {
		err = write(nil)
	}
	if err != nil {
		return 0, "", err
	}
	return size, "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// syncRequest makes the request of one attempt, its body streamed from
// the CSV files again through a pipe as the transport reads it.
func syncRequest(ctx context.Context, proto protocol, e endpoint, cfg *lint.Config, key *apiKey, ua string, size int64, digest string, sent *atomic.Int64) (*http.Request, error) {
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, proto.syncURL(e), pr)
	if err != nil {
		return nil, err
	}
	req.ContentLength = size
	setHeaders(req.Header, proto, key, ua)
	req.Header.Set("Content-Type", ContentType)
	go func() {
		vw := &verifyWriter{w: pw, h: sha256.New(), want: size, digest: digest, sent: sent}
		err := proto.writeBody(newBodyWriter(vw), cfg, nil)
		if err == nil {
			err = vw.finish()
		}
		pw.CloseWithError(err)
	}()
	return req, nil
}

// setHeaders sets the headers every request carries.
func setHeaders(h http.Header, proto protocol, key *apiKey, ua string) {
	proto.authorize(h, key.value)
	h.Set("Accept", ContentType)
	if ua == "" {
		ua = "ovsync"
	}
	h.Set("User-Agent", ua)
}

// verifyWriter passes the body on while hashing it, and holds its last
// byte back until the whole body is known to be the planned one: if a
// CSV file changed since the plan, the service never gets a whole body.
type verifyWriter struct {
	w      io.Writer
	h      hash.Hash
	want   int64
	digest string
	n      int64
	held   [1]byte
	has    bool
	sent   *atomic.Int64
}

func (v *verifyWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if v.n+int64(len(p)) > v.want {
		return 0, errFilesChanged
	}
	v.n += int64(len(p))
	v.h.Write(p)
	if v.has {
		if _, err := v.w.Write(v.held[:]); err != nil {
			return 0, err
		}
	}
	if _, err := v.w.Write(p[:len(p)-1]); err != nil {
		return 0, err
	}
	v.held[0], v.has = p[len(p)-1], true
	v.sent.Store(v.n - 1)
	return len(p), nil
}

// finish checks the body and lets its last byte go.
func (v *verifyWriter) finish() error {
	if v.n != v.want || "sha256:"+hex.EncodeToString(v.h.Sum(nil)) != v.digest {
		return errFilesChanged
	}
	if v.has {
		if _, err := v.w.Write(v.held[:]); err != nil {
			return err
		}
	}
	v.sent.Store(v.n)
	return nil
}

// progress logs the bytes sent every few seconds until stop is called.
func progress(o *output, sent *atomic.Int64, size int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				o.logf("uploading: %s of %s", byteSize(sent.Load()), byteSize(size))
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// byteSize writes a size in bytes with a decimal unit: "24.1 kB".
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}
