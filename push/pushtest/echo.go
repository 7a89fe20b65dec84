package pushtest

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/push"
)

// EchoKinds are the answers of an [Echo] service, by the name a request
// path gives (see [EchoURL]):
//
//   - "json": 400 and a JSON refusal with the key in its messages (the
//     legacy isSuccess false shape, and the successor's title and errors)
//   - "accept": 200 and a sync that went through with the key in its
//     message (a legacy warning, a provisioning job's message), so that
//     the run writes its state file
//   - "html": 400 and an HTML error page, as a proxy sends
//   - "redirect": 302 to a URL holding the key
var EchoKinds = []string{"json", "accept", "html", "redirect"}

// EchoForms are the forms an [Echo] service writes the key in: as sent,
// upper-cased, URL-escaped, and base64 after "user:" (a Basic
// Authorization header shown back).
var EchoForms = []string{"plain", "upper", "query", "base64"}

// Echo is a hostile service, for tests of redaction: it answers every
// request, in either protocol, with the key the request carried, starting
// a given number of bytes into its answer, so that a message cut at any
// length cuts through the key somewhere. The path of the request says
// how: /OFFSET/KIND/FORM/ then the API's own path ([EchoURL] builds it).
// It checks nothing else.
type Echo struct{}

// NewEchoServer starts an [Echo] service on a loopback port.
func NewEchoServer() *httptest.Server {
	return httptest.NewServer(Echo{})
}

// EchoURL is the service URL (ApiUrl, or --url for the successor) whose
// requests an [Echo] service at base answers with the key offset bytes
// into its answer, in the kind and form given.
func EchoURL(base string, offset int, kind, form string) string {
	return fmt.Sprintf("%s/%d/%s/%s", strings.TrimRight(base, "/"), offset, kind, form)
}

// ServeHTTP answers as the request path says.
func (Echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 4)
	if len(parts) < 3 {
		http.Error(w, "want /OFFSET/KIND/FORM/…", http.StatusNotFound)
		return
	}
	off, err := strconv.Atoi(parts[0])
	if err != nil || off < 0 {
		http.Error(w, "bad offset", http.StatusNotFound)
		return
	}
	key, provisioning := r.Header.Get(push.SubscriptionKeyHeader), true
	if key == "" {
		key, provisioning = strings.TrimPrefix(r.Header.Get(push.AuthorizationHeader), push.BearerPrefix), false
	}
	switch parts[2] {
	case "upper":
		key = strings.ToUpper(key)
	case "query":
		key = url.QueryEscape(key)
	case "base64":
		key = base64.StdEncoding.EncodeToString([]byte("user:" + key))
	}
	var head, tail, ctype string
	status := http.StatusBadRequest
	switch parts[1] {
	case "json":
		head, tail, ctype = `{"isSuccess":false,"title":"refused","errors":["`, `"]}`, "application/json"
	case "accept":
		status, ctype = http.StatusOK, "application/json"
		if provisioning {
			head, tail = `{"jobId":"job-1","status":"completed","message":"`, `"}`
		} else {
			head, tail = `{"isSuccess":true,"errors":["`, `"]}`
		}
	case "html":
		head, tail, ctype = "<!doctype html><html><body><p>", "</p></body></html>", "text/html; charset=utf-8"
	case "redirect":
		w.Header().Set("Location", "https://proxy.example.com/"+fit("", off)+key+"/next")
		w.WriteHeader(http.StatusFound)
		return
	default:
		http.Error(w, "unknown kind", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	io.WriteString(w, fit(head, off)+key+tail)
}

// fit returns head cut or padded with "x" to n bytes.
func fit(head string, n int) string {
	if len(head) >= n {
		return head[:n]
	}
	return head + strings.Repeat("x", n-len(head))
}
