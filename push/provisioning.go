package push

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// provisioningProtocol is Workleap API provisioning, the successor of the
// legacy sync (FORMAT.md, "The successor"): one POST of the whole org,
// {members, teams, teamMappings} and never a settings block, to
// [ProvisioningURL] (or --url) with "workleap-subscription-key: KEY",
// answered with an asynchronous job. ApiUrl of config.json names the
// legacy service and is not used.
type provisioningProtocol struct{}

// Name is the protocol's name.
func (provisioningProtocol) Name() string { return plan.ProtocolProvisioning }

// Files is the file format the protocol sends.
func (provisioningProtocol) Files() *lint.Vocabulary { return lint.Provisioning }

// Describe names the protocol's file format in messages.
func (provisioningProtocol) Describe() string { return "Workleap API provisioning" }

// endpoint is --url, or ProvisioningURL. ApiUrl is the legacy service's
// (migrate keeps it as it was), so it is not read.
func (provisioningProtocol) endpoint(_ *lint.Config, r plan.Route) (endpoint, error) {
	return parseProvisioningURL(r.URL, r.AllowHosts)
}

// Target is where the protocol's requests go (endpoint), as a plan records it.
func (p provisioningProtocol) Target(cfg *lint.Config, r plan.Route) (plan.Target, error) {
	e, err := p.endpoint(cfg, r)
	if err != nil {
		return plan.Target{}, err
	}
	return e.target(), nil
}

// UserKeys are the standard keys of a user object, in body order.
func (provisioningProtocol) UserKeys() []plan.RoleKey { return provisioningWire.userKeys }

// syncURL is the endpoint itself: the whole URL, path included.
func (provisioningProtocol) syncURL(e endpoint) string { return e.String() }

// pingURL: the successor has no documented key check.
func (provisioningProtocol) pingURL(endpoint) (string, bool) { return "", false }

// authorize sends the key in the subscription key header only: never an
// Authorization header.
func (provisioningProtocol) authorize(h http.Header, key string) {
	h.Set(SubscriptionKeyHeader, key)
}

// Invites is false: the successor takes no settings, and invitations are
// Workleap's "Automatic Invite" setting.
func (provisioningProtocol) Invites(*lint.Config) bool { return false }

// Notes say, before anything is sent, what the successor does with
// invitations and that its risk thresholds may pause the sync.
func (provisioningProtocol) Notes(cfg *lint.Config) []string {
	inv := `invitations: this push sends no settings; Workleap's "Automatic Invite" setting decides whether new members are invited (InviteNewUsers, SyncManagerEmail and --max-invites do not apply)`
	if cfg.InviteNewUsers {
		inv = `invitations: InviteNewUsers is true in config.json, but this push sends no settings; Workleap's "Automatic Invite" setting decides whether new members are invited (--max-invites does not apply)`
	}
	return []string{
		inv,
		"approval: Workleap's own risk thresholds (most user changes and team changes per sync) may pause this sync until an administrator approves it",
	}
}

func (provisioningProtocol) firstPush() string {
	return "Workleap will deactivate every member who is not in members.csv (administrators excepted) and remove every team that is not in teams.csv"
}

func (provisioningProtocol) keyHint(source string) string {
	return fmt.Sprintf("the key came from %s: check that it is the subscription key of Workleap API provisioning", source)
}

// memberKeys are the standard keys of a member object in the order the
// body writes them, each with the members.csv column it comes from.
var memberKeys = []plan.RoleKey{
	{Role: lint.UserID, Key: MemberID},
	{Role: lint.UserEmail, Key: UserEmail},
	{Role: lint.UserFirstName, Key: UserFirstName},
	{Role: lint.UserLastName, Key: UserLastName},
	{Role: lint.UserJobTitle, Key: UserJobTitle},
	{Role: lint.UserImageURL, Key: UserImageURL},
	{Role: lint.UserLanguage, Key: MemberLanguage},
	{Role: lint.UserProducts, Key: MemberProducts},
}

// provisioningWire is how the successor's body is written: members,
// teams and teamMappings, with no head, from files in the successor's
// format.
var provisioningWire = &wireFormat{
	files:    lint.Provisioning,
	users:    ProvisioningMembers,
	groups:   ProvisioningTeams,
	mappings: ProvisioningTeamMappings,
	userKeys: memberKeys,
	groupKeys: [2]string{
		keyPrefix(jsonKey(Team{}, "ExternalTeamID"), true),
		keyPrefix(jsonKey(Team{}, "TeamName"), false),
	},
	mappingKeys: [5]string{
		keyPrefix(jsonKey(TeamMapping{}, "ExternalTeamID"), true),
		keyPrefix(jsonKey(TeamMapping{}, "ExternalMemberID"), false),
		keyPrefix(jsonKey(TeamMapping{}, "ExternalSubteamID"), false),
		keyPrefix(jsonKey(TeamMapping{}, "IsMember"), false),
		keyPrefix(jsonKey(TeamMapping{}, "IsManager"), false),
	},
}

// WriteBody streams the successor's body: members, teams and
// teamMappings, with no settings block, which the service refuses.
func (provisioningProtocol) WriteBody(w io.Writer, cfg *lint.Config, rec plan.Recorder) (int64, error) {
	return provisioningWire.writeBody(w, cfg, rec)
}

// Body starts the body on w, for records handed to it one at a time.
func (provisioningProtocol) Body(w io.Writer, cfg *lint.Config, rec plan.Recorder) plan.Body {
	return provisioningWire.newBody(w, cfg, rec)
}

// msgSubscriptionKeyRejected is what a rejected subscription key is
// called (401, 403 or a redirect to a login page).
const msgSubscriptionKeyRejected = "the subscription key was rejected (" + SubscriptionKeyHeader + ")"

// hintUnknownAnswer is the hint of an answer that could not be read after
// the body was sent: the service may have taken the sync all the same.
const hintUnknownAnswer = "the sync may have been accepted all the same: check it in Workleap before pushing again"

// Job outcomes, from a [JobResponse]'s status.
type jobOutcome int

const (
	jobUnknown  jobOutcome = iota // a status ovsync does not know
	jobAccepted                   // scheduled, processing or completed
	jobFailed
	jobPaused // waits for an administrator's approval
)

// jobStatuses are the statuses ovsync knows, matched without case (an
// ASP.NET service may write "Scheduled").
var jobStatuses = []struct {
	status  string
	outcome jobOutcome
}{
	{JobScheduled, jobAccepted},
	{JobProcessing, jobAccepted},
	{JobCompleted, jobAccepted},
	{JobFailed, jobFailed},
	{JobPendingApproval, jobPaused},
}

// outcomeOf reads a job's status.
func outcomeOf(status string) jobOutcome {
	for _, s := range jobStatuses {
		if strings.EqualFold(status, s.status) {
			return s.outcome
		}
	}
	return jobUnknown
}

// knownStatuses lists the statuses ovsync knows, for messages.
func knownStatuses() string {
	names := make([]string, len(jobStatuses))
	for i, s := range jobStatuses {
		names[i] = s.status
	}
	return strings.Join(names, ", ")
}

// readSync reads the answer to a sync: a 2xx job whose status is
// scheduled, processing or completed is accepted; a failed job is a
// [*RejectedError], a paused one a [*PausedError]; any other answer, an
// unknown status or shape included, is a [*RejectedError] that shows it
// as it came (on one line, cut short) and never guesses.
func (provisioningProtocol) readSync(a answer) (syncOutcome, error) {
	switch {
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		re := &RejectedError{Status: a.status, KeyRejected: true, Message: msgSubscriptionKeyRejected}
		if m := problemMessages(a.red, a.body); len(m) > 0 {
			re.Errors = m
		}
		return syncOutcome{}, re
	case a.status >= 300 && a.status <= 399:
		re := a.redirected()
		if re.KeyRejected {
			re.Message = msgSubscriptionKeyRejected
		} else {
			re.Hint = "check --url: redirects are not followed, so that the key goes nowhere else"
		}
		return syncOutcome{}, re
	case a.status < 200 || a.status > 299:
		re := &RejectedError{Status: a.status, Message: fmt.Sprintf("the service refused the sync (%s)", statusText(a.status))}
		msgs := problemMessages(a.red, a.body)
		if len(msgs) == 0 {
			if s := a.snippet(); s != "" {
				re.Message += ": " + s
			}
			if a.status == http.StatusNotFound {
				re.Hint = "check --url: the service has no such path"
			}
		}
		re.Errors = msgs
		return syncOutcome{}, re
	}
	job, ok := decodeJob(a.body)
	if !ok {
		msg := fmt.Sprintf("the service's answer (%s) is not a provisioning job (jobId and status)", statusText(a.status))
		if s := a.snippet(); s != "" {
			msg += ": " + s
		}
		return syncOutcome{}, &RejectedError{Status: a.status, Message: msg, Hint: hintUnknownAnswer}
	}
	job = job.clipped(a.red)
	out := syncOutcome{job: &job}
	switch outcomeOf(job.Status) {
	case jobAccepted:
		return out, nil
	case jobFailed:
		re := &RejectedError{Status: a.status, Message: fmt.Sprintf("the sync job %s failed", job.JobID),
			Hint: "see the job in Workleap, fix what it says, lint again, then push again"}
		if job.Message != "" {
			re.Errors = []string{job.Message}
		}
		return out, re
	case jobPaused:
		return out, &PausedError{JobID: job.JobID, Status: job.Status, Message: job.Message}
	}
	return out, &RejectedError{Status: a.status,
		Message: fmt.Sprintf("the service's answer (%s) gives the sync job %s the status %q, which ovsync does not know (it knows %s)", statusText(a.status), job.JobID, job.Status, knownStatuses()),
		Hint:    hintUnknownAnswer}
}

// readPing: the successor has no ping (pingURL says so first).
func (provisioningProtocol) readPing(answer) (string, error) {
	return "", fmt.Errorf("the %s protocol has no ping", plan.ProtocolProvisioning)
}

// Keys of a job answer, read from the wire type's JSON tags.
var (
	jobIDKey       = jsonKey(JobResponse{}, "JobID")
	jobStatusKey   = jsonKey(JobResponse{}, "Status")
	jobScheduleKey = jsonKey(JobResponse{}, "ScheduledAt")
	jobMessageKey  = jsonKey(JobResponse{}, "Message")
)

// decodeJob reads a job answer strictly, so that an answer of another
// shape is shown rather than mis-read: one JSON object (after an optional
// byte order mark) and nothing after it; jobId and status non-empty
// strings; scheduledAt and message strings or null when present; each of
// these four keys at most once and matched with its exact case (Go's
// encoding/json would take "JOBID" or the last of two); other keys
// ignored, as a service adds fields.
func decodeJob(body []byte) (JobResponse, bool) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return JobResponse{}, false
	}
	var job JobResponse
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return JobResponse{}, false
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return JobResponse{}, false
		}
		var dst *string
		nullOK := true
		switch key {
		case jobIDKey:
			dst, nullOK = &job.JobID, false
		case jobStatusKey:
			dst, nullOK = &job.Status, false
		case jobScheduleKey:
			dst = &job.ScheduledAt
		case jobMessageKey:
			dst = &job.Message
		default:
			continue
		}
		if seen[key] {
			return JobResponse{}, false
		}
		seen[key] = true
		if string(raw) == "null" && nullOK {
			continue
		}
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, dst) != nil {
			return JobResponse{}, false
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return JobResponse{}, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return JobResponse{}, false
	}
	if strings.TrimSpace(job.JobID) == "" || strings.TrimSpace(job.Status) == "" {
		return JobResponse{}, false
	}
	return job, true
}

// maxJobField caps the characters of a job answer's field that are shown:
// an id, a status, a time or a sentence.
const maxJobField = 200

// clipped returns the job with each field on one line, redacted, cut
// short: the service's text goes into messages and must not flood or
// break them.
func (j JobResponse) clipped(red *redact.Redactor) JobResponse {
	return JobResponse{JobID: clip(red, j.JobID), Status: clip(red, j.Status), ScheduledAt: clip(red, j.ScheduledAt), Message: clip(red, j.Message)}
}

// clip folds s onto one line, redacts it, then cuts it at maxJobField
// characters: in that order, so that a cut never leaves a piece of the
// key that no longer matches it.
func clip(red *redact.Redactor, s string) string {
	return red.Cut(oneLine(strings.ToValidUTF8(s, "\uFFFD")), maxJobField)
}

// problemMessages reads the messages of a refusal, in the shapes of
// [ErrorResponse] (title, detail, errors as an array of strings or as
// ASP.NET's object of arrays by field) and [AccessDeniedResponse]
// (message); nil when the body is none of them.
func problemMessages(red *redact.Redactor, body []byte) []string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return nil
	}
	str := func(key string) string {
		var s string
		if json.Unmarshal(obj[key], &s) != nil {
			return ""
		}
		return clip(red, s)
	}
	var msgs []string
	for _, k := range []string{jsonKey(ErrorResponse{}, "Title"), jsonKey(ErrorResponse{}, "Detail"), jsonKey(AccessDeniedResponse{}, "Message")} {
		if s := str(k); s != "" {
			msgs = append(msgs, s)
		}
	}
	raw := obj[jsonKey(ErrorResponse{}, "Errors")]
	var list []string
	var byField map[string][]string
	switch {
	case json.Unmarshal(raw, &list) == nil:
		for _, s := range list {
			msgs = append(msgs, clip(red, s))
		}
	case json.Unmarshal(raw, &byField) == nil:
		fields := make([]string, 0, len(byField))
		for f := range byField {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			for _, s := range byField[f] {
				msgs = append(msgs, clip(red, f+": "+s))
			}
		}
	}
	return msgs
}
