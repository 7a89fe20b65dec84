package plan

import (
	"strings"

	"github.com/ovsync/ovsync/lint"
)

// succeeds reports whether a push of protocol proto may be planned
// against the state of head although it is another protocol's: the
// first provisioning push after "ovsync migrate", which keeps every id,
// plans against the last legacy push instead of as a first push.
func (h *stateHead) succeeds(proto string) bool {
	return h.Protocol == ProtocolLegacy && proto == ProtocolProvisioning
}

// succession reads the state of a legacy push (of protocol from) as the
// provisioning protocol (to) names it: the user keys by role (userId
// becomes externalMemberId, ...) and the language names as codes
// (Français becomes fr), so that a migrated org with no other change
// plans none. A version 1 state keeps hashes of legacy objects only: its
// users all plan as changed, but nobody as removed or added.
type succession struct {
	next listSink
	// lang is the position of the language among the keys, -1 for none;
	// codes are the codes of the language names, in lower case.
	lang  int
	codes map[string]string
	vals  []string
	buf   []byte
}

// asProvisioning renames the keys of head, and returns the sink that
// hands the records of its lists to next as the provisioning protocol
// names them.
func (h *stateHead) asProvisioning(from, to Protocol, next listSink) listSink {
	h.Protocol = ProtocolProvisioning
	if h.Version == stateVersion1 {
		return next
	}
	roleOf := make(map[string]lint.Role, len(from.UserKeys()))
	for _, k := range from.UserKeys() {
		roleOf[k.Key] = k.Role
	}
	keyOf := make(map[lint.Role]string, len(to.UserKeys()))
	for _, k := range to.UserKeys() {
		keyOf[k.Role] = k.Key
	}
	s := &succession{next: next, lang: -1}
	keys := make([]string, len(h.UserKeys))
	for i, k := range h.UserKeys {
		keys[i] = k
		r, ok := roleOf[k]
		if !ok {
			continue
		}
		if nk, ok := keyOf[r]; ok {
			keys[i] = nk
		}
		if r == lint.UserLanguage {
			s.lang = i
		}
	}
	h.UserKeys = keys
	if s.lang < 0 {
		return next
	}
	s.codes = make(map[string]string, len(from.Files().Languages))
	for i, name := range from.Files().Languages {
		if i < len(to.Files().Languages) {
			s.codes[strings.ToLower(name)] = to.Files().Languages[i]
		}
	}
	return s
}

// user hands on a user, its language as a code.
func (s *succession) user(u *stateUser) error {
	if values, ok := s.translate(u.Values); ok {
		v := *u
		v.Values = values
		return s.next.user(&v)
	}
	return s.next.user(u)
}

// translate returns a user's values with the language as a code; ok is
// false when they stay as they are.
func (s *succession) translate(values string) (string, bool) {
	s.vals = splitValues(values, s.vals[:0])
	if s.lang >= len(s.vals) {
		return values, false
	}
	code, ok := s.codes[strings.ToLower(strings.TrimSpace(s.vals[s.lang]))]
	if !ok {
		return values, false
	}
	s.vals[s.lang] = code
	s.buf = appendValues(s.buf[:0], s.vals)
	return string(s.buf), true
}

// translateWhole translates the users of a state read whole in place,
// as sink would hand them on: a state [repair] reads before comparing.
func translateWhole(st *state, sink listSink) {
	s, ok := sink.(*succession)
	if !ok {
		return
	}
	for i := range st.Users {
		if values, ok := s.translate(st.Users[i].Values); ok {
			st.Users[i].Values = values
		}
	}
}

func (s *succession) team(t *stateTeam) error { return s.next.team(t) }

func (s *succession) mapping(m *stateMapping) error { return s.next.mapping(m) }
