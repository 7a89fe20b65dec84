package plan

import (
	"strings"

	"github.com/ovsync/ovsync/lint"
)

// succeeds reports whether a push of protocol proto may be planned
// against st although st is another protocol's: the first provisioning
// push after "ovsync migrate", which keeps every id, plans against the
// last legacy push instead of as a first push.
func (st *state) succeeds(proto string) bool {
	return st.Protocol == ProtocolLegacy && proto == ProtocolProvisioning
}

// asProvisioning rewrites the state of a legacy push (of protocol from)
// as the provisioning protocol (to) names it: the user keys by role
// (userId becomes externalMemberId, ...) and the language names as codes
// (Français becomes fr), so that a migrated org with no other change
// plans none.
// A version 1 state keeps hashes of legacy objects only: its users all
// plan as changed, but nobody as removed or added.
func (st *state) asProvisioning(from, to Protocol) {
	st.Protocol = ProtocolProvisioning
	if st.v1() {
		return
	}
	roleOf := make(map[string]lint.Role, len(from.UserKeys()))
	for _, k := range from.UserKeys() {
		roleOf[k.Key] = k.Role
	}
	keyOf := make(map[lint.Role]string, len(to.UserKeys()))
	for _, k := range to.UserKeys() {
		keyOf[k.Role] = k.Key
	}
	lang := -1
	keys := make([]string, len(st.UserKeys))
	for i, k := range st.UserKeys {
		keys[i] = k
		r, ok := roleOf[k]
		if !ok {
			continue
		}
		if nk, ok := keyOf[r]; ok {
			keys[i] = nk
		}
		if r == lint.UserLanguage {
			lang = i
		}
	}
	st.UserKeys = keys
	if lang < 0 {
		return
	}
	codes := make(map[string]string, len(from.Files().Languages))
	for i, name := range from.Files().Languages {
		if i < len(to.Files().Languages) {
			codes[strings.ToLower(name)] = to.Files().Languages[i]
		}
	}
	var vals []string
	var buf []byte
	for i := range st.Users {
		u := &st.Users[i]
		vals = splitValues(u.Values, vals[:0])
		if lang >= len(vals) {
			continue
		}
		code, ok := codes[strings.ToLower(strings.TrimSpace(vals[lang]))]
		if !ok {
			continue
		}
		vals[lang] = code
		buf = buf[:0]
		for j, v := range vals {
			if j > 0 {
				buf = append(buf, '\t')
			}
			buf = appendEscaped(buf, v)
		}
		u.Values = string(buf)
	}
}
