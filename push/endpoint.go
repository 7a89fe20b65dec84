package push

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ovsync/ovsync/internal/loopback"
	"github.com/ovsync/ovsync/push/plan"
)

// OfficevibeDomain is the domain whose hosts ApiUrl may name without
// --allow-host (app.officevibe.com, sandbox.officevibe.com).
const OfficevibeDomain = "officevibe.com"

// endpoint is a checked URL of the service: the base URL (ApiUrl) of the
// legacy service, or the whole URL of the successor's provisioning
// endpoint.
type endpoint struct {
	base *url.URL
}

// endpointRules are what one protocol accepts as its URL.
type endpointRules struct {
	// subject names the URL in messages: `config.json: ApiUrl`, `--url`.
	subject string
	// hint is the line that says which URL to use.
	hint string
	// hostOK reports whether a host is the protocol's own service.
	hostOK func(host string) bool
	// hosts names the hosts hostOK accepts, for messages.
	hosts string
}

// parseEndpoint checks ApiUrl before any request: an absolute https URL
// (plain http only to a loopback address, for tests and rehearsals), on a
// host of officevibe.com, a loopback address or one of allowHosts, with
// no user name, password, query or fragment. The rules keep the key from
// travelling in clear text or to a host nobody chose.
func parseEndpoint(raw, configFile string, allowHosts []string) (endpoint, error) {
	e, err := checkEndpoint(raw, endpointRules{
		subject: configFile + ": ApiUrl",
		hint:    "use https://app.officevibe.com (production) or https://sandbox.officevibe.com (sandbox)",
		hostOK:  officevibeHost,
		hosts:   "an officevibe.com host",
	}, allowHosts)
	if err != nil {
		return endpoint{}, err
	}
	e.base.Path = strings.TrimRight(e.base.Path, "/")
	e.base.RawPath = ""
	return e, nil
}

// parseProvisioningURL checks the URL of a provisioning push: raw, or
// [ProvisioningURL] when raw is empty, with the rules of parseEndpoint but
// on [ProvisioningHost] instead of officevibe.com. A URL without a path
// gets [ProvisioningPath], so that --url can name just a host (a fake, a
// proxy); any other path is kept as given, to correct an unconfirmed one.
func parseProvisioningURL(raw string, allowHosts []string) (endpoint, error) {
	if raw == "" {
		raw = ProvisioningURL
	}
	e, err := checkEndpoint(raw, endpointRules{
		subject: "--url",
		hint:    "leave --url out to use " + ProvisioningURL,
		hostOK:  provisioningHost,
		hosts:   ProvisioningHost,
	}, allowHosts)
	if err != nil {
		return endpoint{}, err
	}
	if e.base.Path == "" || e.base.Path == "/" {
		e.base.Path, e.base.RawPath = ProvisioningPath, ""
	}
	return e, nil
}

// checkEndpoint checks a URL with the rules every protocol shares: an
// absolute https URL (plain http only to a loopback address), on a host
// that rules accept, a loopback address or one of allowHosts, with no
// user name, password, query or fragment.
func checkEndpoint(raw string, r endpointRules, allowHosts []string) (endpoint, error) {
	hint := "\nhint: " + r.hint
	if strings.TrimSpace(raw) == "" {
		return endpoint{}, fmt.Errorf("%s is empty%s", r.subject, hint)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return endpoint{}, fmt.Errorf("%s %q is not an absolute URL%s", r.subject, raw, hint)
	}
	if u.User != nil {
		return endpoint{}, fmt.Errorf("%s must not hold a user name or password%s", r.subject, hint)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return endpoint{}, fmt.Errorf("%s %q must not have a query or fragment%s", r.subject, u.Redacted(), hint)
	}
	host := u.Hostname()
	local := loopback.Is(host)
	switch {
	case strings.EqualFold(u.Scheme, "https"):
	case strings.EqualFold(u.Scheme, "http") && local:
	case strings.EqualFold(u.Scheme, "http"):
		return endpoint{}, fmt.Errorf("%s %q is plain http: the API key would travel in clear text (http is allowed only to a loopback address)%s", r.subject, u.Redacted(), hint)
	default:
		return endpoint{}, fmt.Errorf("%s %q is not an https URL%s", r.subject, u.Redacted(), hint)
	}
	if !local && !r.hostOK(host) && !allowed(host, allowHosts) {
		return endpoint{}, fmt.Errorf("%s host %q is not %s\nhint: if you trust it with the API key, give --allow-host %s", r.subject, host, r.hosts, host)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return endpoint{base: u}, nil
}

// officevibeHost reports whether host is officevibe.com or one of its
// subdomains.
func officevibeHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == OfficevibeDomain || strings.HasSuffix(host, "."+OfficevibeDomain)
}

// provisioningHost reports whether host is [ProvisioningHost], the one
// host of Workleap API provisioning (FORMAT.md).
func provisioningHost(host string) bool {
	return strings.EqualFold(strings.TrimSuffix(host, "."), ProvisioningHost)
}

// allowed reports whether host is one of hosts (case-insensitive; a port
// given with a host is ignored).
func allowed(host string, hosts []string) bool {
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if hh, _, ok := strings.Cut(h, ":"); ok && !strings.Contains(h, "]") && strings.Count(h, ":") == 1 {
			h = hh
		}
		h = strings.Trim(h, "[]")
		if strings.EqualFold(strings.TrimSuffix(h, "."), strings.TrimSuffix(host, ".")) {
			return true
		}
	}
	return false
}

// join returns the URL of path under the base.
func (e endpoint) join(path string) string {
	u := *e.base
	u.Path += path
	return u.String()
}

// target is the [plan.Target] of the endpoint, as a plan records it.
func (e endpoint) target() plan.Target {
	return plan.Target{URL: e.String(), Host: e.base.Host}
}

// String returns the URL, as the summary and the state file show it.
func (e endpoint) String() string { return e.base.String() }

// plainHTTP reports whether the endpoint is a loopback plain-http one.
func (e endpoint) plainHTTP() bool { return e.base.Scheme == "http" }
