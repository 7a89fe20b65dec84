package plan

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Options say what the push of an org is planned against: the state file
// of the last push, the protocol and the target, the guards. The command
// builds them once (cmd/ovsync's planOptions) for plan, push, diff and
// report, so that the four cannot disagree.
type Options struct {
	// Path is a config.json of the original tool, or a folder holding
	// one; "" means the current folder.
	Path string
	// State is the state file, the record of the last push; "" means
	// [DefaultStateFile] beside the config file.
	State string
	// Route says which protocol the push speaks and where it goes.
	Route
	// Guards are the limits the plan is checked against.
	Guards
	// Protocols are the protocols a push can speak, package push's
	// (push.Protocols): the plan has the body written by the protocol
	// it chooses, to hash it and to record the org it holds.
	Protocols Protocols
	// Digests has the plan record the SHA-256 of each file it was made
	// from (Plan.Inputs), taken in the read that lints them: for a plan
	// that is kept, or applied (push --plan).
	Digests bool
	// Keys are the run's keys: no message holds a piece of one, and no
	// data (the plan file, the state, the dump) a whole one. nil means
	// keys of the plan's own; [Make] teaches them the config's ApiKey.
	Keys *redact.Redactor
	// Findings gets the lint findings that stop a plan, as lint's text;
	// nil discards them.
	Findings io.Writer
	// Warn gets each warning, with its hint ("" for none); Log each line
	// of progress, when the run is verbose. nil discards. The command
	// gives them its voice (cmd/ovsync/messages.go).
	Warn func(msg, hint string)
	Log  func(msg string)
}

// Route says which protocol a push speaks and where it goes, as
// --protocol, --url and --allow-host give them.
type Route struct {
	// Protocol names the protocol (see [Protocols.Names]); "" means the
	// one of the files' format for a push, and legacy for a ping. A
	// push with a protocol that does not send the files' format stops
	// before anything is sent.
	Protocol string
	// URL is the provisioning endpoint (--url); "" means the
	// successor's own. The legacy protocol refuses it: its URL is
	// ApiUrl in config.json.
	URL string
	// AllowHosts are hosts other than the service's own that its URL may
	// name (--allow-host).
	AllowHosts []string
}

// Guards are the limits a push is checked against. A push that goes
// over one stops (exit status 5, nothing sent) unless accepted: the
// plan lists the guards it trips ([Plan.Guards]).
type Guards struct {
	// FirstPush accepts a push without a record of the last push to its
	// target (no state file, or one written for another URL or
	// protocol), the one guard the other guards cannot work without. It
	// accepts that guard alone, and only when there is no record: with
	// a record it trips a guard of its own, so that a script that keeps
	// it does not let a push through the day its record is lost.
	FirstPush bool
	// MaxRemovals is how many users a push may remove, compared with the
	// last push. The zero Limit allows none.
	MaxRemovals Limit
	// MaxTeamRemovals is how many teams a push may delete;
	// MaxManagerChanges how many managers may lose access to a team.
	MaxTeamRemovals, MaxManagerChanges Limit
	// MaxInvites is how many invitations a push may send when
	// InviteNewUsers is true.
	MaxInvites int
}

// Names of the protocols, as Route.Protocol gives them. Each is also the
// name of the file format it sends (lint's Summary.Format), so that the
// files tell which protocol to speak.
const (
	// ProtocolLegacy names the Officevibe sync API (Enterprise Sync
	// Tool): POST of the whole org with a bearer key.
	ProtocolLegacy = "legacy"
	// ProtocolProvisioning names Workleap API provisioning, the
	// successor: POST of the whole org, without settings, with a
	// subscription key, answered with an asynchronous job.
	ProtocolProvisioning = "provisioning"
)

// Protocol is a protocol a push can speak, as a plan sees it: the files
// it sends, where it goes and the body it writes, never how the body
// travels. Package push implements it for each of its protocols; a plan
// has the body written once, to hash it and to record the org it holds,
// and sends nothing.
type Protocol interface {
	// Name is the protocol's name, as Route.Protocol gives it.
	Name() string
	// Files is the file format the protocol sends: its body is written
	// from files of this vocabulary only.
	Files() *lint.Vocabulary
	// Describe names the protocol's file format in messages.
	Describe() string
	// Target checks where a push of cfg on route r goes, before any
	// request: the rules that keep the key from travelling in clear text
	// or to a host nobody chose.
	Target(cfg *lint.Config, r Route) (Target, error)
	// UserKeys are the standard keys of a user object in the order the
	// body writes them, each with the users file column it comes from.
	UserKeys() []RoleKey
	// WriteBody writes the whole body for cfg and its CSV files to w,
	// reading the files row by row, telling rec (if not nil) of each
	// record, and returns its size.
	WriteBody(w io.Writer, cfg *lint.Config, rec Recorder) (int64, error)
	// Body starts the body for cfg on w, its head written, for records
	// handed to it one at a time: the planning pass writes the body
	// from the rows lint reads and the model it builds, without reading
	// the files again. The bytes are WriteBody's for the same records.
	Body(w io.Writer, cfg *lint.Config, rec Recorder) Body
	// Invites reports whether the body asks the service to invite the
	// members the sync creates.
	Invites(cfg *lint.Config) bool
	// Notes are the lines the plan adds for this protocol, before
	// anything is sent.
	Notes(cfg *lint.Config) []string
}

// RoleKey is a standard column of a users (members) file, by its role,
// with the key it is written with in a user (member) object.
type RoleKey struct {
	Role lint.Role
	Key  string
}

// Recorder is told of each record of a body while it is written, in
// file order: the plan keeps the org the body holds, exactly, as the
// state of the push.
type Recorder interface {
	// UserKeys gets the keys of the user objects that follow, with the
	// role of each (-1 for a custom column).
	UserKeys(keys []string, roles []lint.Role)
	// User gets a user's values in key order and its JSON object.
	User(vals []string, obj []byte)
	// Team gets a team's id and name as written.
	Team(id, name string)
	// Mapping gets a mapping row's ids as written and its flags.
	Mapping(team, user, subTeam string, member, manager bool)
}

// Body is the body of a push being written one record at a time, in the
// body's order: every user, then every team, then every mapping row,
// each with its values as the files hold them; rec, if any, is told of
// each record as it is written.
type Body interface {
	// User writes the user (member) object of a record of the users file:
	// its fields as written, under header h.
	User(h *lint.Header, fields []string) error
	// Team writes a team: its id and name as written.
	Team(id, name string) error
	// Mapping writes a mapping row: its ids as written and its flags.
	Mapping(team, user, subTeam string, member, manager bool) error
	// Close ends the body and returns its size.
	Close() (int64, error)
}

// Protocols are the protocols a push can speak, sorted by name; nothing
// else chooses between them.
type Protocols []Protocol

// Names returns the names of the protocols, sorted.
func (ps Protocols) Names() []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name()
	}
	slices.Sort(names)
	return names
}

// Lookup returns the protocol of a name, in any case; "" is the legacy
// one.
func (ps Protocols) Lookup(name string) (Protocol, error) {
	if len(ps) == 0 {
		return nil, errNoProtocols
	}
	want := strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		want = ProtocolLegacy
	}
	for _, p := range ps {
		if p.Name() == want {
			return p, nil
		}
	}
	return nil, fmt.Errorf("unknown protocol %q (use %s)", name, strings.Join(ps.Names(), " or "))
}

// choose picks the protocol of a push: the one named, which must send
// the files' format, or with name "" the one of the files' format. how
// says which of the two it was, for the verbose log. An org whose files
// mix the two formats is an error, as in lint.
func (ps Protocols) choose(name string, cfg *lint.Config) (p Protocol, how string, err error) {
	if len(ps) == 0 {
		return nil, "", errNoProtocols
	}
	paths := [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
	v, err := lint.DetectFormat(paths)
	if err != nil {
		return nil, "", err
	}
	var fits Protocol
	for _, q := range ps {
		if q.Files() == v {
			fits = q
		}
	}
	if name == "" {
		if fits == nil {
			return nil, "", fmt.Errorf("no protocol sends files in the %s format", v.Name)
		}
		return fits, "from the files' format", nil
	}
	p, err = ps.Lookup(name)
	if err != nil {
		return nil, "", err
	}
	// Files that cannot be read tell no format: lint reports them.
	if p != fits && fits != nil && anyReadable(paths) {
		hint := fmt.Sprintf("leave --protocol out to push them with the %s protocol", fits.Name())
		if p.Name() == ProtocolProvisioning {
			hint += `, or write them in the successor's format first with "ovsync migrate"`
		}
		return nil, "", fmt.Errorf("--protocol %s: the files of %s are in the %s format (%s), which the %s protocol does not send\nhint: %s",
			p.Name(), displaypath.Of(cfg.Path), fits.Describe(), strings.Join(v.FileNames[:], ", "), p.Name(), hint)
	}
	return p, "from --protocol", nil
}

// errNoProtocols is the error of a plan made without protocols: a
// caller's mistake, which no file can cause.
var errNoProtocols = errors.New("no protocol to plan with: Options.Protocols is empty (push.Protocols() has them)")

// anyReadable reports whether one of the files at least can be opened.
func anyReadable(paths [3]string) bool {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if f, err := os.Open(p); err == nil {
			f.Close()
			return true
		}
	}
	return false
}
