package push

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ovsync/ovsync/internal/redact"
)

// answer is an HTTP answer read whole (up to maxAnswer bytes): the part
// of a response that protocols read. Its body and header are redacted
// already; red redacts again what decoding the body gives (a key written
// with JSON escapes), before it is cut.
type answer struct {
	status int
	header http.Header
	body   []byte
	red    *redact.Redactor
}

// maxAnswer caps the bytes of an answer that are read: a sync answer is
// a list of messages, a login page a few kilobytes.
const maxAnswer = 8 << 20

// msgKeyRejected is what a rejected key is called, whatever the sign of
// it (an HTML page, 401, 403, a redirect to a login page): the service
// cannot tell a wrong key from an integration that is not activated.
const msgKeyRejected = "the API key was rejected, or the Custom Integration is not activated (Admin › Integrations)"

// retryableStatus reports whether an answer with status is worth another
// attempt: 429 Too Many Requests and 5xx server errors.
func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500 && status <= 599
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date
// (RFC 9110, section 10.2.3); ok is false when there is none or it cannot
// be read.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// looksHTML reports whether an answer is a web page rather than the
// API's JSON: what the service sends for a wrong key.
func (a answer) looksHTML() bool {
	if mt, _, err := mime.ParseMediaType(a.header.Get("Content-Type")); err == nil {
		if mt == "text/html" || mt == "application/xhtml+xml" {
			return true
		}
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(a.body, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	return len(b) > 0 && b[0] == '<'
}

// statusText is "404 Not Found", or just the number for an unknown one.
func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return fmt.Sprintf("%d %s", status, t)
	}
	return strconv.Itoa(status)
}

// snippet is the start of an answer's body on one line, for messages
// about answers that could not be read: cut after redaction.
func (a answer) snippet() string {
	b := a.red.Bytes(a.body)
	const n = 120
	if len(b) > n {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
		return oneLine(strings.ToValidUTF8(string(b), "\uFFFD")) + "…"
	}
	return oneLine(strings.ToValidUTF8(string(b), "\uFFFD"))
}

// redirected reads a 3xx answer, which the client never follows: the key
// must not travel anywhere else. A redirect to a login page is what a
// web application does with a request it does not accept.
func (a answer) redirected() *RejectedError {
	loc := clip(a.red, a.header.Get("Location"))
	low := strings.ToLower(loc)
	for _, w := range []string{"login", "signin", "sign-in", "account", "auth"} {
		if strings.Contains(low, w) {
			return &RejectedError{Status: a.status, KeyRejected: true, Message: msgKeyRejected}
		}
	}
	if loc == "" {
		loc = "nowhere"
	}
	return &RejectedError{Status: a.status,
		Message: fmt.Sprintf("the service redirected the request (%s) to %s", statusText(a.status), loc),
		Hint:    "check the service URL (ApiUrl in config.json, or --url for Workleap): redirects are not followed, so that the key goes nowhere else"}
}

// notAPI is the error for an answer that is neither the API's JSON nor a
// sign of a rejected key.
func (a answer) notAPI(what string) *RejectedError {
	msg := fmt.Sprintf("the service's answer (%s) is not the %s API's JSON", statusText(a.status), what)
	if s := a.snippet(); s != "" {
		msg += ": " + s
	}
	hint := "check the service URL (ApiUrl in config.json, or --url for Workleap)"
	if a.status == http.StatusNotFound {
		hint = "check the service URL (ApiUrl in config.json, or --url for Workleap): the service has no such path"
	}
	return &RejectedError{Status: a.status, Message: msg, Hint: hint}
}
