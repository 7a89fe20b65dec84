package push

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// TestMemberKeys checks that the successor's wire keys of api.go are the
// canonical column names of lint's provisioning vocabulary, so that the
// two never drift.
func TestMemberKeys(t *testing.T) {
	checkColumnKeys(t, lint.Provisioning, "lint.Provisioning", memberKeys,
		[2]string{jsonKey(Team{}, "ExternalTeamID"), jsonKey(Team{}, "TeamName")},
		[5]string{jsonKey(TeamMapping{}, "ExternalTeamID"), jsonKey(TeamMapping{}, "ExternalMemberID"), jsonKey(TeamMapping{}, "ExternalSubteamID"), jsonKey(TeamMapping{}, "IsMember"), jsonKey(TeamMapping{}, "IsManager")})
	if got := len(memberKeys); got != len(lint.Provisioning.Columns(lint.KindUsers)) {
		t.Errorf("%d member keys for %d standard columns", got, len(lint.Provisioning.Columns(lint.KindUsers)))
	}
}

// TestProvisioningBodyShape writes the successor's body of a small org
// with odd headers and settings in its config, and checks it byte for
// byte: no settings, the successor's keys, values as written.
func TestProvisioningBodyShape(t *testing.T) {
	want := `{"members":[{"externalMemberId":" 1001 ","email":"ANA@example.com","firstName":"","lastName":"","jobTitle":"","imageUrl":"","languagePreferences":"pt","productAssignations":"Officevibe;Pulse","Department":"R&D","x\"y":"a,b"}],` +
		`"teams":[{"externalTeamId":"T-RND","teamName":"R&D"}],` +
		`"teamMappings":[{"externalTeamId":"T-RND","externalMemberId":" 1001 ","externalSubteamId":"","isMember":true,"isManager":false},` +
		`{"externalTeamId":"T-ALL","externalMemberId":"","externalSubteamId":"T-RND","isMember":false,"isManager":false}]}`
	checkBodyShape(t, provisioningProtocol{}, [3]csvFile{
		{"members.csv", "\ufeffEmail,externalMemberId, Department ,productAssignations,languagePreferences,\"x\"\"y\"\n" +
			"ANA@example.com, 1001 ,R&D,Officevibe;Pulse,pt,\"a,b\"\n"},
		{"teams.csv", "externalTeamId,teamName\nT-RND,R&D\n"},
		{"teams-mappings.csv", "externalTeamId,externalMemberId,externalSubteamId,isMember,isManager\nT-RND, 1001 ,,true,\nT-ALL,,T-RND,FALSE,FALSE\n"},
	}, want)
}

func TestDecodeJob(t *testing.T) {
	tests := []struct {
		name string
		body string
		want *JobResponse // nil: not a job
	}{
		{name: "catalogue shape", body: `{"jobId":"j1","status":"scheduled","scheduledAt":"2025-01-06T07:30:00Z"}`, want: &JobResponse{JobID: "j1", Status: "scheduled", ScheduledAt: "2025-01-06T07:30:00Z"}},
		{name: "with message", body: `{"jobId":"j1","status":"pendingApproval","message":"m"}`, want: &JobResponse{JobID: "j1", Status: "pendingApproval", Message: "m"}},
		{name: "byte order mark and spaces", body: "\ufeff \n{ \"status\" : \"completed\", \"jobId\" : \"j\" }\n", want: &JobResponse{JobID: "j", Status: "completed"}},
		{name: "other keys ignored", body: `{"jobId":"j","status":"processing","links":{"self":"/jobs/j"},"n":[1,2]}`, want: &JobResponse{JobID: "j", Status: "processing"}},
		{name: "null scheduledAt", body: `{"jobId":"j","status":"scheduled","scheduledAt":null,"message":null}`, want: &JobResponse{JobID: "j", Status: "scheduled"}},
		{name: "escaped", body: `{"jobId":"\u006a","status":"sch\u0065duled"}`, want: &JobResponse{JobID: "j", Status: "scheduled"}},
		{name: "no job id", body: `{"status":"scheduled"}`},
		{name: "no status", body: `{"jobId":"j"}`},
		{name: "empty job id", body: `{"jobId":"","status":"scheduled"}`},
		{name: "blank status", body: `{"jobId":"j","status":"  "}`},
		{name: "null job id", body: `{"jobId":null,"status":"scheduled"}`},
		{name: "number job id", body: `{"jobId":7,"status":"scheduled"}`},
		{name: "status an object", body: `{"jobId":"j","status":{"name":"scheduled"}}`},
		{name: "scheduledAt a number", body: `{"jobId":"j","status":"scheduled","scheduledAt":1736148600}`},
		{name: "key in another case", body: `{"JobId":"j","status":"scheduled"}`},
		{name: "key twice", body: `{"jobId":"j","status":"failed","status":"completed"}`},
		{name: "trailing data", body: `{"jobId":"j","status":"scheduled"} {}`},
		{name: "array", body: `[{"jobId":"j","status":"scheduled"}]`},
		{name: "wrapped", body: `{"data":{"jobId":"j","status":"scheduled"}}`},
		{name: "not json", body: `jobId=j&status=scheduled`},
		{name: "cut short", body: `{"jobId":"j","status":"scheduled"`},
		{name: "empty", body: ``},
		{name: "null", body: `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := decodeJob([]byte(tt.body))
			if ok != (tt.want != nil) {
				t.Fatalf("decodeJob(%q) ok = %t, want %t", tt.body, ok, tt.want != nil)
			}
			if tt.want != nil {
				if diff := cmp.Diff(*tt.want, got); diff != "" {
					t.Errorf("decodeJob(%q) (-want +got):\n%s", tt.body, diff)
				}
			}
		})
	}
}

// FuzzDecodeJob feeds the job decoder any bytes: it must not panic, and a
// job it accepts must be valid JSON with a job id and a status that come
// back the same when the job is written and read again.
func FuzzDecodeJob(f *testing.F) {
	for _, s := range []string{
		`{"jobId":"j1","status":"scheduled","scheduledAt":"2025-01-06T07:30:00Z"}`,
		`{"jobId":"j1","status":"pendingApproval","message":"waits"}`,
		`{"jobId":"j","status":"failed","status":"completed"}`,
		`{"JobId":"j","status":"scheduled"}`, `{"jobId":null,"status":"x"}`, `{"a":{"b":[1,{"c":null}]},"jobId":"j","status":"s"}`,
		"\ufeff{\"jobId\":\"\\ud800\",\"status\":\"\\u0000\"}", `{"isSuccess":true}`, `<html>`, ``, `null`, `{}`, `{"jobId":"j","status":"s"}x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		job, ok := decodeJob(body)
		if !ok {
			if job != (JobResponse{}) {
				t.Fatalf("a refused answer gave %+v", job)
			}
			return
		}
		if !json.Valid(bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})) {
			t.Fatalf("invalid JSON accepted: %q", body)
		}
		if strings.TrimSpace(job.JobID) == "" || strings.TrimSpace(job.Status) == "" {
			t.Fatalf("job without id or status accepted: %+v", job)
		}
		b, err := json.Marshal(job)
		if err != nil {
			t.Fatal(err)
		}
		again, ok := decodeJob(b)
		if !ok || again != job {
			t.Fatalf("round trip: %+v, %t, want %+v", again, ok, job)
		}
	})
}

// FuzzReadProvisioning feeds the successor's answer reader any status,
// content type and body: it must not panic; it must accept only a 2xx
// job of a status it knows as accepted; any other answer is a typed
// error whose message is one line, without control characters, and short
// whatever the answer's size. The body is given to the reader as it came,
// with the key inserted at a fuzzed place: neither the message nor the
// job may show a piece of 6 characters of it, wherever they are cut.
func FuzzReadProvisioning(f *testing.F) {
	seeds := []string{
		`{"jobId":"j1","status":"scheduled","scheduledAt":"2025-01-06T07:30:00Z"}`, `{"jobId":"j","status":"failed","message":"a\nb\u001b[31m"}`,
		`{"jobId":"j","status":"pendingApproval"}`, `{"jobId":"j","status":"queued"}`, `{"title":"bad","errors":["x"]}`,
		`{"title":"v","errors":{"members[0].email":["bad","worse"]}}`, `{"statusCode":401,"message":"Access denied"}`,
		`{"isSuccess":true,"errors":[]}`, `<html>`, ``, `null`, "\xff\xfe",
	}
	for _, s := range seeds {
		f.Add(202, "application/json", s)
		f.Add(400, "", s)
	}
	f.Add(302, "text/html", "")
	// The key lands across the cut of a snippet (120) or a field (200).
	f.Add(400, "text/html", "<p>"+strings.Repeat("x", 110))
	f.Add(202, "application/json", `{"jobId":"j","status":"failed","message":"`+strings.Repeat("y", 190)+`"}`)
	f.Add(401, "application/json", `{"statusCode":401,"message":"Access denied due to invalid subscription key."}`)
	const key = "ovk-Fuzz-QwErTyUiOp-7731-ZxCvBnMpLk"
	red := redact.New(key)
	f.Fuzz(func(t *testing.T, status int, ctype, body string) {
		at := 0
		if len(body) > 0 {
			at = int(uint(status) % uint(len(body)+1))
		}
		keyed := body[:at] + key + body[at:]
		ka := answer{status: status, header: http.Header{"Content-Type": {ctype}, "Location": {keyed}}, body: []byte(keyed), red: red}
		kout, kerr := provisioningProtocol{}.readSync(ka)
		shown := fmt.Sprint(kerr)
		if kout.job != nil {
			shown += fmt.Sprintf("%+v", *kout.job)
		}
		for i := 0; i+redact.MinPiece <= len(key); i++ {
			if strings.Contains(shown, key[i:i+redact.MinPiece]) {
				t.Fatalf("the answer %q with the key at %d shows %q:\n%s", body, at, key[i:i+redact.MinPiece], shown)
			}
		}
		a := answer{status: status, header: http.Header{"Content-Type": {ctype}, "Location": {body}}, body: []byte(body)}
		out, err := provisioningProtocol{}.readSync(a)
		if err == nil {
			if status < 200 || status > 299 {
				t.Fatalf("status %d accepted", status)
			}
			job, ok := decodeJob(a.body)
			if !ok || outcomeOf(job.Status) != jobAccepted || out.job == nil {
				t.Fatalf("answer %q accepted", body)
			}
			return
		}
		var pe *PausedError
		var re *RejectedError
		switch {
		case errors.As(err, &pe):
			if job, ok := decodeJob(a.body); !ok || outcomeOf(job.Status) != jobPaused || status < 200 || status > 299 {
				t.Fatalf("answer %d %q taken as paused", status, body)
			}
		case errors.As(err, &re):
			if strings.Contains(re.Message, "\n") {
				t.Errorf("message on several lines: %q", re.Message)
			}
		default:
			t.Fatalf("error %T is not typed", err)
		}
		for _, l := range strings.Split(err.Error(), "\n") {
			if strings.ContainsAny(l, "\r\x1b\x00") {
				t.Errorf("line with a control character: %q", l)
			}
			if n := utf8.RuneCountInString(l); n > 2*maxJobField+300 {
				t.Errorf("line of %d characters", n)
			}
		}
	})
}
