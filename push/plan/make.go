package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
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
	p, _, err := MakeLinted(opt)
	return p, err
}

// MakeLinted is [Make] that also returns the lint report of the plan's
// read of the files, also when the plan stopped on lint errors or
// after them; nil when the plan stopped before lint read the files. The
// error holds no piece of the key of opt.Keys or of the config's.
func MakeLinted(opt Options) (*Plan, *lint.Report, error) {
	if opt.Keys == nil {
		opt.Keys = redact.New()
	}
	p, rep, err := makePlan(opt)
	return p, rep, opt.Keys.Error(err)
}

func makePlan(opt Options) (*Plan, *lint.Report, error) {
	if opt.Protocol != "" {
		if _, err := opt.Protocols.Lookup(opt.Protocol); err != nil {
			return nil, nil, err
		}
	}
	cfg, err := ReadConfig(opt.Path)
	if err != nil {
		return nil, nil, err
	}
	opt.Keys.Add(cfg.APIKey) // a plan never needs the key, and never shows it
	pl, err := New(opt, cfg)
	if err != nil {
		return nil, nil, err
	}
	p, _, err := pl.Plan("PLAN", nil)
	return p, pl.Linted(), err
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
// target and its state file once; [Planner.Plan] then lints the org and
// plans its push in one read of the files.
type Planner struct {
	opt    Options
	cfg    *lint.Config
	proto  Protocol
	how    string
	target Target
	// state is the state file's path.
	state string
	// linted is the lint report of the last plan.
	linted *lint.Report
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

// Linted returns the lint report of the last [Planner.Plan], also when
// it stopped on lint errors; nil before lint ran.
func (pl *Planner) Linted() *lint.Report { return pl.linted }

// Tee lets the caller of [Planner.Plan] see the body as the plan writes
// it (push's --dump): it calls write once, with a writer of its own
// that gets every byte of the body too, and returns what write returned
// or its own error.
type Tee func(write func(extra io.Writer) error) error

// Plan lints the org and plans its push, in one read of the files (see
// the package documentation): the body is written once (through tee, if
// not nil) to hash it, the org lint indexed is compared with the state
// file of the last push as that is read, and the plan comes with the
// guards it trips and the record a push keeps once the service accepted
// it. mode is the first word of the plan's text: "PLAN", "DRY RUN" or
// "PUSH".
//
// Lint is the gate: the files the config names must exist; lint
// errors, or a field that holds the key whatever the severity of its
// rule, are a [*LintError], the findings printed on Options.Findings: a
// key is never sent, nor kept in the state, as data. Warnings are
// counted in a warning. With Options.Digests, the plan has the digests
// of its input files, taken in the same read.
func (pl *Planner) Plan(mode string, tee Tee) (*Plan, *Record, error) {
	last, lastErr := pl.lastPush()
	defer last.close()
	var p *Plan
	var rec *Record
	write := func(extra io.Writer) error {
		var err error
		p, rec, err = pl.plan(mode, extra, last, lastErr)
		return err
	}
	var err error
	if tee != nil {
		err = tee(write)
	} else {
		err = write(nil)
	}
	if err != nil {
		return nil, nil, err
	}
	return p, rec, nil
}

// plan is [Planner.Plan] with the body also written to extra, if not
// nil. An error reading the state file (lastErr) comes after the lint
// gate, which stops a push first.
func (pl *Planner) plan(mode string, extra io.Writer, last *lastPush, lastErr error) (*Plan, *Record, error) {
	cfg := pl.cfg
	if err := cfg.CheckFiles(); err != nil { // named by their config key
		return nil, nil, err
	}
	h := sha256.New()
	var w io.Writer = h
	if extra != nil {
		w = io.MultiWriter(h, extra)
	}
	aw := newAside(w)
	defer aw.Close()
	ps := newPass(cfg)
	defer ps.wait()
	ps.body, ps.read = pl.proto.Body(aw, cfg, ps), last.release
	if whole := last.whole(); whole != nil {
		ps.objects = whole.v1()
		if last.masked {
			ps.full = newCollector(false) // repair needs the values, not the objects' hashes
		}
	}
	// The teams and mapping rows go into the body from lint's model once
	// it is built, while lint's org rules run and then while the last push
	// is compared: all of them only read the model.
	var size int64
	var bodyErr error
	done := make(chan struct{})
	var finishing sync.Once
	finish := func(m *lint.Org) {
		finishing.Do(func() {
			go func() {
				defer close(done)
				ps.wait()
				size, bodyErr = ps.finish(m)
				if err := aw.Close(); bodyErr == nil {
					bodyErr = err
				}
			}()
		})
	}
	defer func() {
		finishing.Do(func() { close(done) }) // never started: nothing to wait for
		<-done
	}()
	start := time.Now()
	rep, err := lint.Run(lint.Options{Config: cfg, Keys: pl.opt.Keys, Rows: ps.hook, Digests: pl.opt.Digests, Model: finish})
	ps.wait()
	if err != nil {
		return nil, nil, err
	}
	pl.linted = rep
	if err := pl.gate(rep, start); err != nil {
		return nil, nil, err
	}
	if err := ps.err(); err != nil {
		return nil, nil, err
	}
	if lastErr != nil {
		return nil, nil, lastErr
	}
	var inputs []Input
	if pl.opt.Digests {
		if inputs, err = inputDigests(cfg, rep); err != nil {
			return nil, nil, err
		}
	}
	finish(rep.Org) // if lint did not hand the model over
	var fixed repairStats
	if last.masked {
		<-done
		if bodyErr == nil {
			fixed, err = repair(last.whole(), ps.full.state(stateHead{}), pl.opt.Keys)
			if err != nil {
				return nil, nil, stateError(pl.state, err)
			}
		}
	}
	p, err := pl.compare(ps.org(rep.Org), last)
	<-done
	if err != nil {
		return nil, nil, err
	}
	if bodyErr != nil {
		return nil, nil, bodyErr
	}
	digest := "sha256:" + hex.EncodeToString(h.Sum(nil))
	pl.logf("body: %s, %s, built in %s", plural.Bytes(size), digest, time.Since(start).Round(time.Millisecond))
	p.Known.Damaged, p.Known.Unknown = fixed.Damaged, fixed.Unknown
	p.Mode, p.Protocol, p.Notes = mode, pl.proto.Name(), append(last.notes, pl.proto.Notes(cfg)...)
	p.Target = pl.target
	p.Inputs = inputs
	p.StateFile, p.Bytes, p.Digest = displaypath.Of(pl.state), size, digest
	p.State.Role, p.State.Path = "state", p.StateFile
	p.OtherTarget = last.other
	p.Unchanged = last.file != nil && last.file.head.Digest == digest
	p.Guards, p.NoRecord = p.guard(pl.opt.Guards)
	p.red = pl.opt.Keys
	rec := &Record{proto: pl.proto, cfg: cfg, path: pl.state, keys: pl.opt.Keys, head: stateHead{
		Protocol: pl.proto.Name(), APIURL: pl.target.URL, InviteNewUsers: pl.proto.Invites(cfg), Digest: digest, Bytes: size,
		UserKeys: ps.keys, UserRoles: ps.roles, Counts: [3]int{p.Users.Total, p.Teams.Total, p.Mappings.Total},
	}}
	return p, rec, nil
}

// compare compares the org the pass read with the last push, reading
// the state file's lists as it goes: the plan, its State's digest set.
func (pl *Planner) compare(cur current, last *lastPush) (*Plan, error) {
	invites := pl.proto.Invites(pl.cfg)
	if last.file == nil {
		p := newComparison(cur, nil, invites).plan()
		p.State.SHA256 = last.sum
		return p, nil
	}
	last.release()
	c := newComparison(cur, &last.file.head, invites)
	var sink listSink = c
	if last.succession != nil {
		last.succession.next, sink = c, last.succession
	}
	sum, err := last.file.compare(sink, c)
	if err != nil {
		return nil, err
	}
	p := c.plan()
	p.State.SHA256 = sum
	return p, nil
}

// gate is the lint gate of a plan: see [Planner.Plan].
func (pl *Planner) gate(rep *lint.Report, start time.Time) error {
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

// lastPush is what the state file tells of the last push to the
// target.
type lastPush struct {
	// file is the state of the last push, opened, its lists not read yet
	// (unless it was read whole); nil when there is no record of one to
	// this target.
	file *stateFile
	// sum is the SHA-256 of a state file of another target, read and
	// closed at once; "" when there is none. The state of this target's
	// last push has its digest taken as its lists are read
	// ([stateFile.stream]).
	sum string
	// other is the push the state file records when it is another
	// target's.
	other string
	// notes say how the state is read, for the plan.
	notes []string
	// succession reads a legacy push's lists as the provisioning
	// protocol names them.
	succession *succession
	// masked is set for a state an earlier ovsync's key filter masked,
	// read whole to be repaired.
	masked bool
	// start lets the lists of a streamed state be unpacked ahead, once
	// lint has read a file and leaves a core to it.
	start    chan struct{}
	starting sync.Once
}

// release lets the lists of the state be unpacked.
func (l *lastPush) release() {
	if l.start != nil {
		l.starting.Do(func() { close(l.start) })
	}
}

// whole returns the state of the last push when it was read whole.
func (l *lastPush) whole() *state {
	if l.file == nil {
		return nil
	}
	return l.file.whole
}

// close closes the state file.
func (l *lastPush) close() { l.file.close() }

// lastPush opens the state file. A state of another target is no record
// of this one's (planning against it would be wrong: this push is a first
// push), except for the first provisioning push after "ovsync migrate",
// which is planned against the last legacy push.
func (pl *Planner) lastPush() (*lastPush, error) {
	last := &lastPush{}
	sf, err := openState(pl.state)
	if err != nil || sf == nil {
		return last, err
	}
	last.file = sf
	switch name := pl.proto.Name(); {
	case sf.head.succeeds(name):
		last.notes = append(last.notes, fmt.Sprintf("planned against the last legacy push (state file %s, ids kept by ovsync migrate): its state becomes the provisioning one once sent", displaypath.Of(pl.state)))
		from, err := pl.opt.Protocols.Lookup(ProtocolLegacy)
		if err != nil {
			return last, err
		}
		sink := sf.head.asProvisioning(from, pl.proto, nil)
		if whole := sf.whole; whole != nil {
			whole.stateHead.UserKeys = sf.head.UserKeys
			translateWhole(whole, sink)
		} else if s, ok := sink.(*succession); ok {
			last.succession = s
		}
	case !sf.head.isFor(name, pl.target.URL):
		last.other = sf.head.target()
		last.sum, err = sf.digest()
		sf.close()
		last.file = nil
		return last, err
	}
	if whole := sf.whole; whole != nil {
		last.masked = !whole.Exact && whole.masked()
	} else {
		last.start = make(chan struct{})
		sf.prefetch(last.start)
	}
	return last, nil
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
