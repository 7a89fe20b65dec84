package push

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// legacyProtocol is the Officevibe sync API of FORMAT.md: one POST of the
// whole org to {ApiUrl}/api/v2/sync, "Authorization: Bearer KEY".
type legacyProtocol struct{}

// Name is the protocol's name.
func (legacyProtocol) Name() string { return plan.ProtocolLegacy }

func (legacyProtocol) syncURL(e endpoint) string { return e.join(SyncPath) }

func (legacyProtocol) pingURL(e endpoint) (string, bool) { return e.join(PingPath), true }

func (legacyProtocol) authorize(h http.Header, key string) {
	h.Set(AuthorizationHeader, BearerPrefix+key)
}

// Files is the file format the protocol sends.
func (legacyProtocol) Files() *lint.Vocabulary { return lint.Legacy }

// Describe names the protocol's file format in messages.
func (legacyProtocol) Describe() string { return "legacy Officevibe" }

// endpoint is ApiUrl of config.json; --url is for the successor only.
func (legacyProtocol) endpoint(cfg *lint.Config, r plan.Route) (endpoint, error) {
	if r.URL != "" {
		return endpoint{}, fmt.Errorf("--url is for --protocol %s: the legacy service's URL is ApiUrl in %s", plan.ProtocolProvisioning, displaypath.Of(cfg.Path))
	}
	return parseEndpoint(cfg.APIURL, displaypath.Of(cfg.Path), r.AllowHosts)
}

// Target is where the protocol's requests go (endpoint), as a plan records it.
func (p legacyProtocol) Target(cfg *lint.Config, r plan.Route) (plan.Target, error) {
	e, err := p.endpoint(cfg, r)
	if err != nil {
		return plan.Target{}, err
	}
	return e.target(), nil
}

// UserKeys are the standard keys of a user object, in body order.
func (legacyProtocol) UserKeys() []plan.RoleKey { return legacyWire.userKeys }

// Invites is InviteNewUsers, which the settings block carries.
func (legacyProtocol) Invites(cfg *lint.Config) bool { return cfg.InviteNewUsers }

// Notes: the legacy protocol adds none to the plan.
func (legacyProtocol) Notes(*lint.Config) []string { return nil }

func (legacyProtocol) firstPush() string {
	return "Officevibe will remove every member who is not in users.csv and delete every team that is not in groups.csv"
}

func (legacyProtocol) keyHint(source string) string {
	return fmt.Sprintf("the key came from %s: check it, and that the Custom Integration's provisioning is activated in Officevibe", source)
}

// userKeys are the standard keys of a legacy user object in the order
// the body writes them, each with the users.csv column it comes from.
var userKeys = []plan.RoleKey{
	{Role: lint.UserID, Key: UserID},
	{Role: lint.UserEmail, Key: UserEmail},
	{Role: lint.UserFirstName, Key: UserFirstName},
	{Role: lint.UserLastName, Key: UserLastName},
	{Role: lint.UserJobTitle, Key: UserJobTitle},
	{Role: lint.UserImageURL, Key: UserImageURL},
	{Role: lint.UserLanguage, Key: UserLanguage},
}

// Keys of the settings block, read from the wire type's JSON tags.
var (
	settingsEmailKey  = keyPrefix(jsonKey(Settings{}, "SyncManagerEmail"), true)
	settingsInviteKey = keyPrefix(jsonKey(Settings{}, "InviteNewUsers"), false)
)

// legacyWire is how the legacy body is written (FORMAT.md): settings,
// then users, groups and mappings, from files in the legacy format.
var legacyWire = &wireFormat{
	head:     writeSettings,
	files:    lint.Legacy,
	users:    LegacyUsers,
	groups:   LegacyGroups,
	mappings: LegacyMappings,
	userKeys: userKeys,
	groupKeys: [2]string{
		keyPrefix(jsonKey(Group{}, "ID"), true),
		keyPrefix(jsonKey(Group{}, "Name"), false),
	},
	mappingKeys: [5]string{
		keyPrefix(jsonKey(Mapping{}, "GroupID"), true),
		keyPrefix(jsonKey(Mapping{}, "UserID"), false),
		keyPrefix(jsonKey(Mapping{}, "SubGroupID"), false),
		keyPrefix(jsonKey(Mapping{}, "IsMember"), false),
		keyPrefix(jsonKey(Mapping{}, "IsManager"), false),
	},
}

// writeSettings writes the settings block, the legacy body's first key.
func writeSettings(bw *bodyWriter, cfg *lint.Config) {
	bw.raw(keyPrefix(LegacySettings, true))
	bw.raw("{")
	bw.raw(settingsEmailKey)
	bw.str(cfg.SyncManagerEmail)
	bw.raw(settingsInviteKey)
	bw.boolean(cfg.InviteNewUsers)
	bw.raw("}")
}

// WriteBody streams the body of FORMAT.md: settings, then users, groups
// and mappings, each read row by row from its CSV file with every value
// as written. Booleans are the only values that are not strings.
func (legacyProtocol) WriteBody(w io.Writer, cfg *lint.Config, rec plan.Recorder) (int64, error) {
	return legacyWire.writeBody(w, cfg, rec)
}

// Body starts the body on w, for records handed to it one at a time.
func (legacyProtocol) Body(w io.Writer, cfg *lint.Config, rec plan.Recorder) plan.Body {
	return legacyWire.newBody(w, cfg, rec)
}

// legacyAnswer is the sync answer of FORMAT.md with isSuccess required:
// an answer without it is not the API's.
type legacyAnswer struct {
	IsSuccess    *bool    `json:"isSuccess"`
	Errors       []string `json:"errors"`
	ErrorMessage string   `json:"errorMessage"`
}

// decodeLegacy reads a legacy JSON answer; ok is false when the body is
// not a JSON object with a boolean isSuccess.
func decodeLegacy(body []byte) (legacyAnswer, bool) {
	var v legacyAnswer
	if err := json.Unmarshal(body, &v); err != nil || v.IsSuccess == nil {
		return legacyAnswer{}, false
	}
	return v, true
}

// readSync reads the answer to a sync. 2xx with isSuccess true is
// accepted (its errors, if any, are the app's Warning messages); every
// other answer is a [*RejectedError].
func (legacyProtocol) readSync(a answer) (syncOutcome, error) {
	if err := legacyRefusal(a); err != nil {
		return syncOutcome{}, err
	}
	v, ok := decodeLegacy(a.body)
	switch {
	case !ok:
		return syncOutcome{}, a.notAPI("sync")
	case a.status < 200 || a.status > 299:
		return syncOutcome{}, &RejectedError{Status: a.status, Message: fmt.Sprintf("the service refused the sync (%s)", statusText(a.status)), Errors: v.Errors}
	case !*v.IsSuccess:
		msgs := v.Errors
		if len(msgs) == 0 && v.ErrorMessage != "" {
			msgs = []string{v.ErrorMessage}
		}
		return syncOutcome{}, &RejectedError{Status: a.status, Message: "the service refused the sync (isSuccess false): nothing changed in Officevibe", Errors: msgs,
			Hint: "fix what the messages say, lint again, then push again"}
	}
	return syncOutcome{warnings: v.Errors}, nil
}

// readPing reads the answer to a ping: nil when the key works.
func (legacyProtocol) readPing(a answer) (string, error) {
	if err := legacyRefusal(a); err != nil {
		return "", err
	}
	v, ok := decodeLegacy(a.body)
	switch {
	case !ok:
		return "", a.notAPI("ping")
	case a.status < 200 || a.status > 299 || !*v.IsSuccess:
		var msgs []string
		if v.ErrorMessage != "" {
			msgs = []string{v.ErrorMessage}
		}
		msgs = append(msgs, v.Errors...)
		return "", &RejectedError{Status: a.status, Message: fmt.Sprintf("the service refused the ping (%s, isSuccess %t)", statusText(a.status), *v.IsSuccess), Errors: msgs}
	}
	return v.ErrorMessage, nil
}

// legacyRefusal returns the error of an answer that says the key was
// rejected (401, 403, an HTML page) or that redirects, or nil.
func legacyRefusal(a answer) error {
	switch {
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden || a.looksHTML():
		return &RejectedError{Status: a.status, KeyRejected: true, Message: msgKeyRejected}
	case a.status >= 300 && a.status <= 399:
		return a.redirected()
	}
	return nil
}
