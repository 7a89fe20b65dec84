package push

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/lint"
)

// Names of the protocols, as Options.Protocol and --protocol give them.
// Each is also the name of the file format it sends (lint's
// Summary.Format), so that the files tell which protocol to speak.
const (
	// ProtocolLegacy names the Officevibe sync API (Enterprise Sync
	// Tool): POST of the whole org to [SyncPath] with a bearer key.
	ProtocolLegacy = "legacy"
	// ProtocolProvisioning names Workleap API provisioning, the
	// successor: POST of the whole org, without settings, to
	// [ProvisioningURL] with a [SubscriptionKeyHeader], answered with an
	// asynchronous job.
	ProtocolProvisioning = "provisioning"
)

// protocol is one sync API: where a sync and a ping go, how the key
// travels, how the body is written and how an answer is read. Everything
// that differs between the legacy API and its successor (Workleap API
// provisioning) is behind this interface; the wire facts themselves live
// in api.go.
type protocol interface {
	// name is the protocol's name, as Options.Protocol gives it.
	name() string
	// files is the file format the protocol sends: its body is written
	// from files of this vocabulary only.
	files() *lint.Vocabulary
	// describe names the protocol's file format in messages.
	describe() string
	// endpoint checks where the protocol's requests go, before any
	// request, from the config and the remote options.
	endpoint(cfg *lint.Config, r Remote) (endpoint, error)
	// syncURL is the URL of the sync request.
	syncURL(e endpoint) string
	// pingURL is the URL of the key check; ok is false when the protocol
	// has none.
	pingURL(e endpoint) (url string, ok bool)
	// authorize puts the key into the request's headers.
	authorize(h http.Header, key string)
	// writeBody writes the whole body for the config and its CSV files,
	// telling obs (if not nil) of each user and mapping.
	writeBody(bw *bodyWriter, cfg *lint.Config, obs observer) error
	// readSync reads the answer to a sync that was not retried. The
	// outcome's job is set whenever the answer gave one, error or not.
	readSync(a answer) (syncOutcome, error)
	// readPing reads the answer to a ping that was not retried.
	readPing(a answer) (string, error)
	// invites reports whether the body asks the service to invite the
	// members the sync creates.
	invites(cfg *lint.Config) bool
	// notes are the lines the plan adds for this protocol, before
	// anything is sent.
	notes(cfg *lint.Config) []string
	// firstPush is what a first push does to the members and teams
	// that are not in the files, for its warning.
	firstPush() string
	// keyHint is the hint of a rejected key that came from source.
	keyHint(source string) string
}

// protocols are the protocols a push can speak, by name; nothing else
// chooses between them.
var protocols = map[string]protocol{
	ProtocolLegacy:       legacyProtocol{},
	ProtocolProvisioning: provisioningProtocol{},
}

// Protocols returns the names Options.Protocol accepts, sorted.
func Protocols() []string {
	names := make([]string, 0, len(protocols))
	for n := range protocols {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// lookupProtocol returns the protocol of a name; "" is the legacy one.
func lookupProtocol(name string) (protocol, error) {
	if name == "" {
		name = ProtocolLegacy
	}
	p, ok := protocols[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return nil, fmt.Errorf("unknown protocol %q (use %s)", name, strings.Join(Protocols(), " or "))
	}
	return p, nil
}

// chooseProtocol picks the protocol of a push: the one named, which must
// send the files' format, or with name "" the one of the files' format.
// how says which of the two it was, for the verbose log. An org whose
// files mix the two formats is an error, as in lint.
func chooseProtocol(name string, cfg *lint.Config) (p protocol, how string, err error) {
	paths := [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
	v, err := lint.DetectFormat(paths)
	if err != nil {
		return nil, "", err
	}
	var fits protocol
	for _, n := range Protocols() {
		if protocols[n].files() == v {
			fits = protocols[n]
		}
	}
	if name == "" {
		if fits == nil {
			return nil, "", fmt.Errorf("no protocol sends files in the %s format", v.Name)
		}
		return fits, "from the files' format", nil
	}
	p, err = lookupProtocol(name)
	if err != nil {
		return nil, "", err
	}
	// Files that cannot be read tell no format: lint reports them.
	if p != fits && fits != nil && anyReadable(paths) {
		hint := fmt.Sprintf("leave --protocol out to push them with the %s protocol", fits.name())
		if p.name() == ProtocolProvisioning {
			hint += `, or write them in the successor's format first with "ovsync migrate"`
		}
		return nil, "", fmt.Errorf("--protocol %s: the files of %s are in the %s format (%s), which the %s protocol does not send\nhint: %s",
			p.name(), displaypath.Of(cfg.Path), fits.describe(), strings.Join(v.FileNames[:], ", "), p.name(), hint)
	}
	return p, "from --protocol", nil
}

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

// observer is told of each user and mapping while a body is written, for
// the plan and the state file.
type observer interface {
	// userKeys gets the keys of the user objects that follow, with the
	// role of each (-1 for a custom column).
	userKeys(keys []string, roles []lint.Role)
	// user gets a user's values in key order and its JSON object.
	user(vals []string, obj []byte)
	// team gets a team's id and name as written.
	team(id, name string)
	// mapping gets a mapping row's ids as written and its flags.
	mapping(team, user, subTeam string, member, manager bool)
}

// syncOutcome is what an answer to a sync said.
type syncOutcome struct {
	// warnings are the service's messages on an accepted sync.
	warnings []string
	// job is the successor's job, set whenever its answer gave one.
	job *JobResponse
}
