package push

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ovsync/ovsync/lint"
)

// legacyProtocol is the Officevibe sync API of FORMAT.md: one POST of the
// whole org to {ApiUrl}/api/v2/sync, "Authorization: Bearer KEY".
type legacyProtocol struct{}

func (legacyProtocol) name() string { return ProtocolLegacy }

func (legacyProtocol) syncURL(e endpoint) string { return e.join(SyncPath) }

func (legacyProtocol) pingURL(e endpoint) (string, bool) { return e.join(PingPath), true }

func (legacyProtocol) authorize(h http.Header, key string) {
	h.Set(AuthorizationHeader, BearerPrefix+key)
}

// userKeys are the standard keys of a user object in the order the body
// writes them, each with the users.csv column it comes from. A key is
// always written, as "" when the file has no such column.
var userKeys = []struct {
	role lint.Role
	key  string
}{
	{lint.UserID, UserID},
	{lint.UserEmail, UserEmail},
	{lint.UserFirstName, UserFirstName},
	{lint.UserLastName, UserLastName},
	{lint.UserJobTitle, UserJobTitle},
	{lint.UserImageURL, UserImageURL},
	{lint.UserLanguage, UserLanguage},
}

// Keys of the other objects, read from the wire types' JSON tags.
var (
	settingsEmailKey  = keyPrefix(jsonKey(Settings{}, "SyncManagerEmail"), true)
	settingsInviteKey = keyPrefix(jsonKey(Settings{}, "InviteNewUsers"), false)
	groupKeys         = [2]string{keyPrefix(jsonKey(Group{}, "ID"), true), keyPrefix(jsonKey(Group{}, "Name"), false)}
	mappingKeys       = [5]string{
		keyPrefix(jsonKey(Mapping{}, "GroupID"), true),
		keyPrefix(jsonKey(Mapping{}, "UserID"), false),
		keyPrefix(jsonKey(Mapping{}, "SubGroupID"), false),
		keyPrefix(jsonKey(Mapping{}, "IsMember"), false),
		keyPrefix(jsonKey(Mapping{}, "IsManager"), false),
	}
)

// column is a column of a CSV file with the key prefix it is written
// with in the body.
type column struct {
	index  int
	prefix string
}

// userColumns lines up a users.csv header with the keys of a user
// object: the standard keys, then one key per custom column, named as in
// the header, in header order.
func userColumns(h *lint.Header) []column {
	cols := make([]column, 0, len(userKeys)+len(h.Custom()))
	for i, k := range userKeys {
		cols = append(cols, column{index: h.Col(k.role), prefix: keyPrefix(k.key, i == 0)})
	}
	for _, i := range h.Custom() {
		cols = append(cols, column{index: i, prefix: keyPrefix(h.Names[i], false)})
	}
	return cols
}

// field returns field i of rec as written, or "" when there is none (a
// missing column, a short row).
func field(rec *lint.Record, i int) string {
	if i < 0 || i >= len(rec.Fields) {
		return ""
	}
	return rec.Fields[i]
}

// writeBody streams the body of FORMAT.md: settings, then users, groups
// and mappings, each read row by row from its CSV file with every value
// as written. Booleans are the only values that are not strings.
func (legacyProtocol) writeBody(bw *bodyWriter, cfg *lint.Config, obs observer) error {
	bw.raw("{")
	bw.raw(keyPrefix(LegacySettings, true))
	bw.raw("{")
	bw.raw(settingsEmailKey)
	bw.str(cfg.SyncManagerEmail)
	bw.raw(settingsInviteKey)
	bw.boolean(cfg.InviteNewUsers)
	bw.raw("}")

	bw.raw(keyPrefix(LegacyUsers, false))
	bw.raw("[")
	var cols []column
	var header *lint.Header
	idCol, n := -1, 0
	err := lint.ReadRows(lint.Legacy, lint.KindUsers, cfg.UsersCSV, func(h *lint.Header, rec *lint.Record) error {
		if h != header {
			header, cols, idCol = h, userColumns(h), h.Col(lint.UserID)
		}
		if n > 0 {
			bw.raw(",")
		}
		n++
		start := len(bw.buf)
		bw.raw("{")
		for _, c := range cols {
			bw.raw(c.prefix)
			bw.str(field(rec, c.index))
		}
		bw.raw("}")
		if obs != nil {
			obs.user(field(rec, idCol), bw.buf[start:])
		}
		return bw.boundary()
	})
	if err != nil {
		return err
	}
	bw.raw("]")

	bw.raw(keyPrefix(LegacyGroups, false))
	bw.raw("[")
	n = 0
	err = lint.ReadRows(lint.Legacy, lint.KindGroups, cfg.GroupsCSV, func(h *lint.Header, rec *lint.Record) error {
		if n > 0 {
			bw.raw(",")
		}
		n++
		bw.raw("{")
		bw.raw(groupKeys[0])
		bw.str(field(rec, h.Col(lint.TeamID)))
		bw.raw(groupKeys[1])
		bw.str(field(rec, h.Col(lint.TeamName)))
		bw.raw("}")
		return bw.boundary()
	})
	if err != nil {
		return err
	}
	bw.raw("]")

	bw.raw(keyPrefix(LegacyMappings, false))
	bw.raw("[")
	n = 0
	err = lint.ReadRows(lint.Legacy, lint.KindMapping, cfg.MappingCSV, func(h *lint.Header, rec *lint.Record) error {
		team, user, sub := field(rec, h.Col(lint.MapTeam)), field(rec, h.Col(lint.MapUser)), field(rec, h.Col(lint.MapSubTeam))
		member, ok1 := lint.ParseBool(field(rec, h.Col(lint.MapIsMember)))
		manager, ok2 := lint.ParseBool(field(rec, h.Col(lint.MapIsManager)))
		if !ok1 || !ok2 {
			return fmt.Errorf("%s:%d: isMember and isManager must be TRUE or FALSE (run ovsync lint)", lint.DisplayPath(cfg.MappingCSV), rec.Line)
		}
		if n > 0 {
			bw.raw(",")
		}
		n++
		bw.raw("{")
		bw.raw(mappingKeys[0])
		bw.str(team)
		bw.raw(mappingKeys[1])
		bw.str(user)
		bw.raw(mappingKeys[2])
		bw.str(sub)
		bw.raw(mappingKeys[3])
		bw.boolean(member)
		bw.raw(mappingKeys[4])
		bw.boolean(manager)
		bw.raw("}")
		if obs != nil {
			obs.mapping(team, user, sub, member, manager)
		}
		return bw.boundary()
	})
	if err != nil {
		return err
	}
	bw.raw("]}")
	return bw.flush()
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
