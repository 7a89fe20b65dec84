package push_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// TestDumpGolden checks the body of the sample org against
// testdata/dump.json, and that the body the fake received is the dump
// without its indentation, byte for byte.
func TestDumpGolden(t *testing.T) {
	srv := newFake(t, pushtest.Options{KeepBodies: true})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	dump := filepath.Join(t.TempDir(), "dump.json")
	opt := firstOptions(dir, nil)
	opt.Dump = dump
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("Push: %v\n%s", r.err, r.stderr.String())
	}
	got := checkDumpGolden(t, dump, "dump.json")
	h := srv.History()
	if len(h) != 1 {
		t.Fatalf("history has %d syncs, want 1", len(h))
	}
	if h[0].Status != pushtest.StatusSuccess || len(h[0].Errors)+len(h[0].Warnings) > 0 {
		t.Errorf("fake's verdict: %s %v %v", h[0].Status, h[0].Errors, h[0].Warnings)
	}
	checkSentDump(t, h[0].Body, got)
	var indented bytes.Buffer
	if err := json.Indent(&indented, h[0].Body, "", "  "); err != nil {
		t.Fatal(err)
	}
	indented.WriteByte('\n')
	if !bytes.Equal(indented.Bytes(), got) {
		t.Errorf("the dump is not json.Indent of the body")
	}
	if got, want := r.res.Plan.Bytes, h[0].Bytes; got != want {
		t.Errorf("plan says %d bytes, the fake got %d", got, want)
	}
}

// TestPushThenPlan pushes the sample, then edits the files and checks the
// plan of the next push against the state file.
func TestPushThenPlan(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	r := doPush(t, firstOptions(dir, nil))
	if r.err != nil {
		t.Fatalf("first push: %v\n%s", r.err, r.stderr.String())
	}
	if !r.res.Plan.First || !r.res.Sent || r.res.Attempts != 1 {
		t.Errorf("first push: plan first %t, sent %t, attempts %d", r.res.Plan.First, r.res.Sent, r.res.Attempts)
	}
	if !strings.Contains(r.stderr.String(), "first push to 127.0.0.1:") || !strings.Contains(r.stderr.String(), "accepted with --first-push: Officevibe will remove every member who is not in users.csv") {
		t.Errorf("a first push does not warn that members not in the file are removed:\n%s", r.stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, ".ovsync", "state.json")); err != nil {
		t.Fatalf("no state file after a push: %v", err)
	}

	r = doPush(t, testOptions(dir, nil))
	if r.err != nil || !r.res.Plan.Unchanged {
		t.Fatalf("second push: err %v, unchanged %t", r.err, r.res.Plan.Unchanged)
	}

	// A job title, an email, a team name and a mapping flag change; two
	// users go, one comes.
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		switch {
		case strings.HasPrefix(l, "00003,"):
			return strings.Replace(l, "Director, Supply Chain", "VP, Supply Chain", 1), true
		case strings.HasPrefix(l, "00005,"):
			return strings.Replace(l, "francoise.dubois@", "f.dubois@", 1), true
		}
		return l, true
	})
	b, _ := os.ReadFile(filepath.Join(dir, "Data", "users.csv"))
	writeFile(t, filepath.Join(dir, "Data", "users.csv"), string(b)+"99999,new.person@cedarline.example,New,Person,Analyst,,English,Finance & People,Canada,2025-01-06,Montréal HQ\n")
	editCSV(t, dir, "groups.csv", func(l string) (string, bool) {
		return strings.Replace(l, "Executive Team", "Leadership Team", 1), true
	})
	editCSV(t, dir, "groups-mapping.csv", func(l string) (string, bool) {
		if l == "T-ALL,00001,,FALSE,TRUE\n" {
			return "T-ALL,00001,,TRUE,TRUE\n", true
		}
		return l, true
	})
	r = doPush(t, testOptions(dir, nil))
	if r.err != nil {
		t.Fatalf("third push: %v\n%s", r.err, r.stderr.String())
	}
	p := r.res.Plan
	want := struct{ Users, Teams, Mappings plan.Count }{
		Users:    plan.Count{Added: 1, Changed: 2, Total: 88, Previous: 87},
		Teams:    plan.Count{Changed: 1, Total: 38, Previous: 38},
		Mappings: plan.Count{Changed: 1, Total: 161, Previous: 161},
	}
	got := struct{ Users, Teams, Mappings plan.Count }{p.Users, p.Teams, p.Mappings}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]plan.EmailChange{{ID: "00005", Name: "Françoise Dubois", From: "francoise.dubois@cedarline.example", To: "f.dubois@cedarline.example"}}, p.Changes.EmailChanges); diff != "" {
		t.Errorf("email changes (-want +got):\n%s", diff)
	}
	for _, s := range []string{"| users    |     1 |       0 |       2 |    88 |", "email changes (legacy protocol"} {
		if !strings.Contains(r.stdout.String(), s) {
			t.Errorf("plan output lacks %q:\n%s", s, r.stdout.String())
		}
	}
}

// TestGuards checks that the removal and invitation guards stop a push
// before anything is sent, and that --yes lets it through.
func TestGuards(t *testing.T) {
	tests := []struct {
		name        string
		invite      bool
		drop        int // users dropped after a first push; -1: no first push
		maxRemovals plan.Limit
		maxInvites  int
		yes         bool
		wantGuard   string
	}{
		{name: "removals within 10% of 87", drop: 8, maxRemovals: plan.Limit{Share: 10, Percent: true}},
		{name: "removals over 10% of 87", drop: 9, maxRemovals: plan.Limit{Share: 10, Percent: true}, wantGuard: "it would remove 9 users of the 87"},
		{name: "a share never allows fewer than 5", drop: 5, maxRemovals: plan.Limit{Share: 1, Percent: true}},
		{name: "a count", drop: 4, maxRemovals: plan.Limit{Count: 3}, wantGuard: "--max-removals 3 allows 3"},
		{name: "a count of 0", drop: 1, maxRemovals: plan.Limit{}, wantGuard: "it would remove 1 user of the 87"},
		{name: "removals with yes", drop: 30, maxRemovals: plan.Limit{Share: 10, Percent: true}, yes: true},
		{name: "first push invites everyone", invite: true, drop: -1, maxInvites: 50, wantGuard: "it would invite 87 new users"},
		{name: "first push invites within the limit", invite: true, drop: -1, maxInvites: 87},
		{name: "first push invites with yes", invite: true, drop: -1, maxInvites: 0, yes: true},
		{name: "no invitations when off", drop: -1, maxInvites: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, pushtest.Options{})
			dir := copyOrg(t, orgConfig{apiURL: srv.URL, invite: tt.invite})
			statePath := filepath.Join(dir, ".ovsync", "state.json")
			before := 0
			if tt.drop >= 0 {
				if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
					t.Fatalf("first push: %v", r.err)
				}
				dropUsers(t, dir, tt.drop)
				before = srv.Requests()
			}
			state0, _ := os.ReadFile(statePath)
			opt := testOptions(dir, nil)
			opt.Plan.FirstPush = tt.drop < 0
			opt.Plan.MaxRemovals, opt.Plan.MaxInvites, opt.Yes = tt.maxRemovals, tt.maxInvites, tt.yes
			r := doPush(t, opt)
			if tt.wantGuard == "" {
				if r.err != nil {
					t.Fatalf("Push: %v", r.err)
				}
				if srv.Requests() != before+1 {
					t.Errorf("requests = %d, want %d", srv.Requests(), before+1)
				}
				return
			}
			var ge *push.GuardError
			if !errors.As(r.err, &ge) {
				t.Fatalf("Push error = %v, want a *push.GuardError", r.err)
			}
			if !strings.Contains(r.err.Error(), tt.wantGuard) {
				t.Errorf("guard message %q lacks %q", r.err.Error(), tt.wantGuard)
			}
			if srv.Requests() != before {
				t.Errorf("a guard let %d requests through", srv.Requests()-before)
			}
			state1, _ := os.ReadFile(statePath)
			if !bytes.Equal(state0, state1) {
				t.Errorf("a stopped push changed the state file")
			}
		})
	}
}

// TestRetries checks the retry policy against the fake's faults.
func TestRetries(t *testing.T) {
	tests := []struct {
		name         string
		fake         pushtest.Options
		retries      int
		wantAttempts int
		wantErr      bool
		wantWaits    func(t *testing.T, waits []time.Duration)
	}{
		{name: "503 twice then success", fake: pushtest.Options{Fail: 2}, retries: 3, wantAttempts: 3},
		{name: "503 on every attempt", fake: pushtest.Options{Fail: 10}, retries: 3, wantAttempts: 4, wantErr: true},
		{name: "no retries", fake: pushtest.Options{Fail: 1}, retries: 0, wantAttempts: 1, wantErr: true},
		{name: "429 with Retry-After", fake: pushtest.Options{Throttle: 1, RetryAfter: 7 * time.Second}, retries: 3, wantAttempts: 2,
			wantWaits: func(t *testing.T, w []time.Duration) {
				if diff := cmp.Diff([]time.Duration{7 * time.Second}, w); diff != "" {
					t.Errorf("waits (-want +got):\n%s", diff)
				}
			}},
		{name: "dropped connection", fake: pushtest.Options{Drop: 1}, retries: 3, wantAttempts: 2},
		{name: "backoff doubles", fake: pushtest.Options{Fail: 3}, retries: 3, wantAttempts: 4,
			wantWaits: func(t *testing.T, w []time.Duration) {
				// RetryWait 1ms: each wait is in [d/2, d] for d = 1, 2, 4 ms.
				if len(w) != 3 {
					t.Fatalf("waits = %v, want 3", w)
				}
				for i, d := range w {
					hi := time.Millisecond << i
					if d < hi/2 || d > hi {
						t.Errorf("wait %d = %s, want within [%s, %s]", i+1, d, hi/2, hi)
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, tt.fake)
			dir := copyOrg(t, orgConfig{apiURL: srv.URL})
			var s sleeps
			opt := firstOptions(dir, &s)
			opt.Retries = tt.retries
			r := doPush(t, opt)
			if got := srv.Requests(); got != tt.wantAttempts {
				t.Errorf("the fake got %d requests, want %d", got, tt.wantAttempts)
			}
			if r.res.Attempts != tt.wantAttempts {
				t.Errorf("push.Result.Attempts = %d, want %d", r.res.Attempts, tt.wantAttempts)
			}
			var ue *push.UnavailableError
			if tt.wantErr != errors.As(r.err, &ue) {
				t.Fatalf("Push error = %v, want an *push.UnavailableError: %t", r.err, tt.wantErr)
			}
			_, statErr := os.Stat(filepath.Join(dir, ".ovsync", "state.json"))
			if tt.wantErr == (statErr == nil) {
				t.Errorf("state file written: %t, want %t", statErr == nil, !tt.wantErr)
			}
			if !tt.wantErr && len(srv.History()) != 1 {
				t.Errorf("history has %d syncs, want 1", len(srv.History()))
			}
			if tt.wantWaits != nil {
				tt.wantWaits(t, s.waits())
			}
		})
	}
}

// TestWrongKey checks the answer to a wrong key: the login page, exit
// as a rejected key, nothing recorded.
func TestWrongKey(t *testing.T) {
	srv := newFake(t, pushtest.Options{Key: "the-right-key-0000"})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	r := doPush(t, firstOptions(dir, nil))
	var re *push.RejectedError
	if !errors.As(r.err, &re) || !re.KeyRejected {
		t.Fatalf("Push error = %v, want a rejected key", r.err)
	}
	if !strings.HasPrefix(r.err.Error(), push.MsgKeyRejected) || !strings.Contains(r.err.Error(), "the key came from "+push.KeyEnv) {
		t.Errorf("message = %q", r.err.Error())
	}
	if srv.Requests() != 1 {
		t.Errorf("a rejected key was retried: %d requests", srv.Requests())
	}
	if _, err := os.Stat(filepath.Join(dir, ".ovsync", "state.json")); err == nil {
		t.Errorf("a rejected push wrote the state file")
	}
}

// TestServiceRefuses checks isSuccess false and other answers from a
// service that is not the fake.
func TestServiceRefuses(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		ctype    string
		body     string
		wantErr  string
		wantWarn string
	}{
		{name: "isSuccess false", status: 200, ctype: "application/json", body: `{"isSuccess":false,"errors":["duplicate email a@b.c","team T1 has no name"]}`,
			wantErr: "the service refused the sync (isSuccess false): nothing changed in Officevibe\n- duplicate email a@b.c\n- team T1 has no name"},
		{name: "warnings", status: 200, ctype: "application/json", body: `{"isSuccess":true,"errors":["team already exists"]}`,
			wantWarn: "ovsync: warning: the service says: team already exists"},
		{name: "401", status: 401, ctype: "text/plain", body: "unauthorized", wantErr: push.MsgKeyRejected},
		{name: "403 json", status: 403, ctype: "application/json", body: `{"isSuccess":false}`, wantErr: push.MsgKeyRejected},
		{name: "html without content type", status: 200, ctype: "", body: "\n  <!DOCTYPE html><html>login</html>", wantErr: push.MsgKeyRejected},
		{name: "redirect to login", status: 302, ctype: "", body: "", wantErr: push.MsgKeyRejected},
		{name: "404", status: 404, ctype: "text/plain", body: "not found", wantErr: "the service's answer (404 Not Found) is not the sync API's JSON: not found"},
		{name: "400 json", status: 400, ctype: "application/json", body: `{"isSuccess":false,"errors":["bad"]}`, wantErr: "the service refused the sync (400 Bad Request)\n- bad"},
		{name: "not json", status: 200, ctype: "application/json", body: `{"ok":true}`, wantErr: "is not the sync API's JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				if tt.status == 302 {
					w.Header().Set("Location", "/Account/Login?ReturnUrl=%2Fapi%2Fv2%2Fsync")
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			dir := copyOrg(t, orgConfig{apiURL: srv.URL})
			r := doPush(t, firstOptions(dir, nil))
			if tt.wantErr == "" {
				if r.err != nil {
					t.Fatalf("Push: %v", r.err)
				}
				if !strings.Contains(r.stderr.String(), tt.wantWarn) {
					t.Errorf("stderr lacks %q:\n%s", tt.wantWarn, r.stderr.String())
				}
				if !strings.Contains(r.stdout.String(), ": Warning, 1 message") {
					t.Errorf("summary does not say Warning:\n%s", r.stdout.String())
				}
				return
			}
			var re *push.RejectedError
			if !errors.As(r.err, &re) {
				t.Fatalf("Push error = %v, want a *push.RejectedError", r.err)
			}
			if !strings.Contains(r.err.Error(), tt.wantErr) {
				t.Errorf("error %q lacks %q", r.err.Error(), tt.wantErr)
			}
		})
	}
}

// TestDryRun checks that a dry run plans and dumps but sends nothing and
// writes no state, and needs no key.
func TestDryRun(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	opt := testOptions(dir, nil)
	opt.DryRun = true
	opt.Getenv = env()
	opt.Dump = filepath.Join(dir, "dump.json")
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("Push: %v", r.err)
	}
	if srv.Requests() != 0 || r.res.Sent {
		t.Errorf("a dry run sent %d requests", srv.Requests())
	}
	if _, err := os.Stat(opt.Dump); err != nil {
		t.Errorf("a dry run wrote no dump: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".ovsync")); err == nil {
		t.Errorf("a dry run created the state folder")
	}
	if !strings.Contains(r.stdout.String(), "dry run: nothing sent (40.8 kB would go to "+srv.URL+"/api/v2/sync)") {
		t.Errorf("stdout:\n%s", r.stdout.String())
	}
}

// TestLintErrorsStop checks that any lint error stops the push before
// any request, with the findings on stderr.
func TestLintErrorsStop(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		return strings.Replace(l, ",English,", ",Anglais,", 1), true
	})
	r := doPush(t, testOptions(dir, nil))
	var le *plan.LintError
	if !errors.As(r.err, &le) {
		t.Fatalf("Push error = %v, want a *plan.LintError", r.err)
	}
	if srv.Requests() != 0 {
		t.Errorf("lint errors let %d requests through", srv.Requests())
	}
	if !strings.Contains(r.stderr.String(), "[language-value]") {
		t.Errorf("stderr lacks the findings:\n%s", r.stderr.String())
	}
	if r.res.Plan != nil {
		t.Errorf("a push stopped by lint planned")
	}
}

// TestEndpointRefused checks ApiUrl values that are refused before any
// request; the plain-http one names a real host that must not be
// contacted.
func TestEndpointRefused(t *testing.T) {
	tests := []struct {
		name, url string
		allow     []string
		want      string
	}{
		{name: "plain http to a remote host", url: "http://app.officevibe.com", want: "is plain http: the API key would travel in clear text"},
		{name: "plain http even when allowed", url: "http://example.com", allow: []string{"example.com"}, want: "is plain http"},
		{name: "another host", url: "https://api.example.com", want: `ApiUrl host "api.example.com" is not an officevibe.com host`},
		{name: "a look-alike host", url: "https://officevibe.com.example.net", want: "is not an officevibe.com host"},
		{name: "user info", url: "https://u:p@app.officevibe.com", want: "must not hold a user name or password"},
		{name: "query", url: "https://app.officevibe.com/?x=1", want: "must not have a query"},
		{name: "ftp", url: "ftp://app.officevibe.com", want: "is not an https URL"},
		{name: "empty", url: "", want: "ApiUrl is empty"},
		{name: "relative", url: "app.officevibe.com", want: "is not an absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyOrg(t, orgConfig{apiURL: tt.url})
			opt := testOptions(dir, nil)
			opt.Plan.AllowHosts = tt.allow
			r := doPush(t, opt)
			if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
				t.Fatalf("Push error = %v, want one with %q", r.err, tt.want)
			}
			var ue *push.UnavailableError
			if errors.As(r.err, &ue) || r.res.Plan != nil {
				t.Errorf("the push went on: %v", r.err)
			}
		})
	}
}

// TestHTTPS pushes over HTTPS with the test server's certificate
// authority given in the options, and checks that without it the
// certificate is refused and not retried.
func TestHTTPS(t *testing.T) {
	srv := pushtest.NewTLSServer(pushtest.Options{Key: testKey})
	t.Cleanup(srv.Close)
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	r := doPush(t, firstOptions(dir, nil))
	var ue *push.UnavailableError
	if !errors.As(r.err, &ue) || ue.Attempts != 1 {
		t.Fatalf("Push without the CA: %v, want an *push.UnavailableError after 1 attempt", r.err)
	}
	if !strings.Contains(r.err.Error(), "certificate") {
		t.Errorf("error does not name the certificate: %v", r.err)
	}
	opt := firstOptions(dir, nil)
	opt.RootCAs = srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	if r := doPush(t, opt); r.err != nil {
		t.Fatalf("Push with the CA: %v", r.err)
	}
	if h := srv.History(); len(h) != 1 || h[0].Status != pushtest.StatusSuccess {
		t.Errorf("history = %+v", h)
	}
}

// TestKeyNeverShown runs pushes and pings that end every way, verbose,
// and greps everything they print and return for the key.
func TestKeyNeverShown(t *testing.T) {
	// A service that puts the Authorization header into its answer.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"isSuccess": false, "errors": []string{"bad key " + r.Header.Get("Authorization")}, "errorMessage": r.Header.Get("Authorization")})
	}))
	t.Cleanup(echo.Close)
	keyFile := filepath.Join(t.TempDir(), "key")
	writeFile(t, keyFile, testKey+"\n")
	fake := func(o pushtest.Options) string { return newFake(t, o).URL }
	tests := []struct {
		name   string
		url    string
		config string // ApiKey in the file
		env    string
		file   string
		dry    bool
	}{
		{name: "success", url: fake(pushtest.Options{}), env: testKey},
		{name: "key in config", url: fake(pushtest.Options{}), config: testKey},
		{name: "key file", url: fake(pushtest.Options{}), file: keyFile},
		{name: "wrong key", url: fake(pushtest.Options{Key: "another-key-123456"}), env: testKey},
		{name: "retries", url: fake(pushtest.Options{Fail: 1, Throttle: 1, Drop: 1}), env: testKey},
		{name: "unavailable", url: fake(pushtest.Options{Fail: 100}), env: testKey},
		{name: "echo", url: echo.URL, env: testKey},
		{name: "dry run", url: fake(pushtest.Options{}), env: testKey, dry: true},
		{name: "bad url", url: "http://example.com/" + testKey, env: testKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyOrg(t, orgConfig{apiURL: tt.url, apiKey: tt.config})
			var s sleeps
			opt := firstOptions(dir, &s)
			opt.Getenv = env(push.KeyEnv, tt.env)
			opt.APIKeyFile = tt.file
			opt.DryRun = tt.dry
			opt.Dump = filepath.Join(dir, "dump.json")
			r := doPush(t, opt)
			var all bytes.Buffer
			all.Write(r.stdout.Bytes())
			all.Write(r.stderr.Bytes())
			if r.err != nil {
				all.WriteString(r.err.Error())
			}
			dump, _ := os.ReadFile(opt.Dump)
			all.Write(dump)
			state, _ := os.ReadFile(filepath.Join(dir, ".ovsync", "state.json"))
			all.Write(state)

			var pout, perr bytes.Buffer
			_, err := push.Ping(context.Background(), push.PingOptions{Path: dir, Route: opt.Plan.Route, Remote: opt.Remote, Stdout: &pout, Warn: warnTo(&perr), Log: logTo(&perr, "ping")})
			all.Write(pout.Bytes())
			all.Write(perr.Bytes())
			if err != nil {
				all.WriteString(err.Error())
			}
			// In "bad url" the key is in ApiUrl, the user's own text, and
			// is scrubbed from the error all the same.
			if strings.Contains(all.String(), testKey) {
				t.Errorf("the key appears in the output:\n%s", all.String())
			}
			if tt.name == "echo" && !strings.Contains(all.String(), push.Redacted) {
				t.Errorf("the echoed key was not replaced:\n%s", all.String())
			}
		})
	}
}

// TestStateForAnotherTarget checks that a state file written by a push
// to another ApiUrl, or in another protocol, is no record of the last
// push to this target: the push stops with a guard naming both, sends
// nothing, and goes on only with --first-push (the record then becomes
// this target's, with a warning), or with its own state file.
func TestStateForAnotherTarget(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	if r := doPush(t, firstOptions(dir, nil)); r.err != nil {
		t.Fatal(r.err)
	}
	// A partial export to another service: planned against the first
	// service's record, it would look like 83 removals or none.
	other := newFake(t, pushtest.Options{})
	writeConfig(t, dir, orgConfig{apiURL: other.URL})
	dropUsers(t, dir, 83)
	r := doPush(t, testOptions(dir, nil))
	var ge *push.GuardError
	if !errors.As(r.err, &ge) || !ge.NoRecord || len(ge.Reasons) != 1 {
		t.Fatalf("Push error = %v, want the guard of a push without a record", r.err)
	}
	for _, s := range []string{"there is no record of the last push to " + other.URL + " (legacy protocol): the state file ", "records a legacy push to " + srv.URL, "--first-push", "a cache or an artifact", "--state PATH"} {
		if !strings.Contains(r.err.Error(), s) {
			t.Errorf("the error does not say %q:\n%v", s, r.err)
		}
	}
	if !r.res.Plan.First || r.res.Plan.OtherTarget != "a legacy push to "+srv.URL {
		t.Errorf("plan: first %t, other target %q", r.res.Plan.First, r.res.Plan.OtherTarget)
	}
	if other.Requests() != 0 {
		t.Errorf("requests were sent")
	}

	// Its own state file: no record either.
	opt := testOptions(dir, nil)
	opt.Plan.State = filepath.Join(dir, ".ovsync", "other.json")
	if r := doPush(t, opt); !errors.As(r.err, &ge) || !ge.NoRecord {
		t.Fatalf("with its own state file: %v, want the guard of a push without a record", r.err)
	}
	opt.Plan.FirstPush = true
	if r := doPush(t, opt); r.err != nil || !r.res.Plan.First {
		t.Fatalf("with its own state file and --first-push: %v", r.err)
	}

	// --first-push on the first service's state file: sent, and the file
	// records this push from then on.
	opt = firstOptions(dir, nil)
	r = doPush(t, opt)
	if r.err != nil || !r.res.Sent {
		t.Fatalf("with --first-push: %v", r.err)
	}
	if !strings.Contains(r.stderr.String(), "records a legacy push to "+srv.URL+": once sent, it records this push instead") {
		t.Errorf("no warning that the other target's record is replaced:\n%s", r.stderr.String())
	}
	if r := doPush(t, testOptions(dir, nil)); r.err != nil || r.res.Plan.First || !r.res.Plan.Unchanged {
		t.Fatalf("the next push is not planned against the new record: %v", r.err)
	}
	if n := other.Requests(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// TestStateForAnotherProtocol checks that the state of a provisioning
// push is no record of a legacy push to the same URL: the push stops.
func TestStateForAnotherProtocol(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	state := filepath.Join(t.TempDir(), "state.json")
	prov := copyProvisioningOrg(t, false)
	opt := provisioningOptions(prov, srv.URL)
	opt.Plan.State, opt.Plan.FirstPush = state, true
	if r := doPush(t, opt); r.err != nil {
		t.Fatal(r.err)
	}
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	opt = testOptions(dir, nil)
	opt.Plan.State = state
	r := doPush(t, opt)
	var ge *push.GuardError
	if !errors.As(r.err, &ge) || !ge.NoRecord || !strings.Contains(r.err.Error(), "records a provisioning push to "+srv.URL) {
		t.Fatalf("Push error = %v, want the guard of a push without a record", r.err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests, want the provisioning push's only", srv.Requests())
	}
}

// TestStateFileBroken checks that an unreadable state stops the push.
func TestStateFileBroken(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	opt := testOptions(dir, nil)
	opt.Plan.State = filepath.Join(dir, "state.json")
	for _, content := range []string{"{", `{"version": 99}`, `{"version":1,"mappings":["xyz"]}`} {
		writeFile(t, opt.Plan.State, content)
		r := doPush(t, opt)
		if r.err == nil || !strings.Contains(r.err.Error(), "state") {
			t.Errorf("state %q: error = %v", content, r.err)
		}
	}
	if srv.Requests() != 0 {
		t.Errorf("requests were sent")
	}
}

// TestPing checks ping's answers.
func TestPing(t *testing.T) {
	tests := []struct {
		name         string
		fake         pushtest.Options
		key          string
		wantAttempts int
		check        func(error) bool
	}{
		{name: "ok", key: testKey, wantAttempts: 1, check: func(err error) bool { return err == nil }},
		{name: "wrong key", key: "not-the-key-42", wantAttempts: 1, check: func(err error) bool {
			var re *push.RejectedError
			return errors.As(err, &re) && re.KeyRejected
		}},
		{name: "503 then ok", fake: pushtest.Options{Fail: 2}, key: testKey, wantAttempts: 3, check: func(err error) bool { return err == nil }},
		{name: "down", fake: pushtest.Options{Fail: 9}, key: testKey, wantAttempts: 4, check: func(err error) bool {
			var ue *push.UnavailableError
			return errors.As(err, &ue)
		}},
		{name: "no key", key: "", wantAttempts: 0, check: func(err error) bool { return err != nil && strings.Contains(err.Error(), "no API key") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, tt.fake)
			dir := copyOrg(t, orgConfig{apiURL: srv.URL})
			var s sleeps
			opt := testOptions(dir, &s)
			opt.Getenv = env(push.KeyEnv, tt.key)
			var out bytes.Buffer
			_, err := push.Ping(context.Background(), push.PingOptions{Path: dir, Route: opt.Plan.Route, Remote: opt.Remote, Stdout: &out})
			if !tt.check(err) {
				t.Errorf("Ping error = %v", err)
			}
			if srv.Requests() != tt.wantAttempts {
				t.Errorf("requests = %d, want %d", srv.Requests(), tt.wantAttempts)
			}
			if err == nil && !strings.HasPrefix(out.String(), "the API key works: "+srv.URL) {
				t.Errorf("stdout = %q", out.String())
			}
		})
	}
}

// TestNoKey checks that a push without a key stops before linting.
func TestNoKey(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	opt := testOptions(dir, nil)
	opt.Getenv = env()
	r := doPush(t, opt)
	if r.err == nil || !strings.HasPrefix(r.err.Error(), "no API key: set OFFICEVIBE_API_KEY") {
		t.Fatalf("Push error = %v", r.err)
	}
}
