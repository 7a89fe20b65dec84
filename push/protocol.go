package push

import (
	"maps"
	"net/http"
	"slices"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// protocol is one sync API: where a sync and a ping go, how the key
// travels, how the body is written and how an answer is read. Everything
// that differs between the legacy API and its successor (Workleap API
// provisioning) is behind this interface; the wire facts themselves live
// in api.go. What a plan needs of it (the files it sends, its target,
// its body) is [plan.Protocol].
type protocol interface {
	plan.Protocol
	// endpoint checks where the protocol's requests go, before any
	// request, from the config and the route.
	endpoint(cfg *lint.Config, r plan.Route) (endpoint, error)
	// syncURL is the URL of the sync request.
	syncURL(e endpoint) string
	// pingURL is the URL of the key check; ok is false when the protocol
	// has none.
	pingURL(e endpoint) (url string, ok bool)
	// authorize puts the key into the request's headers.
	authorize(h http.Header, key string)
	// readSync reads the answer to a sync that was not retried. The
	// outcome's job is set whenever the answer gave one, error or not.
	readSync(a answer) (syncOutcome, error)
	// readPing reads the answer to a ping that was not retried.
	readPing(a answer) (string, error)
	// firstPush is what a first push does to the members and teams
	// that are not in the files, for its warning.
	firstPush() string
	// keyHint is the hint of a rejected key that came from source.
	keyHint(source string) string
}

// protocols are the protocols a push can speak, by name; nothing else
// chooses between them.
var protocols = map[string]protocol{
	plan.ProtocolLegacy:       legacyProtocol{},
	plan.ProtocolProvisioning: provisioningProtocol{},
}

// Protocols returns the protocols a push can speak, sorted by name, as
// a plan sees them: the command hands them to every plan
// (plan.Options.Protocols), so that a plan hashes the body a push sends.
func Protocols() plan.Protocols {
	names := slices.Sorted(maps.Keys(protocols))
	ps := make(plan.Protocols, len(names))
	for i, n := range names {
		ps[i] = protocols[n]
	}
	return ps
}

// lookupProtocol returns the protocol of a name; "" is the legacy one.
func lookupProtocol(name string) (protocol, error) {
	p, err := Protocols().Lookup(name)
	if err != nil {
		return nil, err
	}
	return protocols[p.Name()], nil
}

// syncOutcome is what an answer to a sync said.
type syncOutcome struct {
	// warnings are the service's messages on an accepted sync.
	warnings []string
	// job is the successor's job, set whenever its answer gave one.
	job *JobResponse
}
