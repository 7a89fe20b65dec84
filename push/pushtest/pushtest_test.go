package pushtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ovsync/ovsync/push"
)

const testKey = "s3cr3t-key-7f3a"

var testTime = time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)

// durations matches the elapsed time in log lines.
var durations = regexp.MustCompile(`in [0-9.]+[µnm]?s`)

func fixedClock() time.Time { return testTime }

// request is one request to the fake.
type request struct {
	method string
	path   string
	header map[string]string
	body   string
}

// legacyHeader is the header of a legacy request with key.
func legacyHeader(key string) map[string]string {
	return map[string]string{push.AuthorizationHeader: push.BearerPrefix + key, "Content-Type": push.ContentType}
}

// provisioningHeader is the header of a successor request with key.
func provisioningHeader(key string) map[string]string {
	return map[string]string{push.SubscriptionKeyHeader: key, "Content-Type": push.ContentType}
}

// send makes req to srv and returns the answer with its body read.
func send(t *testing.T, srv *Server, req request) (*http.Response, []byte, error) {
	t.Helper()
	hreq, err := http.NewRequestWithContext(t.Context(), req.method, srv.URL+req.path, strings.NewReader(req.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range req.header {
		hreq.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(hreq)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestServer(t *testing.T) {
	legacy := readFile(t, "sync-legacy.json")
	provisioning := readFile(t, "sync-provisioning.json")
	syncReq := func(h map[string]string, body string) request {
		return request{method: http.MethodPost, path: push.SyncPath, header: h, body: body}
	}
	provision := func(h map[string]string, body string) request {
		return request{method: http.MethodPost, path: push.ProvisioningPath, header: h, body: body}
	}
	tests := []struct {
		name        string
		opt         Options
		req         request
		wantStatus  int
		wantType    string // Content-Type prefix
		wantJSON    any    // the answer decoded into a value of this type
		wantBody    string // the exact answer, when not JSON
		wantHistory []Status
	}{
		{
			name:        "legacy sync with the right key",
			req:         syncReq(legacyHeader(testKey), legacy),
			wantStatus:  http.StatusOK,
			wantType:    "application/json",
			wantJSON:    push.SyncResponse{IsSuccess: true, Errors: []string{}},
			wantHistory: []Status{StatusSuccess},
		},
		{
			name: "legacy sync with a lower-case scheme",
			req: syncReq(map[string]string{push.AuthorizationHeader: "bearer " + testKey, "Content-Type": "application/json; charset=utf-8"},
				legacyBody(u1, g1, m1)),
			wantStatus:  http.StatusOK,
			wantType:    "application/json",
			wantJSON:    push.SyncResponse{IsSuccess: true, Errors: []string{}},
			wantHistory: []Status{StatusSuccess},
		},
		{
			name:       "legacy sync with warnings",
			req:        syncReq(legacyHeader(testKey), legacyBody(u1+","+u1, g1, m1)),
			wantStatus: http.StatusOK,
			wantType:   "application/json",
			wantJSON: push.SyncResponse{IsSuccess: true, Errors: []string{
				`users[1]: duplicate id "1"`, `users[1]: duplicate email "a@x.com"`,
			}},
			wantHistory: []Status{StatusWarning},
		},
		{
			name:        "legacy sync with an unknown top-level key",
			req:         syncReq(legacyHeader(testKey), `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[],"groups":[],"mappings":[],"teams":[]}`),
			wantStatus:  http.StatusOK,
			wantType:    "application/json",
			wantJSON:    push.SyncResponse{Errors: []string{`unknown top-level key "teams"`}},
			wantHistory: []Status{StatusError},
		},
		{
			name:       "legacy sync with a wrong key gets the login page",
			req:        syncReq(legacyHeader("wrong"), legacy),
			wantStatus: http.StatusOK,
			wantType:   "text/html",
			wantBody:   LoginPage,
		},
		{
			name:       "legacy sync without a key gets the login page",
			req:        syncReq(map[string]string{"Content-Type": push.ContentType}, legacy),
			wantStatus: http.StatusOK,
			wantType:   "text/html",
			wantBody:   LoginPage,
		},
		{
			name:       "legacy sync with the key but another scheme gets the login page",
			req:        syncReq(map[string]string{push.AuthorizationHeader: "Basic " + testKey, "Content-Type": push.ContentType}, legacy),
			wantStatus: http.StatusOK,
			wantType:   "text/html",
			wantBody:   LoginPage,
		},
		{
			name:       "legacy sync with the key in the subscription header gets the login page",
			req:        syncReq(provisioningHeader(testKey), legacy),
			wantStatus: http.StatusOK,
			wantType:   "text/html",
			wantBody:   LoginPage,
		},
		{
			name:       "legacy sync without a JSON content type",
			req:        syncReq(map[string]string{push.AuthorizationHeader: push.BearerPrefix + testKey, "Content-Type": "text/plain"}, legacy),
			wantStatus: http.StatusUnsupportedMediaType,
			wantType:   "application/json",
			wantJSON:   push.SyncResponse{Errors: []string{"the body must be application/json, not content-encoded"}},
		},
		{
			name:       "legacy sync with GET",
			req:        request{method: http.MethodGet, path: push.SyncPath, header: legacyHeader(testKey)},
			wantStatus: http.StatusMethodNotAllowed,
			wantType:   "text/plain",
			wantBody:   "method not allowed\n",
		},
		{
			name:       "ping with the right key",
			req:        request{method: http.MethodGet, path: push.PingPath, header: legacyHeader(testKey)},
			wantStatus: http.StatusOK,
			wantType:   "application/json",
			wantJSON:   push.PingResponse{IsSuccess: true},
		},
		{
			name:       "ping with a wrong key gets the login page",
			req:        request{method: http.MethodGet, path: push.PingPath, header: legacyHeader("wrong")},
			wantStatus: http.StatusOK,
			wantType:   "text/html",
			wantBody:   LoginPage,
		},
		{
			name:       "ping with POST",
			req:        request{method: http.MethodPost, path: push.PingPath, header: legacyHeader(testKey)},
			wantStatus: http.StatusMethodNotAllowed,
			wantType:   "text/plain",
			wantBody:   "method not allowed\n",
		},
		{
			name:       "provisioning sync",
			req:        provision(provisioningHeader(testKey), provisioning),
			wantStatus: http.StatusAccepted,
			wantType:   "application/json",
			wantJSON: push.JobResponse{JobID: "00000000-0000-4000-8000-000000000001",
				Status: push.JobScheduled, ScheduledAt: "2026-03-02T05:00:00Z"},
			wantHistory: []Status{StatusSuccess},
		},
		{
			name:       "provisioning sync with its own subscription key",
			opt:        Options{SubscriptionKey: "sub-key"},
			req:        provision(provisioningHeader("sub-key"), provisioning),
			wantStatus: http.StatusAccepted,
			wantType:   "application/json",
			wantJSON: push.JobResponse{JobID: "00000000-0000-4000-8000-000000000001",
				Status: push.JobScheduled, ScheduledAt: "2026-03-02T05:00:00Z"},
			wantHistory: []Status{StatusSuccess},
		},
		{
			name:       "provisioning sync paused for approval",
			opt:        Options{PauseForApproval: true},
			req:        provision(provisioningHeader(testKey), provisioning),
			wantStatus: http.StatusAccepted,
			wantType:   "application/json",
			wantJSON: push.JobResponse{JobID: "00000000-0000-4000-8000-000000000001",
				Status: push.JobPendingApproval, ScheduledAt: "2026-03-02T05:00:00Z",
				Message: "the sync exceeds a risk threshold and waits for an administrator's approval"},
			wantHistory: []Status{StatusSuccess},
		},
		{
			name:       "provisioning sync with settings is rejected",
			req:        provision(provisioningHeader(testKey), `{"settings":{"syncManagerEmail":"","inviteNewUsers":true},"members":[],"teams":[],"teamMappings":[]}`),
			wantStatus: http.StatusBadRequest,
			wantType:   "application/json",
			wantJSON: push.ErrorResponse{Title: "the payload is invalid", Status: http.StatusBadRequest, Errors: []string{
				`top-level key "settings" is not accepted by API provisioning: invitations are the Automatic Invite setting in Workleap`,
			}},
			wantHistory: []Status{StatusError},
		},
		{
			name:       "provisioning sync with a wrong key",
			req:        provision(provisioningHeader("wrong"), provisioning),
			wantStatus: http.StatusUnauthorized,
			wantType:   "application/json",
			wantJSON: push.AccessDeniedResponse{StatusCode: http.StatusUnauthorized,
				Message: "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."},
		},
		{
			name:       "provisioning sync with a bearer key only",
			req:        provision(legacyHeader(testKey), provisioning),
			wantStatus: http.StatusUnauthorized,
			wantType:   "application/json",
			wantJSON: push.AccessDeniedResponse{StatusCode: http.StatusUnauthorized,
				Message: "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API."},
		},
		{
			name:       "unknown path",
			req:        request{method: http.MethodGet, path: "/api/v1/sync", header: legacyHeader(testKey)},
			wantStatus: http.StatusNotFound,
			wantType:   "text/plain",
			wantBody:   "404 page not found\n",
		},
		{
			name:       "injected 503",
			opt:        Options{Fail: 1},
			req:        syncReq(legacyHeader(testKey), legacy),
			wantStatus: http.StatusServiceUnavailable,
			wantType:   "text/plain",
			wantBody:   "service unavailable\n",
		},
		{
			name:       "injected 429",
			opt:        Options{Throttle: 1, RetryAfter: 2 * time.Second},
			req:        syncReq(legacyHeader(testKey), legacy),
			wantStatus: http.StatusTooManyRequests,
			wantType:   "text/plain",
			wantBody:   "too many requests\n",
		},
		{
			name:       "slow answer",
			opt:        Options{Delay: 10 * time.Millisecond},
			req:        request{method: http.MethodGet, path: push.PingPath, header: legacyHeader(testKey)},
			wantStatus: http.StatusOK,
			wantType:   "application/json",
			wantJSON:   push.PingResponse{IsSuccess: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.Key, opt.Now = testKey, fixedClock
			srv := NewServer(opt)
			defer srv.Close()
			resp, body, err := send(t, srv, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type = %q, want %s…", ct, tt.wantType)
			}
			if tt.wantJSON != nil {
				got := decodeLike(t, tt.wantJSON, body)
				if diff := cmp.Diff(tt.wantJSON, got); diff != "" {
					t.Errorf("answer mismatch (-want +got):\n%s", diff)
				}
			} else if diff := cmp.Diff(tt.wantBody, string(body)); diff != "" {
				t.Errorf("answer mismatch (-want +got):\n%s", diff)
			}
			var statuses []Status
			for _, s := range srv.History() {
				statuses = append(statuses, s.Status)
			}
			if diff := cmp.Diff(tt.wantHistory, statuses); diff != "" {
				t.Errorf("history statuses mismatch (-want +got):\n%s", diff)
			}
			if got := srv.Requests(); got != 1 {
				t.Errorf("Requests() = %d, want 1", got)
			}
		})
	}
}

// decodeLike decodes body strictly into a new value of like's type.
func decodeLike(t *testing.T, like any, body []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	v := reflect.New(reflect.TypeOf(like))
	if err := dec.Decode(v.Interface()); err != nil {
		t.Fatalf("answer %q: %v", body, err)
	}
	return v.Elem().Interface()
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter time.Duration
		want       string
	}{
		{"zero", 0, "0"},
		{"whole seconds", 3 * time.Second, "3"},
		{"rounded up", 1500 * time.Millisecond, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(Options{Key: testKey})
			defer srv.Close()
			srv.ThrottleNext(1, tt.retryAfter)
			resp, _, err := send(t, srv, request{method: http.MethodGet, path: push.PingPath, header: legacyHeader(testKey)})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("status = %d, want 429", resp.StatusCode)
			}
			if got := resp.Header.Get("Retry-After"); got != tt.want {
				t.Errorf("Retry-After = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFaultSequences sends requests in a row and checks the status of each:
// faults are consumed one request at a time, in the order 503, 429, drop.
func TestFaultSequences(t *testing.T) {
	const dropped = -1
	tests := []struct {
		name  string
		opt   Options
		setup func(*Server)
		want  []int
	}{
		{"fail twice then succeed", Options{Fail: 2}, nil, []int{503, 503, 200}},
		{"throttle once", Options{Throttle: 1}, nil, []int{429, 200}},
		{"drop once", Options{Drop: 1}, nil, []int{dropped, 200}},
		{"faults in order", Options{Fail: 1, Throttle: 1, Drop: 1}, nil, []int{503, 429, dropped, 200}},
		{"set at run time", Options{}, func(s *Server) { s.FailNext(1); s.DropNext(1) }, []int{503, dropped, 200}},
		{"reset at run time", Options{Fail: 5}, func(s *Server) { s.FailNext(0) }, []int{200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.Key = testKey
			srv := NewServer(opt)
			defer srv.Close()
			if tt.setup != nil {
				tt.setup(srv)
			}
			var got []int
			for range tt.want {
				resp, _, err := send(t, srv, request{method: http.MethodPost, path: push.SyncPath,
					header: legacyHeader(testKey), body: legacyBody(u1, g1, m1)})
				switch {
				case err != nil:
					got = append(got, dropped)
				default:
					got = append(got, resp.StatusCode)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses mismatch (-want +got):\n%s", diff)
			}
			if n := srv.Requests(); n != len(tt.want) {
				t.Errorf("Requests() = %d, want %d", n, len(tt.want))
			}
			if n := len(srv.History()); n != 1 {
				t.Errorf("history has %d syncs, want 1: faults are not syncs", n)
			}
		})
	}
}

// TestDroppedConnection checks that a dropped request gets no answer at all
// and that the client sees a network error, not an HTTP status.
func TestDroppedConnection(t *testing.T) {
	srv := NewServer(Options{Key: testKey, Drop: 1})
	defer srv.Close()
	_, _, err := send(t, srv, request{method: http.MethodPost, path: push.SyncPath,
		header: legacyHeader(testKey), body: legacyBody(u1, g1, m1)})
	if err == nil {
		t.Fatal("request succeeded, want a network error")
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("error = %v, want EOF or connection reset", err)
	}
}

// TestDelayOutlastsClient checks that a client with a short timeout gives
// up on a slow fake, and that the fake stops waiting when it does.
func TestDelayOutlastsClient(t *testing.T) {
	srv := NewServer(Options{Key: testKey})
	defer srv.Close()
	srv.SetDelay(time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+push.PingPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(push.AuthorizationHeader, push.BearerPrefix+testKey)
	resp, err := srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("request succeeded, want a timeout")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want a deadline exceeded", err)
	}
	srv.SetDelay(0)
	if _, _, err := send(t, srv, request{method: http.MethodGet, path: push.PingPath, header: legacyHeader(testKey)}); err != nil {
		t.Errorf("after SetDelay(0): %v", err)
	}
}

func TestLastHeader(t *testing.T) {
	srv := NewServer(Options{Key: testKey})
	defer srv.Close()
	if h := srv.LastHeader(); h != nil {
		t.Errorf("LastHeader() before any request = %v, want nil", h)
	}
	send(t, srv, request{method: http.MethodGet, path: push.PingPath, header: legacyHeader("first")})
	send(t, srv, request{method: http.MethodPost, path: push.ProvisioningPath, header: provisioningHeader(testKey), body: "{}"})
	h := srv.LastHeader()
	if got := h.Get(push.SubscriptionKeyHeader); got != testKey {
		t.Errorf("subscription key = %q, want %q", got, testKey)
	}
	if got := h.Get(push.AuthorizationHeader); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
	h.Set("X-Changed", "1")
	if srv.LastHeader().Get("X-Changed") != "" {
		t.Error("LastHeader() returned the fake's own map, want a copy")
	}
}

// TestKeepBodies checks that the fake keeps each body byte for byte when
// asked, so tests can compare it with a golden dump.
func TestKeepBodies(t *testing.T) {
	tests := []struct {
		name string
		keep bool
	}{
		{"kept", true},
		{"not kept", false},
	}
	legacy := readFile(t, "sync-legacy.json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(Options{Key: testKey, KeepBodies: tt.keep})
			defer srv.Close()
			if _, _, err := send(t, srv, request{method: http.MethodPost, path: push.SyncPath, header: legacyHeader(testKey), body: legacy}); err != nil {
				t.Fatal(err)
			}
			h := srv.History()
			if len(h) != 1 {
				t.Fatalf("history has %d syncs, want 1", len(h))
			}
			want := ""
			if tt.keep {
				want = legacy
			}
			if diff := cmp.Diff(want, string(h[0].Body)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHistory runs syncs of both protocols and compares the history, and
// the fake's /history answer, with a golden file.
func TestHistory(t *testing.T) {
	srv := NewServer(Options{Key: testKey, Now: fixedClock})
	defer srv.Close()
	for _, req := range []request{
		{method: http.MethodPost, path: push.SyncPath, header: legacyHeader(testKey), body: readFile(t, "sync-legacy.json")},
		{method: http.MethodPost, path: push.SyncPath, header: legacyHeader(testKey), body: readFile(t, "broken-legacy.json")},
		{method: http.MethodPost, path: push.SyncPath, header: legacyHeader("wrong"), body: readFile(t, "sync-legacy.json")},
		{method: http.MethodPost, path: push.ProvisioningPath, header: provisioningHeader(testKey), body: readFile(t, "sync-provisioning.json")},
		{method: http.MethodPost, path: push.ProvisioningPath, header: provisioningHeader(testKey), body: readFile(t, "sync-legacy.json")},
	} {
		if _, _, err := send(t, srv, req); err != nil {
			t.Fatal(err)
		}
	}
	resp, body, err := send(t, srv, request{method: http.MethodGet, path: HistoryPath})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", HistoryPath, resp.StatusCode)
	}
	var got []Sync
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(srv.History(), got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("/history differs from History() (-want +got):\n%s", diff)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "history.golden.json", pretty.Bytes())
	if n := srv.Requests(); n != 5 {
		t.Errorf("Requests() = %d, want 5 (/history is not counted)", n)
	}
}

func TestHistoryEmpty(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	_, body, err := send(t, srv, request{method: http.MethodGet, path: HistoryPath})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(body)); got != "[]" {
		t.Errorf("empty history = %s, want []", got)
	}
}

func TestTLSServer(t *testing.T) {
	srv := NewTLSServer(Options{})
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Errorf("URL = %s, want https on loopback", srv.URL)
	}
	if srv.Certificate() == nil {
		t.Error("Certificate() = nil")
	}
	resp, body, err := send(t, srv, request{method: http.MethodGet, path: push.PingPath, header: legacyHeader(DefaultKey)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"isSuccess":true`) {
		t.Errorf("ping over TLS: %d %s", resp.StatusCode, body)
	}
}

// TestLogNeverHoldsKey checks the log: one line per outcome, and no key, in
// either protocol, right or wrong.
func TestLogNeverHoldsKey(t *testing.T) {
	var log syncBuffer
	srv := NewServer(Options{Key: testKey, SubscriptionKey: testKey + "-sub", Log: &log, Now: fixedClock, Fail: 1})
	defer srv.Close()
	reqs := []request{
		{method: http.MethodGet, path: push.PingPath, header: legacyHeader(testKey)},
		{method: http.MethodGet, path: push.PingPath, header: legacyHeader(testKey)},
		{method: http.MethodGet, path: push.PingPath, header: legacyHeader("wrong-key-1234")},
		{method: http.MethodPost, path: push.SyncPath, header: legacyHeader(testKey), body: legacyBody(u1, g1, m1)},
		{method: http.MethodPost, path: push.ProvisioningPath, header: provisioningHeader(testKey + "-sub"), body: readFile(t, "sync-provisioning.json")},
		{method: http.MethodPost, path: push.ProvisioningPath, header: provisioningHeader("wrong-key-1234"), body: "{}"},
	}
	for _, req := range reqs {
		if _, _, err := send(t, srv, req); err != nil {
			t.Fatal(err)
		}
	}
	got := log.String()
	for _, secret := range []string{testKey, "wrong-key-1234"} {
		if strings.Contains(got, secret) {
			t.Errorf("log holds a key:\n%s", got)
		}
	}
	want := `2026-03-02T05:00:00Z GET /api/v2/ping: injected 503
2026-03-02T05:00:00Z GET /api/v2/ping: ping ok
2026-03-02T05:00:00Z GET /api/v2/ping: wrong key, login page sent
2026-03-02T05:00:00Z sync legacy Success users=1 groups=1 mappings=1 bytes=306 in 0s invite=false
2026-03-02T05:00:00Z sync provisioning Success users=2 groups=2 mappings=4 bytes=1475 in 0s job=00000000-0000-4000-8000-000000000001 status=scheduled
2026-03-02T05:00:00Z POST /public/provisioning/json: wrong key, 401 sent
`
	// Durations vary; compare the lines with them blanked.
	got = durations.ReplaceAllString(got, "in 0s")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log mismatch (-want +got):\n%s", diff)
	}
}

// TestConcurrentSyncs runs syncs in parallel while faults change, for the
// race detector.
func TestConcurrentSyncs(t *testing.T) {
	srv := NewServer(Options{Key: testKey})
	defer srv.Close()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if i%3 == 0 {
				srv.FailNext(1)
				srv.SetPauseForApproval(i%2 == 0)
			}
			send(t, srv, request{method: http.MethodPost, path: push.SyncPath, header: legacyHeader(testKey), body: legacyBody(u1, g1, m1)})
			_ = srv.History()
			_ = srv.LastHeader()
		})
	}
	wg.Wait()
	if n := srv.Requests(); n != 8 {
		t.Errorf("Requests() = %d, want 8", n)
	}
}

// syncBuffer is a bytes.Buffer safe for the fake's handler goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBrokenBodyIsNotASync checks that a body that breaks off midway, as
// when a client gives up, leaves no sync in the history.
func TestBrokenBodyIsNotASync(t *testing.T) {
	var log syncBuffer
	srv := NewServer(Options{Key: testKey, Log: &log})
	pr, pw := io.Pipe()
	go func() {
		// Enough users to fill the transport's buffers, so that the fake
		// gets the request before the body breaks off.
		io.WriteString(pw, `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[`+u1)
		for srv.Requests() == 0 {
			if _, err := io.WriteString(pw, ","+u1); err != nil {
				return
			}
		}
		pw.CloseWithError(errors.New("client gave up"))
	}()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+push.SyncPath, pr)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range legacyHeader(testKey) {
		req.Header.Set(k, v)
	}
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Error("request succeeded, want the body's error")
	}
	srv.Close() // waits for the handler
	if h := srv.History(); len(h) != 0 {
		t.Errorf("history = %+v, want none", h)
	}
	if n := srv.Requests(); n != 1 {
		t.Errorf("Requests() = %d, want 1", n)
	}
	if got := log.String(); !strings.Contains(got, "POST /api/v2/sync: body not received whole") {
		t.Errorf("log = %q, want the broken body", got)
	}
}
