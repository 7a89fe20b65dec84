package push_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// provisioningDir is the sample org in the successor's format.
const provisioningDir = "../testdata/sample-provisioning"

// provisioningFiles are the CSV files of the successor's format.
var provisioningFiles = []string{"members.csv", "teams.csv", "teams-mappings.csv"}

// copyProvisioningOrg copies the successor's sample org into a new
// folder, its config's InviteNewUsers set to invite, and returns the
// folder. ApiUrl is kept as migrate wrote it: the provisioning protocol
// does not read it.
func copyProvisioningOrg(t testing.TB, invite bool) string {
	t.Helper()
	return copyOrgFrom(t, provisioningDir, orgConfig{apiURL: push.ProductionURL, invite: invite, files: provisioningFiles})
}

// provisioningOptions are the options of a provisioning push of dir to
// url (the fake's base URL): the protocol is left to the files.
func provisioningOptions(dir, url string) push.Options {
	opt := testOptions(dir, nil)
	opt.Plan.URL = url
	return opt
}

// topKeys returns the top-level keys of a JSON object, in order.
func topKeys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("the body is not an object: %v", err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestProvisioningDumpGolden pushes the successor's sample org to the
// fake over loopback HTTP and checks the body against
// testdata/dump-provisioning.json, the headers (the subscription key, no
// Authorization), the answer and the state file.
func TestProvisioningDumpGolden(t *testing.T) {
	srv := newFake(t, pushtest.Options{KeepBodies: true})
	dir := copyProvisioningOrg(t, false)
	dump := filepath.Join(t.TempDir(), "dump.json")
	opt := provisioningOptions(dir, srv.URL)
	opt.Dump = dump
	opt.Plan.FirstPush = true
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("Push: %v\n%s", r.err, r.stderr.String())
	}
	got := checkDumpGolden(t, dump, "dump-provisioning.json")

	h := srv.History()
	if len(h) != 1 {
		t.Fatalf("history has %d syncs, want 1", len(h))
	}
	s := h[0]
	if s.Protocol != pushtest.Provisioning || s.Status != pushtest.StatusSuccess || len(s.Errors)+len(s.Warnings) > 0 {
		t.Errorf("fake's verdict: %s %s %v %v", s.Protocol, s.Status, s.Errors, s.Warnings)
	}
	if s.Users != 87 || s.Groups != 38 || s.Mappings != 161 {
		t.Errorf("fake counted %d members, %d teams, %d mappings", s.Users, s.Groups, s.Mappings)
	}
	if diff := cmp.Diff([]string{push.ProvisioningMembers, push.ProvisioningTeams, push.ProvisioningTeamMappings}, topKeys(t, s.Body)); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
	checkSentDump(t, s.Body, got)

	hdr := srv.LastHeader()
	if got := hdr.Get(push.SubscriptionKeyHeader); got != testKey {
		t.Errorf("%s = %q, want the key", push.SubscriptionKeyHeader, got)
	}
	if v, ok := hdr[http.CanonicalHeaderKey(push.AuthorizationHeader)]; ok {
		t.Errorf("an Authorization header was sent: %q", v)
	}
	if got := hdr.Get("Content-Type"); got != push.ContentType {
		t.Errorf("Content-Type = %q", got)
	}

	if r.res.Job == nil || r.res.Job.JobID != s.JobID || r.res.Job.Status != push.JobScheduled || !r.res.Sent {
		t.Errorf("result job = %+v, sent %t; the fake gave job %s", r.res.Job, r.res.Sent, s.JobID)
	}
	wantLine := "pushed 87 users, 38 teams and 161 mappings to " + srv.URL + push.ProvisioningPath + " in 1 attempt: job " + s.JobID + ", status scheduled (scheduled at "
	for _, want := range []string{wantLine, `Workleap's "Automatic Invite" setting decides`, "risk thresholds", "may pause this sync until an administrator approves it"} {
		if !strings.Contains(r.stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout.String())
		}
	}
	if !strings.Contains(r.stderr.String(), "Workleap will deactivate every member who is not in members.csv") {
		t.Errorf("the first push warning does not speak of the successor:\n%s", r.stderr.String())
	}
	state, err := os.ReadFile(filepath.Join(dir, ".ovsync", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `"protocol":"provisioning","apiUrl":"` + srv.URL + push.ProvisioningPath + `"`; !bytes.Contains(state, []byte(want)) {
		t.Errorf("state file lacks %s:\n%.300s", want, state)
	}

	r = doPush(t, provisioningOptions(dir, srv.URL))
	if r.err != nil || r.res.Plan.First || !r.res.Plan.Unchanged {
		t.Fatalf("second push: err %v, plan %+v", r.err, r.res.Plan)
	}
}

// TestProvisioningSameOrg checks that the successor's body of the
// migrated sample is the legacy body of the sample, key for key, once
// the keys are renamed, the settings dropped and the language (names
// against codes) left aside.
func TestProvisioningSameOrg(t *testing.T) {
	dumps := map[string][]byte{}
	for _, org := range []struct {
		name string
		dir  string
	}{{"legacy", copyOrg(t, orgConfig{apiURL: push.ProductionURL})}, {"provisioning", copyProvisioningOrg(t, false)}} {
		opt := testOptions(org.dir, nil)
		opt.DryRun = true
		opt.Dump = filepath.Join(org.dir, "dump.json")
		if r := doPush(t, opt); r.err != nil {
			t.Fatalf("%s: %v", org.name, r.err)
		}
		b, err := os.ReadFile(opt.Dump)
		if err != nil {
			t.Fatal(err)
		}
		dumps[org.name] = b
	}
	var leg struct {
		Users    []map[string]string `json:"users"`
		Groups   []push.Group        `json:"groups"`
		Mappings []push.Mapping      `json:"mappings"`
	}
	var succ struct {
		Members      []map[string]string `json:"members"`
		Teams        []push.Team         `json:"teams"`
		TeamMappings []push.TeamMapping  `json:"teamMappings"`
	}
	if err := json.Unmarshal(dumps["legacy"], &leg); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(dumps["provisioning"], &succ); err != nil {
		t.Fatal(err)
	}
	for _, u := range leg.Users {
		delete(u, push.UserLanguage)
	}
	for _, m := range succ.Members {
		if m[push.MemberProducts] != "" {
			t.Errorf("member %s: %s %q, want empty (the sample has no such column)", m[push.MemberID], push.MemberProducts, m[push.MemberProducts])
		}
		m[push.UserID] = m[push.MemberID]
		for _, k := range []string{push.MemberID, push.MemberLanguage, push.MemberProducts} {
			delete(m, k)
		}
	}
	if diff := cmp.Diff(leg.Users, succ.Members); diff != "" {
		t.Errorf("users (-legacy +provisioning):\n%s", diff)
	}
	teams := make([]push.Group, len(succ.Teams))
	for i, tm := range succ.Teams {
		teams[i] = push.Group{ID: tm.ExternalTeamID, Name: tm.TeamName}
	}
	if diff := cmp.Diff(leg.Groups, teams); diff != "" {
		t.Errorf("teams (-legacy +provisioning):\n%s", diff)
	}
	mappings := make([]push.Mapping, len(succ.TeamMappings))
	for i, m := range succ.TeamMappings {
		mappings[i] = push.Mapping{GroupID: m.ExternalTeamID, UserID: m.ExternalMemberID, SubGroupID: m.ExternalSubteamID, IsMember: m.IsMember, IsManager: m.IsManager}
	}
	if diff := cmp.Diff(leg.Mappings, mappings); diff != "" {
		t.Errorf("mappings (-legacy +provisioning):\n%s", diff)
	}
}

// jobServer serves the fake behind a handler that answers the syncs the
// fake accepted (202) with status and body instead; "{jobId}" in body
// becomes the fake's job id.
func jobServer(t *testing.T, fake *pushtest.Fake, status int, ctype, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		var job push.JobResponse
		if rec.Code != http.StatusAccepted || json.Unmarshal(rec.Body.Bytes(), &job) != nil {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		io.WriteString(w, strings.ReplaceAll(body, "{jobId}", job.JobID))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProvisioningAnswers pushes the successor's sample over loopback
// HTTP to the fake, whose accepted syncs are answered every way the
// service might: each job status, a paused sync, a refusal, answers of
// an unknown shape. Only scheduled, processing and completed jobs are
// accepted and write the state file.
func TestProvisioningAnswers(t *testing.T) {
	const ctJSON = "application/json"
	tests := []struct {
		name   string
		pause  bool // the fake's own paused-for-approval answer
		status int
		ctype  string
		body   string
		// want is "ok", "paused" or "rejected"; wantMsg is in the
		// error or, for "ok", on stdout.
		want    string
		wantMsg string
	}{
		{name: "scheduled", status: 202, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"scheduled","scheduledAt":"2025-01-06T07:30:00Z"}`,
			want: "ok", wantMsg: ", status scheduled (scheduled at 2025-01-06T07:30:00Z)\nthe job runs later in Workleap"},
		{name: "processing", status: 202, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"processing"}`, want: "ok", wantMsg: ", status processing\n"},
		{name: "completed", status: 200, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"completed","scheduledAt":null}`, want: "ok", wantMsg: ", status completed\n"},
		{name: "status in another case", status: 202, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"Scheduled","extra":[1,{"a":null}]}`, want: "ok", wantMsg: ", status Scheduled\n"},
		{name: "failed", status: 202, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"failed","message":"too many teams"}`,
			want: "rejected", wantMsg: "failed\n- too many teams\nhint: see the job in Workleap"},
		{name: "paused by the fake", pause: true, want: "paused", wantMsg: "is paused for approval (status pendingApproval): it goes over one of Workleap's risk thresholds\n- the sync exceeds a risk threshold"},
		{name: "paused", status: 202, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"pendingApproval"}`, want: "paused", wantMsg: "is paused for approval"},
		{name: "unknown status", status: 202, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"queued"}`,
			want: "rejected", wantMsg: `the status "queued", which ovsync does not know (it knows scheduled, processing, completed, failed, pendingApproval)` + "\nhint: the sync may have been accepted"},
		{name: "no job id", status: 202, ctype: ctJSON, body: `{"id":"42","status":"scheduled"}`,
			want: "rejected", wantMsg: `the service's answer (202 Accepted) is not a provisioning job (jobId and status): {"id":"42","status":"scheduled"}`},
		{name: "job id a number", status: 202, ctype: ctJSON, body: `{"jobId":42,"status":"scheduled"}`, want: "rejected", wantMsg: "is not a provisioning job"},
		{name: "key in another case", status: 202, ctype: ctJSON, body: `{"JobId":"{jobId}","status":"scheduled"}`, want: "rejected", wantMsg: "is not a provisioning job"},
		{name: "key twice", status: 202, ctype: ctJSON, body: `{"jobId":"a","status":"failed","status":"completed"}`, want: "rejected", wantMsg: "is not a provisioning job"},
		{name: "legacy answer", status: 200, ctype: ctJSON, body: `{"isSuccess":true,"errors":[]}`, want: "rejected", wantMsg: "is not a provisioning job"},
		{name: "html page", status: 200, ctype: "text/html", body: "<!DOCTYPE html><html>sign in</html>", want: "rejected", wantMsg: "is not a provisioning job (jobId and status): <!DOCTYPE html>"},
		{name: "empty", status: 202, body: "", want: "rejected", wantMsg: "the service's answer (202 Accepted) is not a provisioning job (jobId and status)\nhint: the sync may have been accepted"},
		{name: "long answer cut short", status: 202, ctype: ctJSON, body: `{"jobId":"{jobId}","status":"` + strings.Repeat("x", 5000) + `"}`, want: "rejected", wantMsg: strings.Repeat("x", 200) + `…"`},
		{name: "refused with problem details", status: 400, ctype: "application/problem+json", body: `{"title":"One or more validation errors occurred.","status":400,"errors":{"members[0].email":["The email is invalid."]}}`,
			want: "rejected", wantMsg: "the service refused the sync (400 Bad Request)\n- One or more validation errors occurred.\n- members[0].email: The email is invalid."},
		{name: "refused as text", status: 422, ctype: "text/plain", body: "no", want: "rejected", wantMsg: "the service refused the sync (422 Unprocessable Entity): no"},
		{name: "wrong path", status: 404, ctype: "text/plain", body: "not found", want: "rejected", wantMsg: "hint: check --url: the service has no such path"},
		{name: "forbidden", status: 403, ctype: ctJSON, body: `{"statusCode":403,"message":"Out of call volume quota."}`,
			want: "rejected", wantMsg: "the subscription key was rejected (workleap-subscription-key)\n- Out of call volume quota.\nhint: the key came from OFFICEVIBE_API_KEY: check that it is the subscription key of Workleap API provisioning"},
		{name: "redirect", status: 307, body: "", want: "rejected", wantMsg: "redirected the request (307 Temporary Redirect) to nowhere\nhint: check --url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, pushtest.Options{PauseForApproval: tt.pause})
			fake, url := srv.Fake, srv.URL
			if !tt.pause {
				url = jobServer(t, fake, tt.status, tt.ctype, tt.body).URL
			}
			dir := copyProvisioningOrg(t, false)
			r := doPush(t, firstPush(provisioningOptions(dir, url)))
			_, statErr := os.Stat(filepath.Join(dir, ".ovsync", "state.json"))
			if got := statErr == nil; got != (tt.want == "ok") {
				t.Errorf("state file written: %t, want %t", got, tt.want == "ok")
			}
			if n := fake.Requests(); n != 1 {
				t.Errorf("the fake got %d requests, want 1", n)
			}
			var pe *push.PausedError
			var re *push.RejectedError
			switch tt.want {
			case "ok":
				if r.err != nil {
					t.Fatalf("Push: %v", r.err)
				}
				if !r.res.Sent || r.res.Job == nil || !strings.Contains(r.stdout.String(), tt.wantMsg) {
					t.Errorf("sent %t, job %+v; stdout lacks %q:\n%s", r.res.Sent, r.res.Job, tt.wantMsg, r.stdout.String())
				}
				return
			case "paused":
				if !errors.As(r.err, &pe) {
					t.Fatalf("Push error = %v, want a *push.PausedError", r.err)
				}
				if pe.JobID != fake.History()[0].JobID || r.res.Job == nil || r.res.Sent {
					t.Errorf("paused job %+v, result job %+v, sent %t", pe, r.res.Job, r.res.Sent)
				}
				if want := "job " + pe.JobID + ", status " + pe.Status + "\n"; !strings.HasSuffix(r.stdout.String(), want) {
					t.Errorf("stdout does not end with %q:\n%s", want, r.stdout.String())
				}
			default:
				if !errors.As(r.err, &re) || errors.As(r.err, &pe) {
					t.Fatalf("Push error = %v, want a *push.RejectedError", r.err)
				}
				if strings.Contains(re.Message, "\n") {
					t.Errorf("message on several lines: %q", re.Message)
				}
			}
			if !strings.Contains(r.err.Error(), tt.wantMsg) {
				t.Errorf("error lacks %q:\n%s", tt.wantMsg, r.err.Error())
			}
		})
	}
}

// TestProvisioningNoSettings checks that a provisioning push never sends
// a settings block, whatever config.json says, so that the fake (which
// refuses one) accepts it; and that the invitation guard does not apply.
func TestProvisioningNoSettings(t *testing.T) {
	for _, invite := range []bool{false, true} {
		t.Run(map[bool]string{false: "InviteNewUsers false", true: "InviteNewUsers true"}[invite], func(t *testing.T) {
			srv := newFake(t, pushtest.Options{KeepBodies: true})
			dir := copyProvisioningOrg(t, invite)
			opt := provisioningOptions(dir, srv.URL)
			opt.Plan.MaxInvites = 0
			opt.Plan.FirstPush = true
			r := doPush(t, opt)
			if r.err != nil {
				t.Fatalf("Push: %v\n%s", r.err, r.stdout.String())
			}
			h := srv.History()
			if len(h) != 1 || h[0].Status != pushtest.StatusSuccess || h[0].Settings != nil {
				t.Fatalf("history = %+v", h)
			}
			if bytes.Contains(h[0].Body, []byte(`"`+push.LegacySettings+`"`)) || bytes.Contains(h[0].Body, []byte("inviteNewUsers")) || bytes.Contains(h[0].Body, []byte("hr-ops@cedarline.example")) {
				t.Errorf("the body holds the settings: %.300s", h[0].Body)
			}
			if r.res.Plan.Invites != 0 || strings.Contains(r.stdout.String(), "will be invited") {
				t.Errorf("the plan counts %d invitations:\n%s", r.res.Plan.Invites, r.stdout.String())
			}
			want := "invitations: this push sends no settings"
			if invite {
				want = "invitations: InviteNewUsers is true in config.json, but this push sends no settings"
			}
			if !strings.Contains(r.stdout.String(), want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout.String())
			}
			state, _ := os.ReadFile(filepath.Join(dir, ".ovsync", "state.json"))
			if !bytes.Contains(state, []byte(`"inviteNewUsers":false`)) {
				t.Errorf("the state file says invitations were sent: %.300s", state)
			}
		})
	}
}

// TestProtocolChoice checks which protocol a push speaks: the files'
// format by default, and a --protocol that does not send it refused
// before anything is sent or planned.
func TestProtocolChoice(t *testing.T) {
	tests := []struct {
		name        string
		provisional bool // the files are in the successor's format
		protocol    string
		url         string
		wantErr     string
	}{
		{name: "legacy files by default", wantErr: ""},
		{name: "legacy files, legacy", protocol: "legacy"},
		{name: "successor files by default", provisional: true},
		{name: "successor files, provisioning", provisional: true, protocol: "Provisioning"},
		{name: "legacy files, provisioning", protocol: "provisioning",
			wantErr: "--protocol provisioning: the files of " + "CONFIG" + " are in the legacy Officevibe format (users.csv, groups.csv, groups-mapping.csv), which the provisioning protocol does not send\nhint: leave --protocol out to push them with the legacy protocol, or write them in the successor's format first with \"ovsync migrate\""},
		{name: "successor files, legacy", provisional: true, protocol: "legacy",
			wantErr: "--protocol legacy: the files of CONFIG are in the Workleap API provisioning format (members.csv, teams.csv, teams-mappings.csv), which the legacy protocol does not send\nhint: leave --protocol out to push them with the provisioning protocol"},
		{name: "unknown protocol", protocol: "v3", wantErr: `unknown protocol "v3" (use legacy or provisioning)`},
		{name: "url with legacy files", url: "URL", wantErr: "--url is for --protocol provisioning: the legacy service's URL is ApiUrl in CONFIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, pushtest.Options{})
			dir := copyOrg(t, orgConfig{apiURL: srv.URL})
			if tt.provisional {
				dir = copyProvisioningOrg(t, false)
			}
			opt := firstOptions(dir, nil)
			opt.Plan.Protocol = tt.protocol
			if tt.provisional || tt.url != "" {
				opt.Plan.URL = srv.URL
			}
			r := doPush(t, opt)
			if tt.wantErr == "" {
				if r.err != nil {
					t.Fatalf("Push: %v", r.err)
				}
				want := pushtest.Legacy
				if tt.provisional {
					want = pushtest.Provisioning
				}
				if h := srv.History(); len(h) != 1 || h[0].Protocol != want || h[0].Status != pushtest.StatusSuccess {
					t.Errorf("history = %+v, want one %s sync", h, want)
				}
				return
			}
			want := strings.ReplaceAll(tt.wantErr, "CONFIG", filepath.Join(dir, "config.json"))
			if r.err == nil || r.err.Error() != want {
				t.Fatalf("Push error:\n%v\nwant:\n%s", r.err, want)
			}
			if srv.Requests() != 0 || r.res.Plan != nil {
				t.Errorf("the push went on: %d requests, plan %v", srv.Requests(), r.res.Plan)
			}
		})
	}
}

// TestProtocolMixedFiles checks that an org mixing the two formats stops
// the push, as it stops lint.
func TestProtocolMixedFiles(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	b, err := os.ReadFile(filepath.Join(provisioningDir, "Data", "teams.csv"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "Data", "groups.csv"), string(b))
	for _, protocol := range []string{"", "legacy", "provisioning"} {
		opt := testOptions(dir, nil)
		opt.Plan.Protocol = protocol
		r := doPush(t, opt)
		if r.err == nil || !strings.Contains(r.err.Error(), "the files mix two formats") {
			t.Errorf("protocol %q: Push error = %v, want the mixed formats", protocol, r.err)
		}
	}
	if srv.Requests() != 0 {
		t.Errorf("requests were sent")
	}
}

// TestProvisioningURL checks the URL rules of a provisioning push: a
// dry run shows where the body would go, and a URL that is not allowed
// stops the push before any request.
func TestProvisioningURL(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		allow []string
		want  string // the dry run's target, or the error
		err   bool
	}{
		{name: "default", url: "", want: "would go to https://api.workleap.com/public/provisioning/json)"},
		{name: "host only", url: "https://API.workleap.com", want: "would go to https://API.workleap.com/public/provisioning/json)"},
		{name: "path kept", url: "https://api.workleap.com/public/provisioning/v2/json", want: "would go to https://api.workleap.com/public/provisioning/v2/json)"},
		{name: "loopback", url: "http://127.0.0.1:9/", want: "would go to http://127.0.0.1:9/public/provisioning/json)"},
		{name: "allowed host", url: "https://gw.corp.example/wl", allow: []string{"gw.corp.example"}, want: "would go to https://gw.corp.example/wl)"},
		{name: "the legacy host", url: "https://app.officevibe.com", err: true, want: `--url host "app.officevibe.com" is not api.workleap.com` + "\nhint: if you trust it with the API key, give --allow-host app.officevibe.com"},
		{name: "look-alike", url: "https://api.workleap.com.example.net", err: true, want: "is not api.workleap.com"},
		{name: "plain http", url: "http://api.workleap.com", err: true, want: `--url "http://api.workleap.com" is plain http: the API key would travel in clear text`},
		{name: "query", url: "https://api.workleap.com/public/provisioning/json?code=1", err: true, want: "must not have a query or fragment"},
		{name: "user info", url: "https://u:p@api.workleap.com", err: true, want: "--url must not hold a user name or password"},
		{name: "relative", url: "api.workleap.com", err: true, want: `--url "api.workleap.com" is not an absolute URL` + "\nhint: leave --url out to use https://api.workleap.com/public/provisioning/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyProvisioningOrg(t, false)
			opt := provisioningOptions(dir, tt.url)
			opt.Plan.AllowHosts = tt.allow
			opt.DryRun = true
			r := doPush(t, opt)
			if tt.err {
				if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
					t.Fatalf("Push error = %v, want %q", r.err, tt.want)
				}
				if r.res.Plan != nil {
					t.Errorf("the push planned")
				}
				return
			}
			if r.err != nil {
				t.Fatalf("Push: %v", r.err)
			}
			if !strings.Contains(r.stdout.String(), tt.want) {
				t.Errorf("stdout lacks %q:\n%s", tt.want, r.stdout.String())
			}
		})
	}
}

// TestProvisioningKeyNeverShown checks that a service echoing the
// subscription key, and a URL holding it, never get it printed.
func TestProvisioningKeyNeverShown(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		json.NewEncoder(w).Encode(map[string]string{"key": r.Header.Get(push.SubscriptionKeyHeader)})
	}))
	t.Cleanup(echo.Close)
	jobEcho := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
		json.NewEncoder(w).Encode(push.JobResponse{JobID: r.Header.Get(push.SubscriptionKeyHeader), Status: push.JobFailed, Message: "key " + r.Header.Get(push.SubscriptionKeyHeader)})
	}))
	t.Cleanup(jobEcho.Close)
	for _, tt := range []struct{ name, url string }{
		{"unknown answer", echo.URL},
		{"job answer", jobEcho.URL},
		{"key in the url", "http://example.com/" + testKey},
		{"paused", newFake(t, pushtest.Options{PauseForApproval: true}).URL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyProvisioningOrg(t, false)
			opt := provisioningOptions(dir, tt.url)
			opt.Dump = filepath.Join(dir, "dump.json")
			opt.Plan.FirstPush = true
			r := doPush(t, opt)
			if r.err == nil {
				t.Fatalf("Push succeeded")
			}
			all := r.stdout.String() + r.stderr.String() + r.err.Error()
			if strings.Contains(all, testKey) {
				t.Errorf("the key appears in the output:\n%s", all)
			}
			if tt.url != echo.URL && tt.name != "job answer" {
				return
			}
			if !strings.Contains(all, push.Redacted) {
				t.Errorf("the echoed key was not replaced:\n%s", all)
			}
		})
	}
}

// TestProvisioningAfterMigrate checks that the first provisioning push
// of a migrated org plans against the state of the last legacy push
// (same ids: no removal, no addition, no change), and that a provisioning
// state is no record of a legacy push.
func TestProvisioningAfterMigrate(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	legacy := copyOrg(t, orgConfig{apiURL: srv.URL})
	if r := doPush(t, firstOptions(legacy, nil)); r.err != nil {
		t.Fatal(r.err)
	}
	dir := copyProvisioningOrg(t, false)
	opt := provisioningOptions(dir, srv.URL)
	opt.Plan.State = filepath.Join(legacy, ".ovsync", "state.json")
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("Push: %v\n%s", r.err, r.stderr.String())
	}
	p := r.res.Plan
	if p.First || p.Users.Added+p.Users.Removed+p.Users.Changed != 0 || p.Teams.Removed != 0 || p.Mappings.Removed != 0 {
		t.Errorf("plan after migrate: first %t, users %+v, teams %+v, mappings %+v\n%s", p.First, p.Users, p.Teams, p.Mappings, r.stdout.String())
	}
	if !strings.Contains(r.stdout.String(), "planned against the last legacy push") {
		t.Errorf("the plan does not say it compares with the legacy push:\n%s", r.stdout.String())
	}
	// The state is the provisioning one now: it is no record of a legacy
	// push, which stops.
	r = doPush(t, testOptions(legacy, nil))
	want := "records a provisioning push to " + srv.URL + push.ProvisioningPath
	var ge *push.GuardError
	if !errors.As(r.err, &ge) || !ge.NoRecord || !strings.Contains(r.err.Error(), want) {
		t.Fatalf("Push error = %v, want the guard of a push without a record, saying %q", r.err, want)
	}
}

// TestProvisioningRetries checks that the retry policy is the same: a
// 503 is retried, and the retry's sync is the one recorded.
func TestProvisioningRetries(t *testing.T) {
	srv := newFake(t, pushtest.Options{Fail: 1, Drop: 1})
	dir := copyProvisioningOrg(t, false)
	var s sleeps
	opt := provisioningOptions(dir, srv.URL)
	push.SetSleep(&opt.Remote, s.sleep)
	opt.Plan.FirstPush = true
	r := doPush(t, opt)
	if r.err != nil {
		t.Fatalf("Push: %v", r.err)
	}
	if r.res.Attempts != 3 || len(s.waits()) != 2 || len(srv.History()) != 1 {
		t.Errorf("attempts %d, waits %v, history %d", r.res.Attempts, s.waits(), len(srv.History()))
	}
}

// TestProvisioningNoPing checks that a ping refuses the provisioning
// protocol, which has no key check, before any request.
func TestProvisioningNoPing(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyProvisioningOrg(t, false)
	opt := provisioningOptions(dir, srv.URL)
	opt.Plan.Protocol = plan.ProtocolProvisioning
	_, err := push.Ping(t.Context(), push.PingOptions{Path: dir, Route: opt.Plan.Route, Remote: opt.Remote})
	if err == nil || err.Error() != "the provisioning protocol has no ping" {
		t.Errorf("Ping error = %v", err)
	}
	if srv.Requests() != 0 {
		t.Errorf("requests were sent")
	}
}
