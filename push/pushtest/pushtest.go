// Package pushtest provides a fake of the Officevibe sync API and of its
// successor, Workleap API provisioning, for tests and rehearsals, in the
// manner of net/http/httptest.
//
// [NewServer] starts a [Server] on a loopback port. It answers the legacy
// POST of [push.SyncPath] and GET of [push.PingPath] with the key sent as
// "Authorization: Bearer KEY", and the successor's POST of
// [push.ProvisioningPath] with the key in [push.SubscriptionKeyHeader]. A
// wrong or missing legacy key gets the HTML login page with status 200, as
// the real service does. Every body is checked strictly by [Check] while
// it streams in, and the outcome joins [Fake.History] with the app's
// Success, Warning or Error status. Faults — 503 answers, 429 with
// Retry-After, slow answers, dropped connections — are set in [Options]
// before the server starts or with methods of [Fake] at any time.
//
// A test of a client:
//
//	srv := pushtest.NewServer(pushtest.Options{Key: "k", Fail: 2})
//	defer srv.Close()
//	// push to srv.URL with srv.Client() …
//	if got := srv.Requests(); got != 3 { … }
//	h := srv.History()
package pushtest

import (
	"bytes"
	"crypto/subtle"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ovsync/ovsync/push"
)

// DefaultKey is the key a [Fake] accepts, in both protocols, when
// [Options] sets none.
const DefaultKey = "pushtest-key"

// HistoryPath is the fake's own path answering GET with [Fake.History] as a
// JSON array. The real service has no such path.
const HistoryPath = "/history"

// Protocol names which API a sync used.
type Protocol string

const (
	// Legacy is Officevibe's sync: POST [push.SyncPath] with a bearer key.
	Legacy Protocol = "legacy"
	// Provisioning is Workleap API provisioning: POST
	// [push.ProvisioningPath] with a subscription key.
	Provisioning Protocol = "provisioning"
)

// Status is the app's status of a sync, as its sync history shows it.
type Status string

const (
	// StatusSuccess is a sync that went through whole.
	StatusSuccess Status = "Success"
	// StatusWarning is a sync where some information didn't transfer over
	// (FORMAT.md): duplicates, references to ids the payload lacks.
	StatusWarning Status = "Warning"
	// StatusError is a sync that failed: the body broke a strict check.
	StatusError Status = "Error"
)

// Sync is one entry of a [Fake]'s history: a sync body received whole with
// the right key. Requests turned away (wrong key, faults, wrong method or
// content type) and bodies that broke off are not syncs and are not
// recorded.
type Sync struct {
	// Time is when the body was received (Options.Now).
	Time time.Time `json:"time"`
	// Protocol is the API the body was sent to.
	Protocol Protocol `json:"protocol"`
	// Users, Groups and Mappings count the elements of the body's three
	// arrays (members, teams and teamMappings in the successor protocol).
	Users    int `json:"users"`
	Groups   int `json:"groups"`
	Mappings int `json:"mappings"`
	// Bytes is the size of the body.
	Bytes int64 `json:"bytes"`
	// Status is Success, Warning or Error.
	Status Status `json:"status"`
	// Errors and Warnings are the checker's messages (see [Check]).
	Errors   []string `json:"errors"`
	Warnings []string `json:"warnings"`
	// Settings is the legacy settings block; nil in the successor protocol
	// and when the block is missing or invalid.
	Settings *push.Settings `json:"settings,omitempty"`
	// JobID and JobStatus are the successor's answer, empty in the legacy
	// protocol and when the body was refused.
	JobID     string `json:"jobId,omitempty"`
	JobStatus string `json:"jobStatus,omitempty"`
	// Body is the raw body, kept only with Options.KeepBodies.
	Body []byte `json:"-"`
}

// Options configure a [Fake]. The zero value accepts [DefaultKey] and
// injects no fault.
type Options struct {
	// Key is the legacy API key (Authorization: Bearer Key); empty means
	// DefaultKey.
	Key string
	// SubscriptionKey is the successor's key (workleap-subscription-key);
	// empty means Key.
	SubscriptionKey string
	// KeepBodies keeps each sync's raw body in [Sync].Body.
	KeepBodies bool
	// Fail answers the next Fail requests with 503 Service Unavailable.
	Fail int
	// Throttle answers the next Throttle requests (after the Fail ones) with
	// 429 Too Many Requests and a Retry-After header.
	Throttle int
	// RetryAfter is the Retry-After of 429 answers, in seconds (rounded up).
	RetryAfter time.Duration
	// Drop closes the connection of the next Drop requests (after the Fail
	// and Throttle ones), once their body is read, without an answer.
	Drop int
	// Delay makes every answer, faults included, that much slower; a client
	// that gives up earlier ends the wait.
	Delay time.Duration
	// PauseForApproval answers successor syncs with the paused-for-approval
	// status ([push.JobPendingApproval]), as Workleap's risk thresholds do.
	PauseForApproval bool
	// Now is the clock of the history; nil means time.Now.
	Now func() time.Time
	// Log, when set, gets one line per request outcome (a sync, a ping, a
	// rejected key, an injected fault). No line ever holds a key.
	Log io.Writer
}

// Fake is the fake API as an http.Handler. Its methods are safe for
// concurrent use, so faults can be changed while requests run.
type Fake struct {
	key, subKey []byte
	keepBodies  bool
	now         func() time.Time

	mu         sync.Mutex
	fail       int
	throttle   int
	retryAfter time.Duration
	drop       int
	delay      time.Duration
	pause      bool
	history    []Sync
	requests   int
	last       http.Header
	jobs       int
	log        io.Writer
}

// NewFake returns a Fake configured by opt. Serve it with any HTTP/1.1
// server (dropped connections hijack the connection).
func NewFake(opt Options) *Fake {
	key := opt.Key
	if key == "" {
		key = DefaultKey
	}
	sub := opt.SubscriptionKey
	if sub == "" {
		sub = key
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	return &Fake{
		key:        []byte(key),
		subKey:     []byte(sub),
		keepBodies: opt.KeepBodies,
		now:        now,
		fail:       opt.Fail,
		throttle:   opt.Throttle,
		retryAfter: opt.RetryAfter,
		drop:       opt.Drop,
		delay:      opt.Delay,
		pause:      opt.PauseForApproval,
		log:        opt.Log,
	}
}

// FailNext makes the next n requests answer 503, in place of the count
// given so far.
func (f *Fake) FailNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = n
}

// ThrottleNext makes the next n requests answer 429 with a Retry-After of
// retryAfter, rounded up to whole seconds.
func (f *Fake) ThrottleNext(n int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle, f.retryAfter = n, retryAfter
}

// DropNext makes the next n requests end with a closed connection and no
// answer.
func (f *Fake) DropNext(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drop = n
}

// SetDelay makes every answer d slower; 0 ends the delay.
func (f *Fake) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// SetPauseForApproval turns the paused-for-approval answer of successor
// syncs on or off.
func (f *Fake) SetPauseForApproval(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pause = on
}

// History returns a copy of the syncs received so far, oldest first.
func (f *Fake) History() []Sync {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Sync{}, f.history...)
}

// Requests counts the requests received so far, faults and rejected keys
// included, [HistoryPath] excluded: the attempts a client made.
func (f *Fake) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// LastHeader returns a copy of the headers of the last request counted by
// [Fake.Requests], or nil before any.
func (f *Fake) LastHeader() http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last.Clone()
}

// fault is what the fake does to a request before serving it.
type fault int

const (
	noFault fault = iota
	fault503
	fault429
	faultDrop
)

// begin counts a request and takes the fault it gets, if any.
func (f *Fake) begin(r *http.Request) (fault, time.Duration, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	f.last = r.Header.Clone()
	switch {
	case f.fail > 0:
		f.fail--
		return fault503, f.delay, 0
	case f.throttle > 0:
		f.throttle--
		return fault429, f.delay, f.retryAfter
	case f.drop > 0:
		f.drop--
		return faultDrop, f.delay, 0
	}
	return noFault, f.delay, 0
}

// logf writes one log line, if a log is set.
func (f *Fake) logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.log == nil {
		return
	}
	fmt.Fprintf(f.log, "%s %s\n", f.now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
}

// name is how log lines name a request: its method and escaped path, which
// keeps a line on one line whatever the path holds.
func name(r *http.Request) string {
	return r.Method + " " + r.URL.EscapedPath()
}

// wait sleeps d unless the client goes away first.
func wait(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// ServeHTTP answers one request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == HistoryPath {
		f.serveHistory(w, r)
		return
	}
	what := name(r)
	flt, delay, retryAfter := f.begin(r)
	switch flt {
	case fault503:
		wait(r, delay)
		f.logf("%s: injected 503", what)
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	case fault429:
		wait(r, delay)
		secs := int64(math.Ceil(retryAfter.Seconds()))
		f.logf("%s: injected 429, retry after %ds", what, secs)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		http.Error(w, "too many requests", http.StatusTooManyRequests)
		return
	case faultDrop:
		_, _ = io.Copy(io.Discard, r.Body)
		wait(r, delay)
		f.logf("%s: injected dropped connection", what)
		dropConnection(w)
		return
	}
	switch r.URL.Path {
	case push.SyncPath:
		f.serveSync(w, r, delay)
	case push.PingPath:
		f.servePing(w, r, delay)
	case push.ProvisioningPath:
		f.serveProvisioning(w, r, delay)
	default:
		wait(r, delay)
		f.logf("%s: not found", what)
		http.NotFound(w, r)
	}
}

// dropConnection closes the connection without writing an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// HTTP/2, or a hijack that failed: abort the answer instead.
	panic(http.ErrAbortHandler)
}

// allow answers 405 unless the request uses method.
func (f *Fake) allow(w http.ResponseWriter, r *http.Request, method string, delay time.Duration) bool {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		return true
	}
	wait(r, delay)
	f.logf("%s: method not allowed", name(r))
	w.Header().Set("Allow", method)
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// bearerOK reports whether the request carries "Authorization: Bearer KEY"
// with the legacy key. The scheme is case-insensitive (RFC 9110).
func (f *Fake) bearerOK(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get(push.AuthorizationHeader), " ")
	if !ok || !strings.EqualFold(scheme, strings.TrimSpace(push.BearerPrefix)) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(token), f.key) == 1
}

// jsonBody reports whether the request's Content-Type is application/json
// and its body is not content-encoded.
func jsonBody(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != push.ContentType {
		return false
	}
	ce := r.Header.Get("Content-Encoding")
	return ce == "" || strings.EqualFold(ce, "identity")
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", push.ContentType+"; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// loginPage answers a request with a wrong legacy key.
func (f *Fake) loginPage(w http.ResponseWriter, r *http.Request, delay time.Duration) {
	wait(r, delay)
	why := "wrong key"
	if r.Header.Get(push.AuthorizationHeader) == "" {
		why = "no key"
	}
	f.logf("%s: %s, login page sent", name(r), why)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, LoginPage)
}

func (f *Fake) servePing(w http.ResponseWriter, r *http.Request, delay time.Duration) {
	if !f.allow(w, r, http.MethodGet, delay) {
		return
	}
	if !f.bearerOK(r) {
		f.loginPage(w, r, delay)
		return
	}
	wait(r, delay)
	f.logf("%s: ping ok", name(r))
	writeJSON(w, http.StatusOK, push.PingResponse{IsSuccess: true})
}

// receive checks the body as it streams in. It reports false when the body
// could not be read whole (the client went away, the connection broke):
// such a request is not a sync the service would record.
func (f *Fake) receive(p Protocol, r *http.Request) (Sync, bool) {
	at := f.now()
	body := &readErrors{r: r.Body}
	var in io.Reader = body
	var kept bytes.Buffer
	if f.keepBodies {
		in = io.TeeReader(body, &kept)
	}
	res := Check(p, in)
	if body.err != nil {
		f.logf("%s: body not received whole: %v", name(r), body.err)
		return Sync{}, false
	}
	s := Sync{
		Time:     at,
		Protocol: p,
		Users:    res.Users,
		Groups:   res.Groups,
		Mappings: res.Mappings,
		Bytes:    res.Bytes,
		Status:   res.Status(),
		Errors:   append([]string{}, res.Errors...),
		Warnings: append([]string{}, res.Warnings...),
	}
	if res.Settings != nil {
		settings := *res.Settings
		s.Settings = &settings
	}
	if f.keepBodies {
		s.Body = kept.Bytes()
	}
	return s, true
}

// readErrors remembers the first read error other than io.EOF.
type readErrors struct {
	r   io.Reader
	err error
}

func (e *readErrors) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// record adds s to the history and logs it; for an accepted successor sync
// it first gives it a job.
func (f *Fake) record(s Sync, elapsed time.Duration) Sync {
	f.mu.Lock()
	if s.Protocol == Provisioning && s.Status != StatusError {
		f.jobs++
		s.JobID = fmt.Sprintf("00000000-0000-4000-8000-%012d", f.jobs)
		s.JobStatus = push.JobScheduled
		if f.pause {
			s.JobStatus = push.JobPendingApproval
		}
	}
	f.history = append(f.history, s)
	f.mu.Unlock()
	f.logf("%s", s.line(elapsed))
	return s
}

// line is the log line of a sync: counts and outcome, never a key.
func (s Sync) line(elapsed time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sync %s %s users=%d groups=%d mappings=%d bytes=%d in %s",
		s.Protocol, s.Status, s.Users, s.Groups, s.Mappings, s.Bytes, elapsed.Round(time.Millisecond))
	if s.Settings != nil {
		fmt.Fprintf(&b, " invite=%t", s.Settings.InviteNewUsers)
	}
	if s.JobID != "" {
		fmt.Fprintf(&b, " job=%s status=%s", s.JobID, s.JobStatus)
	}
	msgs := s.Errors
	if len(msgs) == 0 {
		msgs = s.Warnings
	}
	if len(msgs) > 0 {
		fmt.Fprintf(&b, ": %s", msgs[0])
		if len(msgs) > 1 {
			fmt.Fprintf(&b, " (and %d more)", len(msgs)-1)
		}
	}
	return b.String()
}

// sync receives, checks and records a sync body once its key has been
// accepted. It reports false when it has answered already: a body that is
// not JSON, or that broke off.
func (f *Fake) sync(w http.ResponseWriter, r *http.Request, p Protocol, delay time.Duration) (Sync, bool) {
	if !jsonBody(r) {
		wait(r, delay)
		f.logf("%s: unsupported media type", name(r))
		const msg = "the body must be application/json, not content-encoded"
		var answer any = push.SyncResponse{Errors: []string{msg}}
		if p == Provisioning {
			answer = push.ErrorResponse{Title: "unsupported media type", Status: http.StatusUnsupportedMediaType, Errors: []string{msg}}
		}
		writeJSON(w, http.StatusUnsupportedMediaType, answer)
		return Sync{}, false
	}
	start := time.Now()
	got, ok := f.receive(p, r)
	if !ok {
		http.Error(w, "the body was not received whole", http.StatusBadRequest)
		return Sync{}, false
	}
	s := f.record(got, time.Since(start))
	wait(r, delay)
	return s, true
}

func (f *Fake) serveSync(w http.ResponseWriter, r *http.Request, delay time.Duration) {
	if !f.allow(w, r, http.MethodPost, delay) {
		return
	}
	if !f.bearerOK(r) {
		f.loginPage(w, r, delay)
		return
	}
	s, ok := f.sync(w, r, Legacy, delay)
	if !ok {
		return
	}
	resp := push.SyncResponse{IsSuccess: s.Status != StatusError, Errors: s.Errors}
	if s.Status == StatusWarning {
		resp.Errors = s.Warnings
	}
	writeJSON(w, http.StatusOK, resp)
}

func (f *Fake) serveProvisioning(w http.ResponseWriter, r *http.Request, delay time.Duration) {
	if !f.allow(w, r, http.MethodPost, delay) {
		return
	}
	key := r.Header.Get(push.SubscriptionKeyHeader)
	if subtle.ConstantTimeCompare([]byte(key), f.subKey) != 1 {
		wait(r, delay)
		msg := "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
		why := "wrong key"
		if key == "" {
			msg = "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."
			why = "no key"
		}
		f.logf("%s: %s, 401 sent", name(r), why)
		writeJSON(w, http.StatusUnauthorized, push.AccessDeniedResponse{StatusCode: http.StatusUnauthorized, Message: msg})
		return
	}
	s, ok := f.sync(w, r, Provisioning, delay)
	if !ok {
		return
	}
	if s.Status == StatusError {
		writeJSON(w, http.StatusBadRequest, push.ErrorResponse{
			Title:  "the payload is invalid",
			Status: http.StatusBadRequest,
			Errors: s.Errors,
		})
		return
	}
	resp := push.JobResponse{
		JobID:       s.JobID,
		Status:      s.JobStatus,
		ScheduledAt: s.Time.UTC().Format(time.RFC3339),
	}
	if s.JobStatus == push.JobPendingApproval {
		resp.Message = "the sync exceeds a risk threshold and waits for an administrator's approval"
	}
	writeJSON(w, http.StatusAccepted, resp)
}

func (f *Fake) serveHistory(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, f.History())
}

// Server is a [Fake] served over loopback HTTP, or HTTPS with
// [NewTLSServer]. Close it when done.
type Server struct {
	*Fake
	// URL is the base URL, http://127.0.0.1:PORT (https:// with TLS), to
	// use as ApiUrl or in place of the provisioning host.
	URL string
	ts  *httptest.Server
}

// NewServer starts a fake API on a loopback port over plain HTTP.
func NewServer(opt Options) *Server {
	f := NewFake(opt)
	ts := httptest.NewServer(f)
	return &Server{Fake: f, URL: ts.URL, ts: ts}
}

// NewTLSServer starts a fake API on a loopback port over HTTPS with
// httptest's self-signed certificate, which [Server.Client] trusts.
func NewTLSServer(opt Options) *Server {
	f := NewFake(opt)
	ts := httptest.NewTLSServer(f)
	return &Server{Fake: f, URL: ts.URL, ts: ts}
}

// Client returns an HTTP client for the server; with TLS it trusts the
// server's certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Certificate returns the server's certificate, nil without TLS.
func (s *Server) Certificate() *x509.Certificate { return s.ts.Certificate() }

// Close shuts the server down and waits for its requests to end.
func (s *Server) Close() { s.ts.Close() }

// CloseClientConnections closes the connections clients hold open.
func (s *Server) CloseClientConnections() { s.ts.CloseClientConnections() }
