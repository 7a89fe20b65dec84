package push

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ovsync/ovsync/lint"
)

// OfficevibeDomain is the domain whose hosts ApiUrl may name without
// --allow-host (app.officevibe.com, sandbox.officevibe.com).
const OfficevibeDomain = "officevibe.com"

// endpoint is a checked base URL of the service (ApiUrl).
type endpoint struct {
	base *url.URL
}

// parseEndpoint checks ApiUrl before any request: an absolute https URL
// (plain http only to a loopback address, for tests and rehearsals), on a
// host of officevibe.com, a loopback address or one of allowHosts, with
// no user name, password, query or fragment. The rules keep the key from
// travelling in clear text or to a host nobody chose.
func parseEndpoint(raw, configFile string, allowHosts []string) (endpoint, error) {
	const hint = "\nhint: use https://app.officevibe.com (production) or https://sandbox.officevibe.com (sandbox)"
	if strings.TrimSpace(raw) == "" {
		return endpoint{}, fmt.Errorf("%s: ApiUrl is empty%s", configFile, hint)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return endpoint{}, fmt.Errorf("%s: ApiUrl %q is not an absolute URL%s", configFile, raw, hint)
	}
	if u.User != nil {
		return endpoint{}, fmt.Errorf("%s: ApiUrl must not hold a user name or password%s", configFile, hint)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return endpoint{}, fmt.Errorf("%s: ApiUrl %q must not have a query or fragment%s", configFile, u.Redacted(), hint)
	}
	host := u.Hostname()
	loopback := lint.IsLoopback(host)
	switch {
	case strings.EqualFold(u.Scheme, "https"):
	case strings.EqualFold(u.Scheme, "http") && loopback:
	case strings.EqualFold(u.Scheme, "http"):
		return endpoint{}, fmt.Errorf("%s: ApiUrl %q is plain http: the API key would travel in clear text (http is allowed only to a loopback address)%s", configFile, u.Redacted(), hint)
	default:
		return endpoint{}, fmt.Errorf("%s: ApiUrl %q is not an https URL%s", configFile, u.Redacted(), hint)
	}
	if !loopback && !officevibeHost(host) && !allowed(host, allowHosts) {
		return endpoint{}, fmt.Errorf("%s: ApiUrl host %q is not an officevibe.com host\nhint: if you trust it with the API key, give --allow-host %s", configFile, host, host)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return endpoint{base: u}, nil
}

// officevibeHost reports whether host is officevibe.com or one of its
// subdomains.
func officevibeHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == OfficevibeDomain || strings.HasSuffix(host, "."+OfficevibeDomain)
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

// String returns the base URL, as the summary shows it.
func (e endpoint) String() string { return e.base.String() }

// plainHTTP reports whether the endpoint is a loopback plain-http one.
func (e endpoint) plainHTTP() bool { return e.base.Scheme == "http" }
