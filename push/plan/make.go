package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Make lints the org of opt.Path and plans its push against the state
// file, as a push would, without a key and without sending anything:
// what "ovsync plan" prints and writes, and what a report shows. Lint
// errors are a [*LintError] (the findings go to opt.Findings).
func Make(opt Options) (*Plan, error) {
	if opt.Keys == nil {
		opt.Keys = redact.New()
	}
	p, err := makePlan(opt)
	return p, opt.Keys.Error(err)
}

func makePlan(opt Options) (*Plan, error) {
	if opt.Protocol != "" {
		if _, err := opt.Protocols.Lookup(opt.Protocol); err != nil {
			return nil, err
		}
	}
	cfg, err := ReadConfig(opt.Path)
	if err != nil {
		return nil, err
	}
	opt.Keys.Add(cfg.APIKey) // a plan never needs the key, and never shows it
	pl, err := New(opt, cfg)
	if err != nil {
		return nil, err
	}
	if err := pl.Lint(true); err != nil {
		return nil, err
	}
	p, _, err := pl.Plan("PLAN", nil)
	return p, err
}

// ReadConfig finds and reads the config.json of path (a config.json, a
// folder holding one, "" for the current folder) as a push reads it.
func ReadConfig(path string) (*lint.Config, error) {
	cfgPath, err := lint.FindConfig(path)
	if err != nil {
		return nil, err
	}
	cfg, _, err := lint.LoadConfig(cfgPath, displaypath.Of(cfgPath))
	return cfg, err
}

// Planner plans the push of one org. [New] chooses its protocol, its
// target and its state file once; then come the phases that "ovsync
// plan", a push and a report share: the lint gate ([Planner.Lint]) and
// the plan itself ([Planner.Plan]).
type Planner struct {
	opt    Options
	cfg    *lint.Config
	proto  Protocol
	how    string
	target Target
	// state is the state file's path.
	state string
	// inputs are the digests of the input files, when the lint gate
	// took them.
	inputs []Input
}

// New chooses, for the org of cfg, the protocol of opt.Route (or the
// one of the files' format) and checks its target; the state file is
// opt.State or the one beside the config. Nothing is read but the
// headers that tell the files' format.
func New(opt Options, cfg *lint.Config) (*Planner, error) {
	if opt.Keys == nil {
		opt.Keys = redact.New()
	}
	proto, how, err := opt.Protocols.choose(opt.Protocol, cfg)
	if err != nil {
		return nil, err
	}
	t, err := proto.Target(cfg, opt.Route)
	if err != nil {
		return nil, err
	}
	return &Planner{opt: opt, cfg: cfg, proto: proto, how: how, target: t, state: statePath(opt.State, cfg.Path)}, nil
}

// Config returns the config of the org.
func (pl *Planner) Config() *lint.Config { return pl.cfg }

// Protocol returns the protocol the push speaks, and says how it was
// chosen ("from the files' format", "from --protocol").
func (pl *Planner) Protocol() (p Protocol, how string) { return pl.proto, pl.how }

// Target returns where the push goes.
func (pl *Planner) Target() Target { return pl.target }

// StateFile returns the path of the state file, the record of the last
// push, which the push replaces once the service accepted it.
func (pl *Planner) StateFile() string { return pl.state }

// Lint is the lint gate of a plan: the files the config names exist,
// then (with digests, for a plan that is kept or applied) their digests
// are taken, then the org is linted (or Options.Lint is taken). Lint
// errors, or a field that holds the key whatever the severity of its
// rule, are a [*LintError], the findings printed on Options.Findings:
// a key is never sent, nor kept in the state, as data. Warnings are
// counted in a warning.
func (pl *Planner) Lint(digests bool) error {
	cfg := pl.cfg
	if err := cfg.CheckFiles(); err != nil { // named by their config key
		return err
	}
	if digests {
		var err error
		if pl.inputs, err = inputDigests(cfg); err != nil {
			return err
		}
	}
	start := time.Now()
	rep := pl.opt.Lint
	if rep == nil {
		var err error
		if rep, err = lint.Run(lint.Options{Config: cfg, Keys: pl.opt.Keys}); err != nil {
			return err
		}
	}
	if rep.Summary.Errors > 0 || rep.KeyFields > 0 {
		if err := pl.printFindings(rep); err != nil {
			return err
		}
		return &LintError{Report: rep}
	}
	if want := pl.proto.Files().Name; rep.Summary.Format != want {
		return fmt.Errorf("the files are in the %s format, not the %s one of the %s protocol: did they change while pushing?", rep.Summary.Format, want, pl.proto.Name())
	}
	pl.logf("lint: %d users, %d teams, %d mappings checked in %s", rep.Summary.Users, rep.Summary.Teams, rep.Summary.Mappings, time.Since(start).Round(time.Millisecond))
	var found []string
	if n := rep.Summary.Warnings; n > 0 {
		found = append(found, plural.Count(n, "warning", "warnings"))
	}
	if n := rep.Summary.Infos; n > 0 {
		found = append(found, plural.Count(n, "info", "info"))
	}
	if len(found) > 0 {
		pl.warn(fmt.Sprintf("lint found %s (\"ovsync lint\" shows them)", strings.Join(found, " and ")), "")
	}
	return nil
}

// printFindings prints the findings that stop the plan on
// Options.Findings, through the run's keys.
func (pl *Planner) printFindings(rep *lint.Report) error {
	if pl.opt.Findings == nil {
		return nil
	}
	w := pl.opt.Keys.Writer(pl.opt.Findings)
	defer w.Flush()
	return lint.Print(w, "text", rep, lint.PrintOptions{MaxPerRule: 50})
}

// Tee lets the caller of [Planner.Plan] see the body as the plan writes
// it (push's --dump): it calls write once, with a writer of its own
// that gets every byte of the body too, and returns what write returned
// or its own error.
type Tee func(write func(extra io.Writer) error) error

// Plan reads the state file, has the body written once (through tee, if
// not nil) to hash it and to record the org it holds, matches that org
// with a state an earlier ovsync's key filter masked, and compares the
// two: the plan, with the guards it trips, and the record a push keeps
// once the service accepted it. mode is the first word of the plan's
// text: "PLAN", "DRY RUN" or "PUSH".
func (pl *Planner) Plan(mode string, tee Tee) (*Plan, *Record, error) {
	last, err := pl.lastPush()
	if err != nil {
		return nil, nil, err
	}
	var cur *state
	write := func(extra io.Writer) error {
		var err error
		cur, err = pl.pass(extra)
		return err
	}
	if tee != nil {
		err = tee(write)
	} else {
		err = write(nil)
	}
	if err != nil {
		return nil, nil, err
	}
	prev := last.st
	fixed, err := repair(prev, cur, pl.opt.Keys)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w%s", displaypath.Of(pl.state), err, stateHint)
	}
	invites := pl.proto.Invites(pl.cfg)
	p := comparePlan(prev, cur, invites)
	p.Known.Damaged, p.Known.Unknown = fixed.Damaged, fixed.Unknown
	p.Mode, p.Protocol, p.Notes = mode, pl.proto.Name(), append(last.notes, pl.proto.Notes(pl.cfg)...)
	p.Target = pl.target
	p.Inputs = pl.inputs
	p.StateFile, p.Bytes, p.Digest = displaypath.Of(pl.state), cur.Bytes, cur.Digest
	p.State = Input{Role: "state", Path: p.StateFile, SHA256: last.sum}
	p.OtherTarget = last.other
	p.Unchanged = prev != nil && prev.Digest == cur.Digest
	p.Guards, p.NoRecord = p.guard(pl.opt.Guards)
	p.red = pl.opt.Keys
	return p, &Record{st: cur, path: pl.state, keys: pl.opt.Keys}, nil
}

// lastPush is what the state file tells of the last push to the
// target.
type lastPush struct {
	// st is the state of the last push, nil when there is no record of
	// one to this target.
	st *state
	// sum is the SHA-256 of the state file, "" when there is none.
	sum string
	// other is the push the state file records when it is another
	// target's.
	other string
	// notes say how the state is read, for the plan.
	notes []string
}

// lastPush reads the state file. A state of another target is no record
// of this one's (planning against it would be wrong: this push is a first
// push), except for the first provisioning push after "ovsync migrate",
// which is planned against the last legacy push.
func (pl *Planner) lastPush() (lastPush, error) {
	prev, err := loadState(pl.state)
	if err != nil || prev == nil {
		return lastPush{}, err
	}
	last := lastPush{st: prev, sum: prev.SHA256}
	switch name := pl.proto.Name(); {
	case prev.succeeds(name):
		last.notes = append(last.notes, fmt.Sprintf("planned against the last legacy push (state file %s, ids kept by ovsync migrate): its state becomes the provisioning one once sent", displaypath.Of(pl.state)))
		from, err := pl.opt.Protocols.Lookup(ProtocolLegacy)
		if err != nil {
			return lastPush{}, err
		}
		prev.asProvisioning(from, pl.proto)
	case !prev.isFor(name, pl.target.URL):
		last.other, last.st = prev.target(), nil
	}
	return last, nil
}

// pass has the body written once, to a hash and to extra if not nil,
// and records the org it holds: the state of the push, with the body's
// size and digest, which the upload must match.
func (pl *Planner) pass(extra io.Writer) (*state, error) {
	start := time.Now()
	cur, err := bodyState(pl.proto, pl.cfg, extra)
	if err != nil {
		return nil, err
	}
	cur.APIURL, cur.InviteNewUsers = pl.target.URL, pl.proto.Invites(pl.cfg)
	pl.logf("body: %s, %s, built in %s", plural.Bytes(cur.Bytes), cur.Digest, time.Since(start).Round(time.Millisecond))
	return cur, nil
}

// bodyState has proto write the body of cfg's org once, to a hash and to
// extra if not nil, and returns the state of the org it holds: exactly
// what the body holds, every user's values as sent, with the body's size
// and digest.
func bodyState(proto Protocol, cfg *lint.Config, extra io.Writer) (*state, error) {
	h := sha256.New()
	var w io.Writer = h
	if extra != nil {
		w = io.MultiWriter(h, extra)
	}
	c := newCollector()
	size, err := proto.WriteBody(w, cfg, c)
	if err != nil {
		return nil, err
	}
	return c.state(stateHead{Protocol: proto.Name(), Digest: "sha256:" + hex.EncodeToString(h.Sum(nil)), Bytes: size}), nil
}

// warn gives a warning to Options.Warn, through the run's keys.
func (pl *Planner) warn(msg, hint string) {
	if pl.opt.Warn != nil {
		pl.opt.Warn(pl.opt.Keys.String(msg), pl.opt.Keys.String(hint))
	}
}

// logf gives a line of progress to Options.Log, through the run's keys.
func (pl *Planner) logf(format string, args ...any) {
	if pl.opt.Log != nil {
		pl.opt.Log(pl.opt.Keys.String(fmt.Sprintf(format, args...)))
	}
}
