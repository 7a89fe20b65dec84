package push

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/lint"
)

// ProtocolLegacy names the Officevibe sync API (Enterprise Sync Tool):
// POST of the whole org to [SyncPath] with a bearer key.
const ProtocolLegacy = "legacy"

// protocol is one sync API: where a sync and a ping go, how the key
// travels, how the body is written and how an answer is read. Everything
// that differs between the legacy API and its successor (Workleap API
// provisioning) is behind this interface; the wire facts themselves live
// in api.go.
type protocol interface {
	// name is the protocol's name, as Options.Protocol gives it.
	name() string
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
	// readSync reads the answer to a sync that was not retried.
	readSync(a answer) (syncOutcome, error)
	// readPing reads the answer to a ping that was not retried.
	readPing(a answer) (string, error)
}

// protocols are the protocols a push can speak, by name. The successor
// joins this table; nothing else chooses between them.
var protocols = map[string]protocol{
	ProtocolLegacy: legacyProtocol{},
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
	p, ok := protocols[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown protocol %q (use %s)", name, strings.Join(Protocols(), ", "))
	}
	return p, nil
}

// observer is told of each user and mapping while a body is written, for
// the plan and the state file.
type observer interface {
	// user gets the user's id as written and the bytes of its JSON object.
	user(id string, obj []byte)
	// mapping gets a mapping row's ids as written and its flags.
	mapping(team, user, subTeam string, member, manager bool)
}

// syncOutcome is a sync the service accepted.
type syncOutcome struct {
	// Warnings are the service's messages on an accepted sync.
	warnings []string
}
