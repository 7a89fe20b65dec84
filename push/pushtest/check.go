package pushtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/push"
)

// MaxMessages caps the errors, and separately the warnings, that [Check]
// keeps; a last message says how many more there were.
const MaxMessages = 100

// Result is what [Check] found in a sync body.
type Result struct {
	// Protocol is the protocol the body was checked against.
	Protocol Protocol `json:"protocol"`
	// Users, Groups and Mappings count the elements of the users, groups
	// and mappings arrays (members, teams and teamMappings in the
	// successor protocol), valid or not.
	Users    int `json:"users"`
	Groups   int `json:"groups"`
	Mappings int `json:"mappings"`
	// Bytes is the size of the body.
	Bytes int64 `json:"bytes"`
	// Settings is the legacy settings block, nil when absent or invalid.
	Settings *push.Settings `json:"settings,omitempty"`
	// Errors make the sync fail (the app's Error status).
	Errors []string `json:"errors"`
	// Warnings let the sync through with the app's Warning status:
	// duplicates, references to ids the payload does not hold, a first
	// name without a last name.
	Warnings []string `json:"warnings"`
}

// Status is the app's status for the sync this result describes.
func (r Result) Status() Status {
	switch {
	case len(r.Errors) > 0:
		return StatusError
	case len(r.Warnings) > 0:
		return StatusWarning
	}
	return StatusSuccess
}

// Check reads a sync body from r as a stream and checks it strictly against
// the protocol p: the top-level keys, the type of every value, the required
// fields, and unknown keys where the format has a fixed set. It decodes one
// array element at a time with encoding/json's Decoder, so its memory grows
// with the number of distinct ids (kept as 64-bit hashes for the duplicate
// and reference checks), never with the size of the body.
func Check(p Protocol, r io.Reader) Result {
	c := newChecker(p, r)
	c.run()
	return c.result()
}

// sectionKind is what a top-level key holds.
type sectionKind uint8

const (
	sectionUnknown sectionKind = iota
	sectionSettings
	sectionUsers
	sectionGroups
	sectionMappings
)

// vocabulary is one protocol's key names: the only place where the checker
// learns either format's words.
type vocabulary struct {
	sections                  map[string]sectionKind
	required                  []string // top-level keys, in body order
	settingsAllowed           bool
	userID                    string
	groupID, groupName        string
	mapGroup, mapUser, mapSub string
}

// The key names of groups, mappings and settings are read from the JSON
// tags of push's wire types, so that push/api.go stays their one source.
var legacyVocabulary = vocabulary{
	sections: map[string]sectionKind{
		push.LegacySettings: sectionSettings,
		push.LegacyUsers:    sectionUsers,
		push.LegacyGroups:   sectionGroups,
		push.LegacyMappings: sectionMappings,
	},
	required:        []string{push.LegacySettings, push.LegacyUsers, push.LegacyGroups, push.LegacyMappings},
	settingsAllowed: true,
	userID:          push.UserID,
	groupID:         jsonName(push.Group{}, "ID"),
	groupName:       jsonName(push.Group{}, "Name"),
	mapGroup:        jsonName(push.Mapping{}, "GroupID"),
	mapUser:         jsonName(push.Mapping{}, "UserID"),
	mapSub:          jsonName(push.Mapping{}, "SubGroupID"),
}

var provisioningVocabulary = vocabulary{
	sections: map[string]sectionKind{
		push.ProvisioningMembers:      sectionUsers,
		push.ProvisioningTeams:        sectionGroups,
		push.ProvisioningTeamMappings: sectionMappings,
		push.LegacySettings:           sectionSettings,
	},
	required:  []string{push.ProvisioningMembers, push.ProvisioningTeams, push.ProvisioningTeamMappings},
	userID:    push.MemberID,
	groupID:   jsonName(push.Team{}, "ExternalTeamID"),
	groupName: jsonName(push.Team{}, "TeamName"),
	mapGroup:  jsonName(push.TeamMapping{}, "ExternalTeamID"),
	mapUser:   jsonName(push.TeamMapping{}, "ExternalMemberID"),
	mapSub:    jsonName(push.TeamMapping{}, "ExternalSubteamID"),
}

// Keys common to both protocols.
var (
	isMember         = jsonName(push.Mapping{}, "IsMember")
	isManager        = jsonName(push.Mapping{}, "IsManager")
	syncManagerEmail = jsonName(push.Settings{}, "SyncManagerEmail")
	inviteNewUsers   = jsonName(push.Settings{}, "InviteNewUsers")
)

// jsonName returns the JSON key of the named field of struct v.
func jsonName(v any, field string) string {
	f, ok := reflect.TypeOf(v).FieldByName(field)
	if !ok {
		panic("pushtest: no field " + field + " in " + reflect.TypeOf(v).String())
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// idSet is a set of strings kept as their 64-bit hashes, in an
// open-addressing table probed linearly: a million ids cost 16 to 32 MB
// instead of the strings themselves, and an insert is one hash and
// usually one memory access, several times cheaper than a Go map at that
// size. A collision (odds about n²/2⁶⁵) would only make a false duplicate
// or hide a dangling reference.
type idSet struct {
	slots []uint64 // 0 is an empty slot
	n     int
}

// add puts h into the set and reports whether it was there already.
func (s *idSet) add(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return false
		case h:
			return true
		}
	}
}

// has reports whether h is in the set.
func (s *idSet) has(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if len(s.slots) == 0 {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			return false
		case h:
			return true
		}
	}
}

// grow doubles the table, keeping it at most half full.
func (s *idSet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(1024, 2*len(old)))
	s.n = 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// checker holds the state of one [Check].
type checker struct {
	voc   vocabulary
	in    countingReader
	dec   *json.Decoder
	res   Result
	errN  int // errors beyond MaxMessages
	warnN int
	seed  maphash.Seed
	seen  map[string]bool // top-level keys
	// started tells which sections have begun; when a mapping is read,
	// a section that has begun has ended.
	started [sectionMappings + 1]bool
	users   idSet
	emails  idSet
	groups  idSet
	pairs   idSet // (group, user) and (group, sub-group) pairs
	// pending holds mapping references met before their section ended.
	pending []reference
	raw     json.RawMessage
	fields  []field
	keys    map[string]struct{} // for objects with many keys
	lower   []byte
	pair    []byte
}

// reference is a mapping's reference to a user or group id, checked once
// the section holding the ids has been read.
type reference struct {
	where loc
	key   string
	id    string
	group bool
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func newChecker(p Protocol, r io.Reader) *checker {
	c := &checker{
		voc:  legacyVocabulary,
		seed: maphash.MakeSeed(),
		seen: map[string]bool{},
	}
	if p == Provisioning {
		c.voc = provisioningVocabulary
	}
	c.res.Protocol = p
	c.in.r = r
	c.dec = json.NewDecoder(&c.in)
	return c
}

func (c *checker) result() Result {
	if c.errN > 0 {
		c.res.Errors = append(c.res.Errors, fmt.Sprintf("… and %d more errors", c.errN))
	}
	if c.warnN > 0 {
		c.res.Warnings = append(c.res.Warnings, fmt.Sprintf("… and %d more warnings", c.warnN))
	}
	c.res.Bytes = c.in.n
	return c.res
}

func (c *checker) errorf(format string, args ...any) {
	if len(c.res.Errors) >= MaxMessages {
		c.errN++
		return
	}
	c.res.Errors = append(c.res.Errors, fmt.Sprintf(format, args...))
}

func (c *checker) warnf(format string, args ...any) {
	if len(c.res.Warnings) >= MaxMessages {
		c.warnN++
		return
	}
	c.res.Warnings = append(c.res.Warnings, fmt.Sprintf(format, args...))
}

// decodeError reports an error of the decoder. A syntax error names the
// element being read and the byte after which it lies: encoding/json's own
// offsets count from the start of a buffered value, not of the body.
func (c *checker) decodeError(err error, where loc, after int64) {
	var syntax *json.SyntaxError
	prefix := ""
	if where.key != "" {
		prefix = where.String() + ": "
	}
	switch {
	case errors.As(err, &syntax):
		c.errorf("%sinvalid JSON after byte %d: %s", prefix, after, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		c.errorf("the body ends at byte %d before the JSON is complete", c.in.n)
	default:
		c.errorf("reading the body: %v", err)
	}
}

// token reads the next token, reporting an error.
func (c *checker) token(where loc) (json.Token, bool) {
	after := c.dec.InputOffset()
	tok, err := c.dec.Token()
	if err != nil {
		c.decodeError(err, where, after)
		return nil, false
	}
	return tok, true
}

// decode reads the next value into c.raw, reporting an error.
func (c *checker) decode(where loc) bool {
	after := c.dec.InputOffset()
	if err := c.dec.Decode(&c.raw); err != nil {
		c.decodeError(err, where, after)
		return false
	}
	return true
}

// run checks the whole body; it stops at the first JSON syntax error.
func (c *checker) run() {
	tok, err := c.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			c.errorf("the body is empty")
			return
		}
		c.decodeError(err, loc{}, 0)
		return
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		c.errorf("the body is %s, want an object", tokenKind(tok))
		c.skipRest(tok, loc{})
		return
	}
	for c.dec.More() {
		tok, ok := c.token(loc{})
		if !ok {
			return
		}
		key, _ := tok.(string)
		if !c.section(key) {
			return
		}
	}
	if _, ok := c.token(loc{}); !ok { // the closing brace
		return
	}
	after := c.dec.InputOffset()
	if _, err := c.dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			c.decodeError(err, loc{}, after)
		} else {
			c.errorf("unexpected data after the top-level object, after byte %d", after)
		}
		return
	}
	for _, k := range c.voc.required {
		if !c.seen[k] {
			c.errorf("missing top-level key %q", k)
		}
	}
	c.checkPending()
}

// skipRest reads the rest of the value that starts with tok, so that a
// value of the wrong shape, however large, is not held in memory and its
// syntax is still checked. It returns false when reading must stop.
func (c *checker) skipRest(tok json.Token, where loc) bool {
	if d, ok := tok.(json.Delim); !ok || (d != '[' && d != '{') {
		return true
	}
	for depth := 1; depth > 0; {
		tok, ok := c.token(where)
		if !ok {
			return false
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
	return true
}

// tokenKind names a top-level token's kind for messages.
func tokenKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return kindArray.String()
		}
		return kindObject.String()
	case string:
		return kindString.String()
	case bool:
		return kindBool.String()
	case nil:
		return kindNull.String()
	}
	return kindNumber.String()
}

// loc names an element of a section in messages, as "users[3]", or a
// section, as "users", with i < 0; the zero loc names nothing. It is
// formatted only when a message needs it.
type loc struct {
	key string
	i   int
}

func (l loc) String() string {
	key := l.key
	for _, r := range key {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_') {
			key = strconv.Quote(key) // an unknown key, shown on one line
			break
		}
	}
	if l.i < 0 {
		return key
	}
	return key + "[" + strconv.Itoa(l.i) + "]"
}

// section checks the value of one top-level key. It returns false when
// reading must stop (a syntax or read error).
func (c *checker) section(key string) bool {
	kind, known := c.voc.sections[key]
	switch {
	case c.seen[key]:
		c.errorf("duplicate top-level key %q", key)
	case !known:
		c.errorf("unknown top-level key %q", key)
	case kind == sectionSettings && !c.voc.settingsAllowed:
		c.errorf("top-level key %q is not accepted by API provisioning: invitations are the Automatic Invite setting in Workleap", key)
	}
	c.seen[key] = true
	if known {
		c.started[kind] = true
	}
	where := loc{key: key, i: -1}
	if !known || (kind == sectionSettings && !c.voc.settingsAllowed) {
		tok, ok := c.token(where)
		return ok && c.skipRest(tok, where)
	}
	if kind == sectionSettings {
		if !c.decode(where) {
			return false
		}
		c.settings(where)
		return true
	}
	tok, ok := c.token(where)
	if !ok {
		return false
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		c.errorf("%q is %s, want an array", key, tokenKind(tok))
		return c.skipRest(tok, where)
	}
	for i := 0; c.dec.More(); i++ {
		where := loc{key: key, i: i}
		if !c.decode(where) {
			return false
		}
		switch kind {
		case sectionUsers:
			c.res.Users++
			c.user(where)
		case sectionGroups:
			c.res.Groups++
			c.group(where)
		case sectionMappings:
			c.res.Mappings++
			c.mapping(where)
		}
	}
	_, ok = c.token(where)
	return ok
}

// object scans c.raw as a flat object, reporting a value that is not one.
func (c *checker) object(where loc) bool {
	var ok bool
	c.fields, ok = scanObject(c.raw, c.fields[:0])
	if !ok {
		k := kindInvalid
		if i := skipSpace(c.raw, 0); i < len(c.raw) {
			k = kindOf(c.raw[i])
		}
		c.errorf("%s is %s, want an object", where, k)
		return false
	}
	c.duplicateKeys(where)
	return true
}

// duplicateKeys reports keys that appear twice in the last scanned object:
// pairwise for the usual few keys, through a map for many, so that a
// hostile object cannot cost quadratic time.
func (c *checker) duplicateKeys(where loc) {
	if len(c.fields) <= 32 {
		for i := range c.fields {
			for j := range i {
				if bytes.Equal(c.fields[i].key, c.fields[j].key) {
					c.errorf("%s: duplicate key %q", where, c.fields[i].key)
					break
				}
			}
		}
		return
	}
	if c.keys == nil {
		c.keys = map[string]struct{}{}
	}
	clear(c.keys)
	for _, f := range c.fields {
		if _, dup := c.keys[string(f.key)]; dup {
			c.errorf("%s: duplicate key %q", where, f.key)
			continue
		}
		c.keys[string(f.key)] = struct{}{}
	}
}

// get returns the field named key of the last scanned object.
func (c *checker) get(key string) (field, bool) {
	for _, f := range c.fields {
		if string(f.key) == key {
			return f, true
		}
	}
	return field{}, false
}

// field returns the field named key, reporting it missing when required.
func (c *checker) field(where loc, key string, required bool) (field, bool) {
	f, ok := c.get(key)
	if !ok && required {
		c.errorf("%s: missing %q", where, key)
	}
	return f, ok
}

// str returns a required or optional string field's value; it reports a
// wrong type, and a missing or empty value when required. The value
// aliases the element's bytes: copy it to keep it.
func (c *checker) str(where loc, key string, required bool) ([]byte, bool) {
	f, ok := c.field(where, key, required)
	if !ok {
		return nil, false
	}
	if f.kind != kindString {
		c.errorf("%s: %q is %s, want a string", where, key, f.kind)
		return nil, false
	}
	return c.nonEmpty(where, key, f, required)
}

// text is str for a user, whose value types have been reported already.
func (c *checker) text(where loc, key string, required bool) ([]byte, bool) {
	f, ok := c.field(where, key, required)
	if !ok || f.kind != kindString {
		return nil, false
	}
	return c.nonEmpty(where, key, f, required)
}

// nonEmpty returns the string field f's value, reporting it when required
// and empty.
func (c *checker) nonEmpty(where loc, key string, f field, required bool) ([]byte, bool) {
	v, _ := unquote(f.val)
	if required && len(v) == 0 {
		c.errorf("%s: %q is empty", where, key)
		return nil, false
	}
	return v, true
}

// boolean checks a required boolean field.
func (c *checker) boolean(where loc, key string) (bool, bool) {
	f, ok := c.field(where, key, true)
	if !ok {
		return false, false
	}
	if f.kind != kindBool {
		c.errorf("%s: %q is %s, want true or false", where, key, f.kind)
		return false, false
	}
	return f.val[0] == 't', true
}

// only reports keys of the last scanned object outside allowed.
func (c *checker) only(where loc, allowed ...string) {
	for _, f := range c.fields {
		known := false
		for _, a := range allowed {
			if string(f.key) == a {
				known = true
				break
			}
		}
		if !known {
			c.errorf("%s: unknown key %q", where, f.key)
		}
	}
}

// settings checks the legacy settings block: both keys present, an email
// string (maybe empty) and a boolean.
func (c *checker) settings(where loc) {
	if !c.object(where) {
		return
	}
	c.only(where, syncManagerEmail, inviteNewUsers)
	_, okE := c.field(where, syncManagerEmail, true)
	var e []byte
	if okE {
		e, okE = c.str(where, syncManagerEmail, false)
	}
	inv, okI := c.boolean(where, inviteNewUsers)
	if okE && okI {
		c.res.Settings = &push.Settings{SyncManagerEmail: string(e), InviteNewUsers: inv}
	}
}

// user checks one user (member): every value a string, id and email
// present and not empty, custom properties allowed.
func (c *checker) user(where loc) {
	if !c.object(where) {
		return
	}
	for _, f := range c.fields {
		if f.kind != kindString {
			c.errorf("%s: %q is %s, want a string", where, f.key, f.kind)
		}
	}
	if id, ok := c.text(where, c.voc.userID, true); ok {
		if c.add(&c.users, id) {
			c.warnf("%s: duplicate %s %q", where, c.voc.userID, id)
		}
	}
	if email, ok := c.text(where, push.UserEmail, true); ok {
		c.lower = appendLower(c.lower[:0], email)
		if c.add(&c.emails, c.lower) {
			c.warnf("%s: duplicate email %q", where, email)
		}
	}
	first, _ := c.text(where, push.UserFirstName, false)
	last, _ := c.text(where, push.UserLastName, false)
	if (len(first) == 0) != (len(last) == 0) {
		c.warnf("%s: %q and %q go together: one is empty", where, push.UserFirstName, push.UserLastName)
	}
}

// group checks one group (team): exactly an id and a name, both strings.
func (c *checker) group(where loc) {
	if !c.object(where) {
		return
	}
	c.only(where, c.voc.groupID, c.voc.groupName)
	if id, ok := c.str(where, c.voc.groupID, true); ok {
		if c.add(&c.groups, id) {
			c.warnf("%s: duplicate %s %q", where, c.voc.groupID, id)
		}
	}
	if _, present := c.get(c.voc.groupName); !present {
		c.errorf("%s: missing %q", where, c.voc.groupName)
	} else {
		c.str(where, c.voc.groupName, false)
	}
}

// mapping checks one mapping: a group, exactly one of a user and a
// sub-group, and the two booleans.
func (c *checker) mapping(where loc) {
	if !c.object(where) {
		return
	}
	v := &c.voc
	c.only(where, v.mapGroup, v.mapUser, v.mapSub, isMember, isManager)
	group, okG := c.str(where, v.mapGroup, true)
	user, okU := c.str(where, v.mapUser, false)
	sub, okS := c.str(where, v.mapSub, false)
	c.boolean(where, isMember)
	c.boolean(where, isManager)
	_, hasU := c.get(v.mapUser)
	_, hasS := c.get(v.mapSub)
	if !hasU && !hasS {
		c.errorf("%s: missing %q or %q", where, v.mapUser, v.mapSub)
		return
	}
	if !okG || (hasU && !okU) || (hasS && !okS) {
		return
	}
	switch {
	case len(user) > 0 && len(sub) > 0:
		c.errorf("%s: both %q and %q are set: a row maps a user or a sub-team, not both", where, v.mapUser, v.mapSub)
		return
	case len(user) == 0 && len(sub) == 0:
		c.errorf("%s: %q and %q are both empty", where, v.mapUser, v.mapSub)
		return
	}
	c.refer(where, v.mapGroup, group, true)
	target, key, kind := user, v.mapUser, byte('u')
	if len(sub) > 0 {
		target, key, kind = sub, v.mapSub, 'g'
	}
	c.refer(where, key, target, kind == 'g')
	c.pair = append(append(append(append(c.pair[:0], group...), 0, kind), 0), target...)
	if c.add(&c.pairs, c.pair) {
		c.warnf("%s: duplicate mapping of %s %q into %q", where, key, target, group)
	}
}

// refer checks a mapping's reference to a user or group id now if the
// section holding the ids has been read, or keeps it for the end.
func (c *checker) refer(where loc, key string, id []byte, group bool) {
	want := sectionUsers
	if group {
		want = sectionGroups
	}
	r := reference{where: where, key: key, group: group}
	if c.started[want] {
		if !c.has(c.set(group), id) {
			r.id = string(id)
			c.dangling(r)
		}
		return
	}
	r.id = string(id)
	c.pending = append(c.pending, r)
}

// set is the set of user or group ids.
func (c *checker) set(group bool) *idSet {
	if group {
		return &c.groups
	}
	return &c.users
}

// sectionName is the top-level key holding users or groups.
func (c *checker) sectionName(group bool) string {
	want := sectionUsers
	if group {
		want = sectionGroups
	}
	for _, k := range c.voc.required {
		if c.voc.sections[k] == want {
			return k
		}
	}
	return ""
}

// dangling reports a reference to an id the payload does not hold.
func (c *checker) dangling(r reference) {
	c.warnf("%s: %s %q is not in %s", r.where, r.key, r.id, c.sectionName(r.group))
}

// checkPending checks the references met before their section.
func (c *checker) checkPending() {
	for _, r := range c.pending {
		if !c.has(c.set(r.group), []byte(r.id)) {
			c.dangling(r)
		}
	}
	c.pending = nil
}

// add puts b into set and reports whether it was there already.
func (c *checker) add(set *idSet, b []byte) bool {
	return set.add(maphash.Bytes(c.seed, b))
}

func (c *checker) has(set *idSet, b []byte) bool {
	return set.has(maphash.Bytes(c.seed, b))
}

// appendLower appends s in lower case: emails are compared without case,
// as Officevibe keys members by email.
func appendLower(dst []byte, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return append(dst, bytes.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst = append(dst, b)
	}
	return dst
}
